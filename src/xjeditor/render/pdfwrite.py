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

``document_pieces`` gives those pieces; ``write_document`` writes them to a file object,
``write_document_file`` to a new file, its room reserved first.
"""

from __future__ import annotations

import os

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

# A stream's data is written apart from its dictionary from this size on: smaller data
# costs less to join than to write in a call of its own.
_BIG = 1 << 15


def write_document(canvas: Canvas, out: BinaryIO) -> int:
    """Close the canvas's document and write it to ``out``; the number of bytes written.

    The bytes are those ``canvas.getpdfdata()`` returns; as after that call, the canvas
    must not be used again."""
    written = 0
    for piece in document_pieces(canvas):
        out.write(piece)
        written += len(piece)
    return written


def write_document_file(canvas: Canvas, fd: int) -> int:
    """``write_document`` to a new, empty file open for writing at ``fd`` (left open).

    The file's room is reserved before it is written (``posix_fallocate``, where the
    system has it). On ext4, the usual Linux file system, a file written without that and
    then renamed over an existing one has its data pushed to the disk within the rename
    (the file system's guard against empty files after a crash): a few milliseconds of
    every export to a file of the same name, the usual case. Blocks reserved beforehand
    are not waited for."""
    pieces = document_pieces(canvas)
    total = sum(map(len, pieces))
    if total and hasattr(os, "posix_fallocate"):
        try:
            os.posix_fallocate(fd, 0, total)
        except OSError:
            pass  # not supported here: written all the same
    with os.fdopen(fd, "wb", closefd=False) as out:
        for piece in pieces:
            out.write(piece)
    return total


def document_pieces(canvas: Canvas) -> list[bytes]:
    """Close the canvas's document and give its bytes (those of ``getpdfdata``) as a
    list of pieces, the big streams' data among them as they are."""
    doc = canvas._doc
    if type(doc.encrypt) is not pdfdoc.NoEncryption or not doc.invariant:
        return [canvas.getpdfdata()]
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
    # ... and what its format() does, piece by piece
    doc.encrypt.prepare(doc)
    root = doc.Reference(doc.Catalog)
    info = doc.Reference(doc.info)
    pieces: list[bytes] = []
    put = pieces.append
    written = 0

    put(pdfdoc.PDFFile(doc._pdfVersion).format(doc))  # the header reportlab writes
    written += len(pieces[-1])
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
            head = b"%d %d obj\n" % (n, v) + pdfdoc.format(dictionary, doc) + b"\nstream\n"
            put(head)
            put(content)
            put(b"endstream\nendobj\n")
            written += len(head) + len(content) + 17
        else:
            piece = pdfdoc.PDFIndirectObject(oid, obj).format(doc)
            put(piece)
            written += len(piece)
        number += 1
    if number - 1 != len(number_to_id):
        raise ValueError(f"object {number} of {len(number_to_id)} is missing")
    xref = pdfdoc.PDFCrossReferenceTable()
    xref.addsection(0, ids)
    put(xref.format(doc))
    trailer = pdfdoc.PDFTrailer(startxref=written, Size=len(number_to_id) + 1, Root=root, Info=info,
                                ID=doc.ID())
    put(trailer.format(doc))
    return pieces
