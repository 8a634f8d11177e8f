"""PDF/X-1a:2003 document-level parts (spec R43), written into reportlab's document.

This slice writes the document information dictionary (Title, Trapped, the
GTS_PDFXVersion key, fixed dates) and has the plumbing for the OutputIntent. Until a
CMYK output profile (newsprint, e.g. ISO newspaper 26v4 / IFRA26) is bundled, exports
have no OutputIntent and are not yet complete PDF/X-1a files; ``render_pdf`` records a
finding about it. The next slice passes an ``OutputIntent`` to ``attach_output_intent``.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfbase import pdfdoc

PDFX_VERSION = "PDF/X-1a:2003"
PDFX_PDF_VERSION = (1, 4)  # PDF/X-1a:2003 is based on PDF 1.4
CREATOR = "XJ Editor"


@dataclass(frozen=True)
class OutputIntent:
    """The printing condition the CMYK values are meant for.

    ``profile`` is the ICC output profile (a CMYK one, embedded as the
    ``DestOutputProfile``); ``condition_identifier`` names the characterised condition
    (e.g. "IFRA26"), ``registry`` where that name is registered.
    """

    profile: bytes
    condition_identifier: str
    condition: str = ""
    registry: str = "http://www.color.org"
    info: str = ""


class PdfxInfo(pdfdoc.PDFInfo):
    """The Info dictionary: only what PDF/X asks for, no reportlab placeholders.

    Dates come from the document's time stamp, which is fixed in invariant mode (or
    taken from SOURCE_DATE_EPOCH), so exports stay byte-identical.
    """

    def __init__(self, title: str, *, pdfx: bool) -> None:
        super().__init__()
        self.title = title
        self.author = ""
        self.subject = ""
        self.creator = CREATOR
        self.producer = f"{CREATOR} (reportlab)"
        self.pdfx = pdfx

    def format(self, document) -> bytes:
        date = pdfdoc.PDFDate(ts=document._timeStamp)
        d = {
            "Title": pdfdoc.PDFString(self.title),
            "Creator": pdfdoc.PDFString(self.creator),
            "Producer": pdfdoc.PDFString(self.producer),
            "CreationDate": date,
            "ModDate": date,
            "Trapped": pdfdoc.PDFName("False"),
        }
        if self.pdfx:
            d["GTS_PDFXVersion"] = pdfdoc.PDFString(PDFX_VERSION)
        return pdfdoc.PDFDictionary(d).format(document)


def install_info(doc: pdfdoc.PDFDocument, title: str, *, pdfx: bool) -> None:
    doc.info = PdfxInfo(title, pdfx=pdfx)


def attach_output_intent(doc: pdfdoc.PDFDocument, intent: OutputIntent, *, compress: bool = True) -> None:
    """Add /OutputIntents with the embedded CMYK profile to the document catalog."""
    profile = pdfdoc.PDFStream(
        pdfdoc.PDFDictionary({"N": 4}),
        intent.profile,
        [pdfdoc.PDFZCompress] if compress else None,
    )
    entry = {
        "Type": pdfdoc.PDFName("OutputIntent"),
        "S": pdfdoc.PDFName("GTS_PDFX"),
        "OutputConditionIdentifier": pdfdoc.PDFString(intent.condition_identifier),
        "RegistryName": pdfdoc.PDFString(intent.registry),
        "DestOutputProfile": doc.Reference(profile, "OutputIntent.Profile"),
    }
    if intent.condition:
        entry["OutputCondition"] = pdfdoc.PDFString(intent.condition)
    if intent.info:
        entry["Info"] = pdfdoc.PDFString(intent.info)
    catalog = doc.Catalog
    # PDFCatalog writes only the keys listed in __NoDefault__; extend the list on this
    # instance so the class stays untouched.
    if "OutputIntents" not in catalog.__NoDefault__:
        catalog.__NoDefault__ = [*catalog.__NoDefault__, "OutputIntents"]
    catalog.OutputIntents = pdfdoc.PDFArray([pdfdoc.PDFDictionary(entry)])
