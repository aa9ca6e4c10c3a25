"""Tables the benchmarks print: aligned columns under grouped headings (kanji take two columns)."""

import unicodedata


def text_width(text: str) -> int:
    """Return the width of text in terminal columns (kanji take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(header: list[tuple[str, str]], groups: list[tuple[str, int]], rows: list[list[str]]) -> str:
    """Lay out the header (name, "<" or ">"), its groups (title, columns spanned) and the rows."""
    names = [name for name, _ in header]
    widths = [max(text_width(r[i]) for r in [names, *rows]) for i in range(len(header))]

    def line(cells):
        out = []
        for (_, align), width, cell in zip(header, widths, cells, strict=True):
            pad = " " * (width - text_width(cell))
            out.append(cell + pad if align == "<" else pad + cell)
        return "  ".join(out)

    titles, column = [], 0
    for title, span in groups:
        titles.append(title.center(sum(widths[column : column + span]) + 2 * (span - 1)))
        column += span
    top = line(names)
    return "\n".join(["  ".join(titles), top, "-" * text_width(top), *(line(r) for r in rows)])
