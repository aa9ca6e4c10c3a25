"""Word (.docx) building blocks shared by every export: A4 Japanese documents marked 秘.

python-docx sets only the Latin fonts of a run; Japanese text needs w:eastAsia in w:rFonts, and
the built-in styles name theme fonts that Word would prefer, so every style and run made here
names the font outright. User text comes in as the portal's sanitized HTML subset and becomes
real runs (bold, italic, breaks, lists); markup is never pasted into the document.

Every export builds its document with these functions: `new_document`, headings, text, tables (a cell
marked `Html` becomes runs), `add_rich_text`, pictures with their alternative text, then `to_bytes`.
"""

from portal.wordfile.document import new_document, to_bytes
from portal.wordfile.pictures import add_picture
from portal.wordfile.richtext import add_rich_text
from portal.wordfile.runs import (
    DEFAULT_FONT,
    HEADING_FONT,
    Html,
    add_field,
    add_heading,
    add_paragraph,
    add_run,
    add_text,
    set_fonts,
)
from portal.wordfile.tables import add_table

__all__ = [
    "DEFAULT_FONT",
    "HEADING_FONT",
    "Html",
    "add_field",
    "add_heading",
    "add_paragraph",
    "add_picture",
    "add_rich_text",
    "add_run",
    "add_table",
    "add_text",
    "new_document",
    "set_fonts",
    "to_bytes",
]
