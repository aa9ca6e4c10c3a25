"""Chart geometry for the page's server-drawn SVG: bars for a breakdown (the 年度 solid, the year
before hatched, each with its number written at its end) and a line for the months (new
registrations solid with dots, closures dashed with squares). Shapes and writing carry the meaning,
not colour; the table beside each chart is its text alternative."""

from dataclasses import dataclass

from figures.suppress import Cell
from figures.tables import Table

BAR_HEIGHT = 12
ROW_HEIGHT = 34
LABEL_WIDTH = 150
PLOT_WIDTH = 180
LINE_WIDTH, LINE_HEIGHT, LINE_LEFT, LINE_TOP = 330, 170, 30, 16


@dataclass
class Bar:
    """One category of a bar chart: where its two bars go and what they say."""

    label: str
    y: int
    now: float
    before: float
    now_text: str
    before_text: str


def _width(cell: Cell, scale: float) -> float:
    """Return a bar's length (none for a hidden or missing number)."""
    if cell.hidden or not cell.value:
        return 0
    return round(cell.value * scale, 1)


def bars(table: Table, cells: list[list[Cell]]) -> dict:
    """Return the bars of a table's first measure (its 計 row left out)."""
    lines = [(row, c) for row, c in zip(table.rows, cells, strict=True) if not row.total]
    top = max([c[i].value or 0 for _, c in lines for i in (0, 1) if not c[i].hidden] + [1])
    scale = PLOT_WIDTH / top
    found = [
        Bar(row.label, 8 + i * ROW_HEIGHT, _width(c[0], scale), _width(c[1], scale), str(c[0]), str(c[1]))
        for i, (row, c) in enumerate(lines)
    ]
    height = 16 + len(found) * ROW_HEIGHT
    width = LABEL_WIDTH + PLOT_WIDTH + 50
    return {
        "bars": found,
        "height": height,
        "width": width,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }


def line(table: Table, cells: list[list[Cell]]) -> dict:
    """Return the month line of new registrations and closures of the 年度 (its 計 row left out)."""
    months = [(row, c) for row, c in zip(table.rows, cells, strict=True) if not row.total]
    values = [[c[0].value or 0, c[2].value or 0] for _, c in months]
    top = max([v for pair in values for v in pair] + [1])
    step = LINE_WIDTH / max(len(months) - 1, 1)

    def point(i: int, value: int) -> tuple[float, float]:
        return round(LINE_LEFT + i * step, 1), round(LINE_TOP + LINE_HEIGHT * (1 - value / top), 1)

    series = []
    for index, (name, kind) in enumerate((("新規登録", "new"), ("終結", "closed"))):
        points = [point(i, pair[index]) for i, pair in enumerate(values)]
        path = " ".join(f"{x},{y}" for x, y in points)
        texts = [str(c[2 * index]) for _, c in months]
        series.append(
            {"name": name, "kind": kind, "path": path, "points": list(zip(points, texts, strict=True))}
        )
    ticks = [{"x": point(i, 0)[0], "label": row.label} for i, (row, _) in enumerate(months)]
    return {
        "series": series,
        "ticks": ticks,
        "top": top,
        "base": LINE_TOP + LINE_HEIGHT,
        "left": LINE_LEFT,
        "right": LINE_LEFT + LINE_WIDTH,
        "width": LINE_LEFT + LINE_WIDTH + 20,
        "height": LINE_TOP + LINE_HEIGHT + 42,
        "top_y": LINE_TOP,
    }
