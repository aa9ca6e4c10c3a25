"""Name search keys: hiragana and katakana, full and half width, and spacing all compare equal."""

import unicodedata


def normalize(text: str | None) -> str:
    """Return the search key of a name: NFKC, katakana folded to hiragana, no spaces, lower case."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text)
    chars = []
    for ch in folded:
        code = ord(ch)
        if 0x30A1 <= code <= 0x30F6:  # katakana ァ..ヶ -> hiragana ぁ..ゖ
            ch = chr(code - 0x60)
        if not ch.isspace():
            chars.append(ch)
    return "".join(chars).lower()


def search_key(*names: str | None) -> str:
    """Return the stored key for a person: their name and kana, normalized, separated by '|'."""
    return "|".join(normalize(n) for n in names if n)


def like_pattern(query: str) -> str | None:
    """Return a LIKE pattern for a query (wildcards escaped with '\\'), or None when empty."""
    key = normalize(query)
    if not key:
        return None
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
