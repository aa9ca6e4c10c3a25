"""Word (.docx) building blocks shared by every export: A4 Japanese documents marked 秘.

python-docx sets only the Latin fonts of a run; Japanese text needs w:eastAsia in w:rFonts, and
the built-in styles name theme fonts that Word would prefer, so every style and run made here
names the font outright. User text comes in as the portal's sanitized HTML subset and becomes
real runs (bold, italic, breaks, lists); markup is never pasted into the document.
"""

import copy
import io
import re
from html.parser import HTMLParser

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from portal.sanitize import clean_html

DEFAULT_FONT = "MS 明朝"
HEADING_FONT = "MS ゴシック"
LANGUAGE = "ja-JP"
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_STYLES = ("Normal", "Header", "Footer", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet")


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


def _set_language(rpr) -> None:
    """Mark text as Japanese (spell checking, line breaking, font fallback)."""
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        # w:lang comes after every run property python-docx writes, so appending keeps the order.
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _prepare_styles(doc, font: str, size_pt: float) -> None:
    """Give the defaults and the styles used here explicit Japanese fonts, sizes and language."""
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(defaults, font)
    _set_language(defaults)
    for name in _STYLES:
        style = doc.styles[name]
        set_fonts(style.element, HEADING_FONT if name.startswith(("Heading", "Title")) else font)
        _set_language(style.element.get_or_add_rPr())
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
    _add_lines(paragraph, text or "", bold=bold, size_pt=size_pt)
    if align == "center":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return paragraph


def _add_lines(paragraph, text: str, *, bold=False, italic=False, size_pt=None) -> None:
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


def add_table(container, rows, *, header=None, widths_mm=None, header_column=False):
    """Add a bordered table; Html cells become rich text, other cells plain text.

    The header row repeats on every page; with header_column the first column is bold too.
    """
    table = container.add_table(rows=0, cols=len(header or rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if header:
        cells = table.add_row().cells
        for cell, label in zip(cells, header, strict=True):
            _fill(cell, label, bold=True)
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
            _fill(cell, value, bold=header_column and index == 0)
    if widths_mm:
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm, strict=True):
                cell.width = Mm(width)
    return table


def _fill(cell, value, *, bold=False) -> None:
    """Write a value into a table cell (its first paragraph is reused)."""
    first = cell.paragraphs[0]
    if isinstance(value, Html):
        add_rich_text(cell, value)
        if len(cell.paragraphs) > 1 and not first.text:
            first._element.getparent().remove(first._element)
    else:
        _add_lines(first, "" if value is None else str(value), bold=bold)


_AFTER_BLOCK = re.compile(r"(</?(?:p|ul|ol|li)>|<br>)\s*\n\s*")
_BEFORE_BLOCK = re.compile(r"\s*\n\s*(</?(?:p|ul|ol|li)>)")


def add_rich_text(container, html: str) -> list:
    """Add user HTML (cleaned again here) as paragraphs of real runs: p, br, b/strong, i/em, ul/ol/li.

    A newline typed inside text is a line break, as the pages show it; newlines that only lay
    out the tags are dropped.
    """
    builder = _RichText(container)
    text = clean_html(html).replace("\r\n", "\n")
    builder.feed(_BEFORE_BLOCK.sub(r"\1", _AFTER_BLOCK.sub(r"\1", text)))
    builder.close()
    return builder.paragraphs


class _RichText(HTMLParser):
    """Turn the sanitized subset into Word paragraphs and runs."""

    def __init__(self, container):
        super().__init__(convert_charrefs=True)
        self.container = container
        self.paragraphs: list = []
        self.current = None
        self.bold = 0
        self.italic = 0
        self.lists: list[list] = []  # a stack of [kind, counter]

    def _paragraph(self, style: str | None = None):
        """Start a new paragraph."""
        self.current = add_paragraph(self.container, style)
        self.paragraphs.append(self.current)
        return self.current

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self._paragraph()
        elif tag == "br":
            add_run(self.current or self._paragraph(), "").add_break()
        elif tag in ("b", "strong"):
            self.bold += 1
        elif tag in ("i", "em"):
            self.italic += 1
        elif tag in ("ul", "ol"):
            self.lists.append([tag, 0])
            self.current = None
        elif tag == "li":
            self._list_item()

    def _list_item(self) -> None:
        """Start a list item: a bullet paragraph, or a numbered one that restarts with each list."""
        kind, _count = self.lists[-1] if self.lists else ("ul", 0)
        if kind == "ol":
            self.lists[-1][1] += 1
            paragraph = self._paragraph()
            paragraph.paragraph_format.left_indent = Mm(6 * len(self.lists))
            paragraph.paragraph_format.first_line_indent = Mm(-6)
            add_run(paragraph, f"{self.lists[-1][1]}. ")
        else:
            paragraph = self._paragraph(style="List Bullet")
            if len(self.lists) > 1:
                paragraph.paragraph_format.left_indent = Mm(6 * len(self.lists))

    def handle_endtag(self, tag):
        if tag in ("p", "li"):
            self.current = None
        elif tag in ("b", "strong"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("i", "em"):
            self.italic = max(0, self.italic - 1)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.current = None

    def handle_data(self, data):
        if self.current is None:
            if not data.strip():
                return  # whitespace between blocks
            self._paragraph()
        _add_lines(self.current, data, bold=bool(self.bold), italic=bool(self.italic))


def to_bytes(doc) -> bytes:
    """Return the document as .docx bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
