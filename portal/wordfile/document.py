"""A new A4 Japanese document marked 秘, with the council's header and page numbers, and its bytes."""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from portal.wordfile.runs import (
    DEFAULT_FONT,
    HEADING_FONT,
    LANGUAGE,
    add_field,
    add_run,
    set_fonts,
    set_language,
)

_STYLES = ("Normal", "Header", "Footer", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet")


def _prepare_styles(doc, font: str, size_pt: float) -> None:
    """Give the defaults and the styles used here explicit Japanese fonts, sizes and language."""
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(defaults, font)
    set_language(defaults)
    for name in _STYLES:
        style = doc.styles[name]
        set_fonts(style.element, HEADING_FONT if name.startswith(("Heading", "Title")) else font)
        set_language(style.element.get_or_add_rPr())
        if name.startswith(("Heading", "Title")):
            style.font.color.rgb = RGBColor(0, 0, 0)
    doc.styles["Normal"].font.size = Pt(size_pt)
    doc.styles["Title"].font.size = Pt(size_pt + 7)
    for level, extra in ((1, 3), (2, 1.5), (3, 0.5)):
        doc.styles[f"Heading {level}"].font.size = Pt(size_pt + extra)


def new_document(
    *, council_name: str, title: str = "", confidential: bool = True, font: str = DEFAULT_FONT, size_pt=10.5
):
    """Start an A4 portrait document with the 秘 header, council name and "n / N" page footer."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    _prepare_styles(doc, font, size_pt)
    doc.core_properties.language = LANGUAGE
    doc.core_properties.title = title
    doc.core_properties.author = council_name
    _header(doc, council_name, confidential, font)
    _footer(doc, font)
    doc._portal_font = font
    doc.part._portal_font = font
    return doc


def _header(doc, council_name: str, confidential: bool, font: str) -> None:
    """Put the council's name on the left of every page's header, and 秘 on the right."""
    section = doc.sections[0]
    paragraph = section.header.paragraphs[0]
    paragraph.text = ""
    text_width = section.page_width - section.left_margin - section.right_margin
    tab_stops = paragraph.paragraph_format.tab_stops
    # The Header style's own stops (centre and right, for US Letter) would catch the tab first.
    for inherited in paragraph.style.paragraph_format.tab_stops:
        tab_stops.add_tab_stop(inherited.position, WD_TAB_ALIGNMENT.CLEAR)
    tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
    add_run(paragraph, council_name, font=font)
    if confidential:
        add_run(paragraph, "\t", font=font)
        mark = add_run(paragraph, "秘", font=HEADING_FONT, bold=True, size_pt=14)
        _box(mark)


def _box(run) -> None:
    """Draw a border around a run (the 秘 stamp)."""
    border = OxmlElement("w:bdr")
    for attr, value in (("w:val", "single"), ("w:sz", "8"), ("w:space", "0"), ("w:color", "000000")):
        border.set(qn(attr), value)
    run._element.get_or_add_rPr().append(border)


def _footer(doc, font: str) -> None:
    """Number every page as "n / N" with real PAGE and NUMPAGES fields, centred."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.text = ""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_field(paragraph, "PAGE", font=font)
    add_run(paragraph, " / ", font=font)
    add_field(paragraph, "NUMPAGES", font=font)


def to_bytes(doc) -> bytes:
    """Return the document as .docx bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
