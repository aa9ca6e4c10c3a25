"""Tables of label and value cells; a value marked Html becomes real runs."""

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from portal.wordfile.richtext import add_rich_text
from portal.wordfile.runs import Html, add_lines


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
        add_lines(first, "" if value is None else str(value), bold=bold)
