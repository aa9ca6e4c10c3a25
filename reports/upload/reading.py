"""Reading an uploaded file defensively: archive sizes checked first, rows read lazily and bounded.

Nothing the file declares is trusted. Every limit here is far above a month's report of one agency.
"""

import csv
import io
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl import load_workbook

from reports.monthly.rows import normalise
from reports.upload.template import COLUMNS

MAX_ROWS = 10000
# A sheet may leave blank rows between lines, but not a million of them.
MAX_ROW_NUMBER = 3 * MAX_ROWS
MAX_COLUMNS = len(COLUMNS) + 20
MAX_FILE_BYTES = 5_000_000
MAX_UNPACKED_BYTES = 60_000_000
MAX_ZIP_MEMBERS = 500
MAX_PACK_RATIO = 300
MAX_SECONDS = 20
UNREADABLE_XLSX = "Excelファイル（.xlsx）として読み込めません。様式から作り直してください。"
UNREADABLE = (
    "ファイルを最後まで読み込めませんでした。壊れているか、様式と違う形式です。様式から作り直してください。"
)


@dataclass
class Problem:
    """One problem of an uploaded file: where (row, column) and why."""

    row: int | None
    column: str
    message: str


def _decode_csv(content: bytes) -> str | None:
    """Decode a CSV file: UTF-8 (with or without a BOM), else Shift_JIS (cp932); one kind of line end."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    for encoding in ("utf-8", "cp932"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Files saved on old Macs end lines with CR alone; csv reads one kind of line end.
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return None


def _zip_problem(content: bytes) -> Problem | None:
    """Refuse an .xlsx whose archive is not one, or would unpack to far more than a month's report."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return Problem(None, "", UNREADABLE_XLSX)
    unpacked = sum(m.file_size for m in members)
    ratio = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
    if len(members) > MAX_ZIP_MEMBERS or unpacked > MAX_UNPACKED_BYTES or ratio > MAX_PACK_RATIO:
        return Problem(None, "", "ファイルの中身が大きすぎるため読み込めません。様式から作り直してください。")
    return None


def read_table(filename: str, content: bytes) -> tuple[Iterator[tuple[int, list]], Problem | None]:
    """Return the file's lines as (row number, cells), read lazily, or the problem that stops reading it.

    Nothing the file declares is trusted: an .xlsx's archive is checked before it is opened, its
    sheet's declared size is ignored (rows are read as they come, at most MAX_COLUMNS wide), and
    the caller stops at the row limit. A parser error while reading is the caller's to report.
    """
    name = (filename or "").lower()
    if len(content) > MAX_FILE_BYTES:
        too_big = f"{MAX_FILE_BYTES // 1_000_000}MBを超えるファイルは取り込めません。"
        return iter(()), Problem(None, "", too_big)
    if name.endswith(".xlsx") or content.startswith(b"PK"):
        stop = _zip_problem(content)
        if stop:
            return iter(()), stop
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            sheet.reset_dimensions()
        except Exception:
            return iter(()), Problem(None, "", UNREADABLE_XLSX)
        return _xlsx_lines(book, sheet), None
    if name.endswith(".csv") or not name:
        text = _decode_csv(content)
        if text is None:
            return iter(()), Problem(
                None, "", "文字コードを判別できません。UTF-8 または Shift_JIS で保存してください。"
            )
        return enumerate(csv.reader(io.StringIO(text, newline="")), 1), None
    return iter(()), Problem(None, "", "Excel（.xlsx）またはCSVファイルを選んでください。")


def _xlsx_lines(book, sheet) -> Iterator[tuple[int, list]]:
    """Yield the sheet's rows as they are parsed, closing the workbook at the end."""
    try:
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
            yield number, list(values)
    finally:
        book.close()


def bounded_lines(lines: Iterator[tuple[int, list]]) -> list[tuple[int, list]] | Problem:
    """Read the non-blank lines, stopping at the row limit, the row number limit or the time limit."""
    started = time.monotonic()
    kept = []
    for number, cells in lines:
        if number > MAX_ROW_NUMBER or len(kept) > MAX_ROWS:
            return Problem(None, "", f"{MAX_ROWS}行を超えるファイルは取り込めません。")
        if time.monotonic() - started > MAX_SECONDS:
            return Problem(None, "", "ファイルの読み込みに時間がかかりすぎるため中止しました。")
        if any(normalise(c) for c in cells):
            kept.append((number, cells[:MAX_COLUMNS]))
    return kept
