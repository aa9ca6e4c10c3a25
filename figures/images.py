"""The figures' charts as PNG pictures for the Word copy, drawn with Pillow in Noto Sans CJK JP.

Readable without colour: the 年度 is a solid black bar, the year before a white hatched one; in the
month line new registrations are a solid line with dots, closures a dashed line with squares; every
number is written beside its mark. (Drawn directly rather than with matplotlib: a chart takes a few
milliseconds instead of a quarter of a second, which keeps the Word copy within its second.)
"""

import io
import itertools
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from figures.suppress import Cell
from figures.tables import Table

FONT_FILES = [
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
]
WIDTH, LABEL, ROW, BAR, TOP = 900, 230, 44, 16, 16
# Grey levels of a one-channel picture (a third of the bytes of RGB to encode).
BLACK, WHITE, GREY = 20, 255, 110


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    """Return Noto Sans CJK JP (index 0 of the collection) at a size, or Pillow's own font without it."""
    for path in FONT_FILES:
        if path.exists():
            return ImageFont.truetype(str(path), size, index=0)
    return ImageFont.load_default(size)


@cache
def _hatch(height: int) -> Image.Image:
    """Return a strip of diagonal hatching on white, as wide as a bar can be."""
    strip = Image.new("L", (WIDTH, height), WHITE)
    draw = ImageDraw.Draw(strip)
    for x in range(-height, WIDTH, 7):
        draw.line([(x, height), (x + height, 0)], fill=BLACK, width=2)
    return strip


def _png(image: Image.Image) -> bytes:
    """Return the picture as PNG bytes."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


def _value(cell: Cell) -> float:
    """Return the length a number gives its mark (none when hidden)."""
    return 0 if cell.hidden else (cell.value or 0)


def bar_png(table: Table, cells: list[list[Cell]], labels: tuple[str, str]) -> bytes:
    """Return horizontal bars of the table's first measure: the 年度 solid, the year before hatched."""
    lines = [(row, c) for row, c in zip(table.rows, cells, strict=True) if not row.total]
    height = TOP + ROW * len(lines) + 40
    image = Image.new("L", (WIDTH, height), WHITE)
    draw = ImageDraw.Draw(image)
    small, text = font(15), font(17)
    top = max([_value(c[i]) for _, c in lines for i in (0, 1)] + [1])
    scale = (WIDTH - LABEL - 90) / top
    for n, (row, c) in enumerate(lines):
        y = TOP + n * ROW
        draw.text((LABEL - 10, y + BAR), row.label, font=text, fill=BLACK, anchor="rm")
        for index in (0, 1):
            y0 = y + index * (BAR + 2)
            length = round(_value(c[index]) * scale)
            if length:
                if index == 0:
                    draw.rectangle([LABEL, y0, LABEL + length, y0 + BAR], fill=BLACK)
                else:
                    image.paste(_hatch(BAR).crop((0, 0, length, BAR)), (LABEL, y0))
                    draw.rectangle([LABEL, y0, LABEL + length, y0 + BAR], outline=BLACK, width=1)
            draw.text((LABEL + length + 6, y0 + BAR // 2), str(c[index]), font=small, fill=BLACK, anchor="lm")
    draw.line([(LABEL, TOP - 4), (LABEL, TOP + ROW * len(lines))], fill=GREY, width=1)
    _legend_bars(image, draw, height - 26, labels)
    return _png(image)


def _legend_bars(image: Image.Image, draw: ImageDraw.ImageDraw, y: int, labels: tuple[str, str]) -> None:
    """Write which bar is which year."""
    draw.rectangle([LABEL, y, LABEL + 24, y + 14], fill=BLACK)
    draw.text((LABEL + 32, y + 7), labels[0], font=font(15), fill=BLACK, anchor="lm")
    image.paste(_hatch(14).crop((0, 0, 24, 14)), (LABEL + 200, y))
    draw.rectangle([LABEL + 200, y, LABEL + 224, y + 14], outline=BLACK, width=1)
    draw.text((LABEL + 232, y + 7), labels[1], font=font(15), fill=BLACK, anchor="lm")


def _dashed(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], dash: float = 9) -> None:
    """Draw a dashed polyline."""
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1)
        steps = int(length // dash)
        for s in range(0, steps + 1, 2):
            a, b = s * dash / length, min((s + 1) * dash / length, 1)
            draw.line(
                [(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a), (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)],
                fill=BLACK,
                width=3,
            )


def line_png(table: Table, cells: list[list[Cell]]) -> bytes:
    """Return the month line of the 年度: new registrations solid with dots, closures dashed with squares."""
    months = [(row, c) for row, c in zip(table.rows, cells, strict=True) if not row.total]
    left, right, top_y, base = 60, WIDTH - 30, 30, 300
    image = Image.new("L", (WIDTH, base + 96), WHITE)
    draw = ImageDraw.Draw(image)
    small = font(14)
    top = max([_value(c[i]) for _, c in months for i in (0, 2)] + [1])
    step = (right - left) / max(len(months) - 1, 1)
    draw.line([(left, base), (right, base)], fill=GREY, width=1)
    draw.line([(left, top_y), (left, base)], fill=GREY, width=1)
    draw.text((left - 8, top_y), str(int(top)), font=small, fill=BLACK, anchor="rm")
    draw.text((left - 8, base), "0", font=small, fill=BLACK, anchor="rm")
    for index in (0, 2):
        points = [
            (left + i * step, base - (base - top_y) * _value(c[index]) / top)
            for i, (_, c) in enumerate(months)
        ]
        if index == 0:
            draw.line(points, fill=BLACK, width=3)
        else:
            _dashed(draw, points)
        for (x, y), (_, c) in zip(points, months, strict=True):
            if index == 0:
                draw.ellipse([x - 5, y - 5, x + 5, y + 5], fill=BLACK)
            else:
                draw.rectangle([x - 5, y - 5, x + 5, y + 5], fill=WHITE, outline=BLACK, width=2)
            offset = -14 if index == 0 else 16
            draw.text((x, y + offset), str(c[index]), font=small, fill=BLACK, anchor="mm")
    for i, (row, _) in enumerate(months):
        draw.text((left + i * step, base + 38), row.label, font=small, fill=BLACK, anchor="mm")
    y = base + 70
    draw.line([(left, y), (left + 40, y)], fill=BLACK, width=3)
    draw.ellipse([left + 15, y - 5, left + 25, y + 5], fill=BLACK)
    draw.text((left + 50, y), "新規登録", font=font(15), fill=BLACK, anchor="lm")
    _dashed(draw, [(left + 200, y), (left + 240, y)])
    draw.rectangle([left + 215, y - 5, left + 225, y + 5], fill=WHITE, outline=BLACK, width=2)
    draw.text((left + 250, y), "終結", font=font(15), fill=BLACK, anchor="lm")
    return _png(image)
