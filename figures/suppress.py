"""No small numbers that name: counts of 1–2 are shown as "3未満", and in a table with a 計 one more
number of the same column is withheld ("＊"), so that the hidden count cannot be worked out from the
計 and the numbers shown (the 計 itself stays exact, as it appears in other tables too).

Why a second number rather than a changed total: the same total (the cases registered at the end of
the 年度, say) appears in several tables; a total altered in one would be given away by the others.
"""

from dataclasses import dataclass

from figures.rules import SMALL, WITHHELD
from figures.tables import Table

# A number withheld beside a small one is at least this, so a reader cannot pin the small one
# (with 1–2 hidden, the pair's sum leaves both 1 and 2 possible).
WITHHOLD_FROM = 4


@dataclass
class Cell:
    """One number as a copy shows it: the value, or the text that stands for it."""

    value: int | float | None
    text: str = ""

    @property
    def hidden(self) -> bool:
        """Tell whether the number is not shown."""
        return self.text in (SMALL, WITHHELD)

    def __str__(self) -> str:
        if self.text:
            return self.text
        if self.value is None:
            return "—"
        return f"{self.value:,}" if isinstance(self.value, int) else f"{self.value:,.1f}"


def _small(value) -> bool:
    """Tell whether a count is one that could name a family."""
    return isinstance(value, int) and 1 <= value <= 2


def grid(table: Table, hide: bool) -> list[list[Cell]]:
    """Return the table's numbers as cells, small ones hidden when `hide` (and the table counts cases)."""
    cells = [[Cell(v) for v in row.values] for row in table.rows]
    if not hide or not table.small:
        return cells
    for row in cells:
        for cell in row:
            if _small(cell.value):
                cell.text = SMALL
    has_total = bool(table.rows) and table.rows[-1].total
    if has_total:
        for column in range(len(cells[0]) if cells else 0):
            _withhold(cells, column)
    return cells


def _withhold(cells: list[list[Cell]], column: int) -> None:
    """Withhold a second number of a column whose 計 is shown but one of whose counts is hidden."""
    body, total = [row[column] for row in cells[:-1]], cells[-1][column]
    if total.hidden or not any(c.text == SMALL for c in body):
        return
    candidates = [c for c in body if not c.hidden and c.value >= WITHHOLD_FROM]
    if candidates:
        min(candidates, key=lambda c: c.value).text = WITHHELD
        return
    # No number large enough to pair with: withhold every other count of the column, and the 計.
    for cell in [*body, total]:
        if not cell.hidden and cell.value:
            cell.text = WITHHELD
