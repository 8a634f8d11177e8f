"""PDF/X-1a:2003 document-level parts (spec R43), written into reportlab's document.

- the document information dictionary: Title, Creator, Producer, dates, Trapped,
  GTS_PDFXVersion and GTS_PDFXConformance (``install_info``);
- the XMP metadata stream with the same facts (``install_info``): dc:title, xmp dates,
  pdf:Producer, pdf:Trapped, pdfx:GTS_PDFXVersion and pdfxid:GTS_PDFXVersion;
- the OutputIntent with the embedded CMYK output profile (``attach_output_intent``).

The bundled output profile (``resources/icc/``) characterises coldset printing on
newsprint (ANSI CGATS/SNAP TR 002, registered with the ICC as "CGATS TR 002");
``default_output_intent`` loads it. The Info dictionary and the XMP state the same date:
the time of the export, or SOURCE_DATE_EPOCH when that is set (``document_time``), so that
the same issue then gives the same bytes (the document ID is a digest of the content and
that date).
"""

from __future__ import annotations

import functools
import os
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfdoc

from ..paths import resources_dir

PDFX_VERSION = "PDF/X-1a:2003"
PDFX_CONFORMANCE = "PDF/X-1a:2003"
PDFX_PDF_VERSION = (1, 4)  # PDF/X-1a:2003 is based on PDF 1.4
CREATOR = "XJ Editor"
PRODUCER = f"{CREATOR} (reportlab)"

# The bundled output condition (resources/icc/README.md).
PROFILE_FILE = "xj-newsprint-tr002.icc"
CONDITION_IDENTIFIER = "CGATS TR 002"
CONDITION = "Coldset offset printing on newsprint (ANSI CGATS/SNAP TR 002-2007)"
REGISTRY = "http://www.color.org"
CONDITION_INFO = "XJ Editor newsprint profile made from CGATS TR 002 characterization data"


@dataclass(frozen=True)
class OutputIntent:
    """The printing condition the CMYK values are meant for.

    ``profile`` is the ICC output profile (a CMYK one, embedded as the
    ``DestOutputProfile``); ``condition_identifier`` names the characterised condition
    (e.g. "CGATS TR 002" or "IFRA26"), ``registry`` where that name is registered.
    """

    profile: bytes
    condition_identifier: str
    condition: str = ""
    registry: str = REGISTRY
    info: str = ""


def profile_color_space(profile: bytes) -> str:
    """The data colour space of an ICC profile's header ("CMYK", "RGB", "GRAY", ...)."""
    if len(profile) < 128 or profile[36:40] != b"acsp":
        return ""
    return profile[16:20].decode("ascii", "replace").strip()


def profile_path() -> Path:
    """The bundled CMYK output profile."""
    return resources_dir() / "icc" / PROFILE_FILE


@functools.cache
def _profile_bytes(path: Path) -> bytes:
    return path.read_bytes()


def default_output_intent() -> OutputIntent | None:
    """The bundled newsprint output intent; None when the profile is not there."""
    path = profile_path()
    if not path.is_file():
        return None
    return OutputIntent(_profile_bytes(path), CONDITION_IDENTIFIER, CONDITION, REGISTRY, CONDITION_INFO)


# ------------------------------------------------------------------ the Info dictionary


# SOURCE_DATE_EPOCH values a PDF date can state (years 1970 to 9999)
_LAST_EPOCH = 253402300799


@dataclass(frozen=True)
class DocumentTime:
    """When the document was made, in the fields reportlab's ``PDFDate`` reads: the local
    date and time (``YMDhms``) and its offset from UTC in hours and minutes."""

    t: int
    YMDhms: tuple[int, int, int, int, int, int]
    dhh: int = 0
    dmm: int = 0


