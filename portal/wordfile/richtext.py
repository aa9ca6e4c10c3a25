"""User HTML (the sanitizer's subset) as Word paragraphs and runs: p, br, b/strong, i/em, ul/ol/li."""

import re
from html.parser import HTMLParser

from docx.shared import Mm

from portal.sanitize import clean_html
from portal.wordfile.runs import add_lines, add_paragraph, add_run

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
        add_lines(self.current, data, bold=bool(self.bold), italic=bool(self.italic))
