"""Writing a finished reportlab document to a file, piece by piece.

reportlab's canvas gives a document as one ``bytes`` (``getpdfdata``): each object is
formatted into bytes, a stream's dictionary, data and keywords are joined, the object's
number is joined to that, and the objects are joined into the file. A print PDF is
mostly the data of a few big streams (the pictures' JPEGs, the font programs, the
output profile): two megabytes for four pages, copied half a dozen times on their way,
each copy in freshly mapped memory. ``write_document`` gives the same bytes to a file
object, the big streams' data written as they are, without a copy.

The objects are formatted by reportlab itself, in the order and with the numbers its own
``format`` gives them; only the joining is done here (the tests compare the bytes with
``getpdfdata``'s). A document this does not know how to write that way (encrypted, or
made with comments, which the export never does) goes through ``getpdfdata``.
"""

from __future__ import annotations

from typing import BinaryIO

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

# A stream's data is written apart from its dictionary from this size on: smaller data
# costs less to join than to write in a call of its own.
_BIG = 1 << 15


def write_document(canvas: Canvas, out: BinaryIO) -> int:
    """Close the canvas's document and write it to ``out``; the number of bytes written.

    The bytes are those ``canvas.getpdfdata()`` returns; as after that call, the canvas
    must not be used again."""
    doc = canvas._doc
    if type(doc.encrypt) is not pdfdoc.NoEncryption or not doc.invariant:
        data = canvas.getpdfdata()
        out.write(data)
        return len(data)
    if len(canvas._code):
        canvas.showPage()
    # What PDFDocument.GetPDFData does before it formats the document
    for font in doc.delayedFonts:
        font.addObjects(doc)
    doc.info.invariant = doc.invariant
    doc.info.digest(doc.signature)
    doc.Reference(doc.Catalog)
    doc.Reference(doc.info)
    doc.Outlines.prepare(doc, canvas)
    if doc.Outlines.ready < 0:
        doc.Catalog.Outlines = None
    # ... and what its format() does, writing as it goes
    doc.encrypt.prepare(doc)
    root = doc.Reference(doc.Catalog)
    info = doc.Reference(doc.info)
    written = 0

    def put(piece: bytes) -> None:
        nonlocal written
        out.write(piece)
        written += len(piece)

    put(pdfdoc.PDFFile(doc._pdfVersion).format(doc))  # the header reportlab writes
    number_to_id = doc.numberToId  # objects may be added while others are formatted
    ids = []
    number = 1
    while number in number_to_id:
        oid = number_to_id[number]
        obj = doc.idToObject[oid]
        doc.idToOffset[oid] = written
        ids.append(oid)
        content = getattr(obj, "content", None)
        if (type(obj) is pdfdoc.PDFStream and type(content) is bytes and len(content) >= _BIG
                and "Filter" in obj.dictionary.dict):
            # PDFStream.format inside PDFIndirectObject.format, without joining the data
            # (a stream with its /Filter set is not filtered again)
            n, v = doc.idToObjectNumberAndVersion[oid]
            doc.encrypt.register(n, v)
            dictionary = pdfdoc.PDFDictionary(obj.dictionary.dict.copy())
            dictionary["Length"] = len(content)
            put(b"%d %d obj\n" % (n, v) + pdfdoc.format(dictionary, doc) + b"\nstream\n")
            put(content)
            put(b"endstream\nendobj\n")
        else:
            put(pdfdoc.PDFIndirectObject(oid, obj).format(doc))
        number += 1
    if number - 1 != len(number_to_id):
        raise ValueError(f"object {number} of {len(number_to_id)} is missing")
    xref = pdfdoc.PDFCrossReferenceTable()
    xref.addsection(0, ids)
    start = written
    put(xref.format(doc))
    trailer = pdfdoc.PDFTrailer(startxref=start, Size=len(number_to_id) + 1, Root=root, Info=info,
                                ID=doc.ID())
    put(trailer.format(doc))
    return written
