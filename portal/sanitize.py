"""The one sanitizer: every piece of user HTML passes through clean_html before it is stored or shown.

bleach is used here and nowhere else; a strict Content-Security-Policy is the second wall.
"""

import html
import re

import bleach
from markupsafe import Markup

# The rich-text subset the portal keeps; it is also what the Word export understands.
ALLOWED_TAGS = ["p", "br", "strong", "b", "em", "i", "ul", "ol", "li"]

# Cleaners are reusable and building one costs more than cleaning a short text (uploads clean
# thousands); bleach's Cleaner keeps no state between calls.
_RICH = bleach.Cleaner(tags=ALLOWED_TAGS, attributes={}, protocols=[], strip=True)
_PLAIN = bleach.Cleaner(tags=[], attributes={}, protocols=[], strip=True)


# Text bleach returns unchanged: no markup or entity characters, no control characters but tab and
# newline (bleach drops those and turns CR into LF). tests/portal/test_sanitize.py holds it to bleach.
_PLAIN_TEXT = re.compile(r"[^\x00-\x08\x0b-\x1f&<>]*")


_TOKEN = re.compile(r"<(/?)(p|strong|b|em|i)>|<br>")
_INLINE = ("strong", "b", "em", "i")


def clean_html(text: str | None) -> str:
    """Return user HTML with everything outside the allowed subset removed."""
    if not text:
        return ""
    if _already_clean(text):
        return text.strip()  # what bleach would return, without parsing it (an upload has thousands)
    return _RICH.clean(text).strip()


def _already_clean(text: str) -> bool:
    """Tell whether bleach would return the text unchanged: plain text, or the simplest markup.

    Accepted markup is what the portal itself writes (a case note of a monthly report): top-level
    <p> blocks, <br>, and bold or italic nested properly and never inside the same tag, between
    plain-text runs. Anything else (lists, attributes, entities, stray tags) goes to bleach.
    """
    if _PLAIN_TEXT.fullmatch(text):
        return True
    open_tags: list[str] = []
    at = 0
    for tag in _TOKEN.finditer(text):
        if not _PLAIN_TEXT.fullmatch(text, at, tag.start()):
            return False
        at = tag.end()
        closing, name = tag.group(1), tag.group(2)
        if name is None:  # <br>
            continue
        if closing:
            if not open_tags or open_tags.pop() != name:
                return False
        elif name in open_tags or (name == "p" and open_tags):
            return False
        else:
            open_tags.append(name)
    return not open_tags and bool(_PLAIN_TEXT.fullmatch(text, at))


def plain_text(text: str | None) -> str:
    """Return (stored, cleaned) HTML as plain text, for summaries, live notices and text fields."""
    if not text:
        return ""
    return html.unescape(_PLAIN.clean(text)).strip()


def render_clean(text: str | None) -> Markup:
    """Return user HTML as markup safe to show, cleaning it here so nothing unclean is marked safe."""
    return Markup(clean_html(text))  # noqa: S704 - the one place cleaned HTML is marked safe
