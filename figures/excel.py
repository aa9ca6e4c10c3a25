"""The figures as an Excel workbook through the one neutralising helper: a sheet per table, numbers
as numbers (a hidden small count is the text "3未満" or "＊"), the rule under each table."""

from figures.rules import SMALL_NOTE, hides_small
from figures.suppress import grid
from figures.tables import Figures
from figures.word import header
from portal import spreadsheets
from portal.dates import wareki


def build(figures: Figures) -> bytes:
    """Return the .xlsx of a council's figures for one 年度."""
    council, year = figures.council, figures.year
    hide = hides_small(council, "xlsx")
    span = f"{wareki(year.first, weekday=False)}〜{wareki(year.last, weekday=False)}"
    about = [["協議会", council.name], ["年度", f"{year.label}（{span}）"], ["前年度", year.previous().label]]
    if hide:
        about.append(["小さな数", SMALL_NOTE])
    sheets = [("説明", ["項目", "内容"], about)]
    for number, table in enumerate(figures.tables, start=1):
        cells = grid(table, hide)
        rows = [
            [row.label] + [c.text if c.hidden else c.value for c in line]
            for row, line in zip(table.rows, cells, strict=True)
        ]
        rows += [[], ["数え方", table.rule]]
        sheets.append((f"{number} {table.title}", header(table, figures), rows))
    return spreadsheets.xlsx_bytes(sheets)