def document_time() -> DocumentTime:
    """The time the PDF states: SOURCE_DATE_EPOCH (seconds since 1970, UTC) when it is set
    to such a number, for reproducible output; otherwise now, in local time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isascii() and epoch.isdigit() and int(epoch) <= _LAST_EPOCH:
        t = int(epoch)
        return DocumentTime(t, tuple(time.gmtime(t))[:6])
    t = int(time.time())
    local = time.localtime(t)
    offset = local.tm_gmtoff // 60  # minutes east of UTC
    hours, minutes = divmod(abs(offset), 60)
    sign = -1 if offset < 0 else 1
    return DocumentTime(t, tuple(local)[:6], sign * hours, minutes)


class PdfxInfo(pdfdoc.PDFInfo):
    """The Info dictionary: only what PDF/X asks for, no reportlab placeholders."""

    def __init__(self, title: str, *, pdfx: bool) -> None:
        super().__init__()
        self.title = title
        self.author = ""
        self.subject = ""
        self.creator = CREATOR
        self.producer = PRODUCER
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
            d["GTS_PDFXConformance"] = pdfdoc.PDFString(PDFX_CONFORMANCE)
        return pdfdoc.PDFDictionary(d).format(document)


# ------------------------------------------------------------------ XMP metadata


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as XML entities (what ``xml.sax.saxutils.escape`` does,
    without importing it: that module pulls in urllib.request, http and email)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xmp_date(ts: DocumentTime) -> str:
    """The time stamp as an XMP date (ISO 8601 with the offset the Info dates carry)."""
    y, mo, d, h, mi, s = ts.YMDhms
    sign = "-" if ts.dhh < 0 else "+"
    return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{sign}{abs(ts.dhh):02d}:{abs(ts.dmm):02d}"


def xmp_packet(title: str, date: str, *, pdfx: bool) -> bytes:
    """An XMP packet stating the document's title, dates, producer and PDF/X version."""
    t = escape(title)
    pdfx_props = ""
    if pdfx:
        pdfx_props = (
            f"   <pdfx:GTS_PDFXVersion>{PDFX_VERSION}</pdfx:GTS_PDFXVersion>\n"
            f"   <pdfx:GTS_PDFXConformance>{PDFX_CONFORMANCE}</pdfx:GTS_PDFXConformance>\n"
            f"   <pdfxid:GTS_PDFXVersion>{PDFX_VERSION}</pdfxid:GTS_PDFXVersion>\n"
        )
    body = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"\n'
        '    xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/"\n'
        '    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/">\n'
        "   <dc:format>application/pdf</dc:format>\n"
        f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{t}</rdf:li></rdf:Alt></dc:title>\n'
        f"   <xmp:CreateDate>{date}</xmp:CreateDate>\n"
        f"   <xmp:ModifyDate>{date}</xmp:ModifyDate>\n"
        f"   <xmp:MetadataDate>{date}</xmp:MetadataDate>\n"
        f"   <xmp:CreatorTool>{CREATOR}</xmp:CreatorTool>\n"
        f"   <pdf:Producer>{escape(PRODUCER)}</pdf:Producer>\n"
        "   <pdf:Trapped>False</pdf:Trapped>\n"
        f"{pdfx_props}"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    return body.encode("utf-8")


class _MetadataStream(pdfdoc.PDFStream):
    """The XMP stream, written uncompressed (as PDF/X readers expect) with the
    document's own time stamp."""

    def __init__(self, title: str, *, pdfx: bool) -> None:
        super().__init__(pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("Metadata"),
                                               "Subtype": pdfdoc.PDFName("XML")}), b"")
        self.title = title
        self.pdfx = pdfx

    def format(self, document) -> bytes:
        content = xmp_packet(self.title, xmp_date(document._timeStamp), pdfx=self.pdfx)
        d = pdfdoc.PDFDictionary({**self.dictionary.dict, "Length": len(content)})
        return d.format(document) + b"\nstream\n" + content + b"\nendstream\n"


def install_info(doc: pdfdoc.PDFDocument, title: str, *, pdfx: bool) -> None:
    """The Info dictionary and, for PDF/X, the XMP metadata in the catalog, both dated
    ``document_time()``; the date also goes into the digest the document ID is made from."""
    stamp = document_time()
    doc._timeStamp = stamp
    doc.updateSignature(f"{stamp.t}")
    doc.info = PdfxInfo(title, pdfx=pdfx)
    if pdfx:
        doc.Catalog.Metadata = doc.Reference(_MetadataStream(title, pdfx=pdfx), "XJ.Metadata")


def attach_output_intent(doc: pdfdoc.PDFDocument, intent: OutputIntent, *, compress: bool = True) -> None:
    """Add /OutputIntents with the embedded CMYK profile to the document catalog."""
    if compress:
        profile = pdfdoc.PDFStream(
            pdfdoc.PDFDictionary({"N": 4, "Filter": pdfdoc.PDFName("FlateDecode")}), zlib.compress(intent.profile, 6))
    else:
        profile = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"N": 4}), intent.profile, None)
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
