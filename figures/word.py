"""The figures as a 代表者会議 資料 (Word): 和暦, the council's header, each table in the national
survey's order with its rule, and its chart as a picture whose alternative text is the table's title."""

from datetime import date

from docx.shared import Mm

from figures import images
from figures.rules import SMALL_NOTE, hides_small
from figures.suppress import grid
from figures.tables import Figures, Table
from portal import wordfile
from portal.dates import wareki

TEXT_WIDTH_MM = 170


def header(table: Table, figures: Figures) -> list[str]:
    """Return a table's column names: each measure for the 年度, then for the year before."""
    now, before = figures.year.label, figures.year.previous().label
    return ["区分"] + [f"{m}（{y}）" for m in table.measures for y in (now, before)]


def build(figures: Figures, today: date) -> bytes:
    """Return the .docx of a council's figures for one 年度."""
    council, year = figures.council, figures.year
    hide = hides_small(council, "docx")
    title = f"{year.label} {council.tier_representative} 資料"
    doc = wordfile.new_document(council_name=council.name, title=title)
    wordfile.add_heading(doc, f"{year.label}　{council.tier_representative}　資料", 0)
    wordfile.add_text(doc, f"{council.name}　作成日 {wareki(today, weekday=False)}", align="right")
    wordfile.add_text(
        doc,
        f"{year.label}（{wareki(year.first, weekday=False)}〜{wareki(year.last, weekday=False)}）の数を、"
        f"前年度（{year.previous().label}）と並べて示します。ケースや子どもを特定する情報は含みません。",
    )
    if hide:
        wordfile.add_text(doc, SMALL_NOTE)
    for number, table in enumerate(figures.tables, start=1):
        cells = grid(table, hide)
        wordfile.add_heading(doc, f"{number}　{table.title}", 1)
        wordfile.add_text(doc, f"数え方：{table.rule}", size_pt=9)
        rows = [[row.label] + [str(c) for c in line] for row, line in zip(table.rows, cells, strict=True)]
        columns = header(table, figures)
        first = 50 if len(columns) > 5 else 70
        widths = [first] + [(TEXT_WIDTH_MM - first) / (len(columns) - 1)] * (len(columns) - 1)
        drawn = wordfile.add_table(doc, rows or [["—"] * len(columns)], header=columns)
        # Column widths on the table's grid (six elements) rather than on each of its ~100 cells.
        for column, width in zip(drawn.columns, widths, strict=True):
            column.width = Mm(width)
        png = _chart(table, cells, figures)
        if png:
            description = f"{table.title}のグラフ（数は上の表のとおり）"
            wordfile.add_picture(doc, png, width_mm=150, description=description)
    return wordfile.to_bytes(doc)


def _chart(table: Table, cells, figures: Figures) -> bytes | None:
    """Return the table's chart as PNG, if it has one."""
    if table.chart == "line":
        return images.line_png(table, cells)
    if table.chart == "bar" and any(not r.total for r in table.rows):
        return images.bar_png(table, cells, (figures.year.label, figures.year.previous().label))
    return None
