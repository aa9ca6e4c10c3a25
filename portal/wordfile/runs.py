"""Runs and paragraphs with Japanese fonts named outright (python-docx sets only the Latin ones)."""

import copy

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

DEFAULT_FONT = "MS 明朝"

HEADING_FONT = "MS ゴシック"

LANGUAGE = "ja-JP"

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


class Html(str):
    """Text that is (sanitized) HTML, to be turned into runs rather than shown as typed."""

    __slots__ = ()


def set_fonts(owner, font: str) -> None:
    """Name `font` for Latin and East Asian text on a run, style or rPr, dropping theme fonts."""
    rpr = owner if owner.tag == qn("w:rPr") else owner.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    fonts.set(qn("w:hint"), "eastAsia")


def set_language(rpr) -> None:
    """Mark text as Japanese (spell checking, line breaking, font fallback)."""
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        # w:lang comes after every run property python-docx writes, so appending keeps the order.
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def add_field(paragraph, instruction: str, *, font: str = DEFAULT_FONT) -> None:
    """Add a field (PAGE, NUMPAGES, ...) that Word computes when the document is shown or printed."""
    for kind, text in (("begin", None), ("instr", f" {instruction} "), ("separate", None), ("result", "1")):
        run = add_run(paragraph, "", font=font)
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        elif kind == "result":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._element.append(element)
    end = add_run(paragraph, "", font=font)
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), "end")
    end._element.append(element)


def _font_of(container) -> str:
    """Return the font of the document a paragraph container belongs to."""
    # The font sits on the document part: python-docx makes a new Document object on each access.
    return getattr(getattr(container, "part", None), "_portal_font", DEFAULT_FONT)


_RUN_PROPERTIES: dict[str, object] = {}


def _run_properties(font: str):
    """Return a fresh w:rPr naming `font` (built once per font, then copied: far cheaper per run)."""
    if font not in _RUN_PROPERTIES:
        rpr = OxmlElement("w:rPr")
        set_fonts(rpr, font)
        _RUN_PROPERTIES[font] = rpr
    return copy.deepcopy(_RUN_PROPERTIES[font])


def add_paragraph(container, style: str | None = None):
    """Add a paragraph, looking its style's id up once per document.

    python-docx scans every style of the document on each lookup by name, which dominates the
    time of long documents; the id is cached on the document part.
    """
    paragraph = container.add_paragraph()
    if style:
        part = paragraph.part
        ids = part.__dict__.setdefault("_portal_style_ids", {})
        if style not in ids:
            ids[style] = part.styles[style].style_id
        paragraph._p.get_or_add_pPr().style = ids[style]
    return paragraph


def add_run(paragraph, text: str, *, font: str | None = None, bold=False, italic=False, size_pt=None):
    """Add a run with explicit Latin and East Asian fonts."""
    run = paragraph.add_run(text)
    # A new run has no properties yet, so they go first, where the schema wants them.
    run._element.insert(0, _run_properties(font or _font_of(paragraph)))
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if size_pt:
        run.font.size = Pt(size_pt)
    return run


def add_text(container, text: str, *, style: str | None = None, bold=False, size_pt=None, align=None):
    """Add a paragraph of plain text; its line breaks become breaks, never markup."""
    paragraph = add_paragraph(container, style)
    add_lines(paragraph, text or "", bold=bold, size_pt=size_pt)
    if align == "center":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return paragraph


def add_lines(paragraph, text: str, *, bold=False, italic=False, size_pt=None) -> None:
    """Add text to a paragraph, turning each newline into a line break."""
    for index, line in enumerate(text.replace("\r\n", "\n").split("\n")):
        run = add_run(paragraph, "", bold=bold, italic=italic, size_pt=size_pt)
        if index:
            run.add_break()
        if line:
            run.add_text(line)


def add_heading(doc, text: str, level: int = 1):
    """Add a heading (Title for level 0) in the document's heading font."""
    paragraph = add_paragraph(doc, "Title" if level == 0 else f"Heading {level}")
    add_run(paragraph, text, font=HEADING_FONT)
    return paragraph
