"""Pictures (charts) in a document, each with its text alternative for screen readers."""

import io

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from portal.wordfile.runs import add_paragraph


def add_picture(container, png: bytes, *, width_mm: float, description: str):
    """Add a centred PNG picture whose alternative text (descr) says what it shows."""
    paragraph = add_paragraph(container)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    shape = run.add_picture(io.BytesIO(png), width=Mm(width_mm))
    shape._inline.docPr.set("descr", description)
    return shape
