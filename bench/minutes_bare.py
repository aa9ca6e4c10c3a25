"""The minutes bench's baseline: the same text written with bare python-docx, as a tutorial would.

`outline()` reads a built .docx back into its blocks (headings, paragraphs, tables of cell text);
`build_bare()` writes those blocks into a plain `docx.Document()` with python-docx's own calls
(add_heading, add_paragraph, add_table and cell.text), without the portal's fonts, header, footer,
rich text or audit. Reading the outline is done once, outside the timing.
"""

import io

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph


def outline(content: bytes) -> list[tuple]:
    """Return the body of a .docx as ("heading", level, text), ("text", text) and ("table", rows)."""
    doc = Document(io.BytesIO(content))
    blocks: list[tuple] = []
    for item in doc.iter_inner_content():
        if isinstance(item, Table):
            blocks.append(("table", [[cell.text for cell in row.cells] for row in item.rows]))
        elif isinstance(item, Paragraph):
            style = item.style.name if item.style is not None else ""
            if style == "Title":
                blocks.append(("heading", 0, item.text))
            elif style.startswith("Heading "):
                blocks.append(("heading", int(style.removeprefix("Heading ")), item.text))
            else:
                blocks.append(("text", item.text))
    return blocks


def build_bare(blocks: list[tuple]) -> bytes:
    """Write the blocks into a plain python-docx document; return its bytes."""
    doc = Document()
    for block in blocks:
        if block[0] == "heading":
            doc.add_heading(block[2], block[1])
        elif block[0] == "text":
            doc.add_paragraph(block[1])
        else:
            rows = block[1]
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for row, values in zip(table.rows, rows, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
