"""Monthly reports from a file: the downloadable template (.xlsx, CSV) and whole-file validation.

Nothing is saved while a file is checked. A file with any problem is refused whole, every problem
listed with its row, column and a Japanese reason; a valid file is shown as a preview and carried
to the confirmation as a signed token, then saved through services.save_report.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from cases.models import Child
from portal import audit
from portal.audit import Outcome
from portal.dates import today_in_japan
from portal.models import Council, User
from portal.spreadsheets import unquote_text
from portal.transaction import transaction
from reports import access
from reports.monthly.periods import Period
from reports.monthly.rows import FIELD_LABELS, RowInput, check_row, normalise, parse_row
from reports.upload.template import COLUMNS, FIELD_BY_COLUMN, ID_COLUMN, NAME_COLUMN, REQUIRED_COLUMNS

TOKEN_MAX_AGE = 3600
MAX_ROWS = 10000


@dataclass
class Problem:
    """One problem of an uploaded file: where (row, column) and why."""

    row: int | None
    column: str
    message: str


@dataclass
class UploadCheck:
    """The outcome of checking a file: parsed lines, the children they name, and every problem."""

    rows: list[RowInput] = field(default_factory=list)
    raw: dict[int, dict] = field(default_factory=dict)
    children: dict[int, Child] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether the whole file is valid."""
        return not self.problems and bool(self.rows)


def _decode_csv(content: bytes) -> str | None:
    """Decode a CSV file: UTF-8 (with or without a BOM), else Shift_JIS (cp932)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="strict")
    for encoding in ("utf-8", "cp932"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def read_table(filename: str, content: bytes) -> tuple[list[tuple[int, list]], Problem | None]:
    """Return the file's lines as (sheet row number, cells), or the problem that stops reading it."""
    name = (filename or "").lower()
    if name.endswith(".xlsx") or content.startswith(b"PK"):
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
            return [], Problem(
                None, "", "Excelファイル（.xlsx）として読み込めません。様式から作り直してください。"
            )
        sheet = book.worksheets[0]
        lines = [(number, list(values)) for number, values in enumerate(sheet.iter_rows(values_only=True), 1)]
        book.close()
        return lines, None
    if name.endswith(".csv") or not name:
        try:
            text = _decode_csv(content)
        except UnicodeDecodeError:
            text = None
        if text is None:
            return [], Problem(
                None, "", "文字コードを判別できません。UTF-8 または Shift_JIS で保存してください。"
            )
        return [(number, cells) for number, cells in enumerate(csv.reader(io.StringIO(text)), 1)], None
    return [], Problem(None, "", "Excel（.xlsx）またはCSVファイルを選んでください。")


def _header(cells: list) -> tuple[dict[str, int], list[Problem]]:
    """Map the template's columns to their positions; report missing and unknown columns."""
    positions, problems = {}, []
    known = {normalise(c): c for c in COLUMNS}
    for index, cell in enumerate(cells):
        typed = normalise(cell)
        if not typed:
            continue
        name = known.get(typed)
        if name is None:
            message = "様式にない列です。ダウンロードした様式の列名のまま使ってください"
            problems.append(Problem(1, str(cell).strip(), message))
        elif name in positions:
            problems.append(Problem(1, name, "同じ名前の列が2つあります"))
        else:
            positions[name] = index
    for name in REQUIRED_COLUMNS:
        if name not in positions:
            problems.append(Problem(1, name, "この列がありません"))
    return positions, problems


def _name_key(text) -> str:
    """Return a name with spaces removed, for comparing what was typed with the register."""
    return "".join(normalise(text).split())


def check_file(
    user: User, council: Council, period: Period, school_days: int | None, filename: str, content: bytes
) -> UploadCheck:
    """Check a whole file against the template and the report's rules; audit the attempt; save nothing."""
    with transaction():
        result = UploadCheck()
        result.children = {c.id: c for c in access.reportable_children(user, council)}
        _check_lines(result, period, school_days, filename, content)
        audit.record(
            "report.upload_check",
            actor=user,
            target_type="monthly_reports",
            target_label=f"{user.agency.name} {period.label}",
            outcome=Outcome.SUCCESS if result.ok else Outcome.FAILURE,
            detail={"period": period.key, "rows": len(result.rows), "problems": len(result.problems)},
        )
    return result


def _check_lines(
    result: UploadCheck, period: Period, school_days: int | None, filename: str, content: bytes
) -> None:
    """Fill `result` with the parsed lines and every problem of the file."""
    lines, stop = read_table(filename, content)
    if stop:
        result.problems.append(stop)
        return
    lines = [(n, cells) for n, cells in lines if any(normalise(c) for c in cells)]
    if not lines:
        result.problems.append(Problem(None, "", "ファイルに行がありません。"))
        return
    if len(lines) > MAX_ROWS + 1:
        result.problems.append(Problem(None, "", f"{MAX_ROWS}行を超えるファイルは取り込めません。"))
        return
    positions, header_problems = _header(lines[0][1])
    result.problems.extend(header_problems)
    if header_problems:
        return
    today = today_in_japan()
    seen: dict[int, int] = {}
    for number, cells in lines[1:]:
        values = {name: (cells[i] if i < len(cells) else None) for name, i in positions.items()}
        child_id = _child_of(result, number, values, seen)
        raw = {FIELD_BY_COLUMN[name]: value for name, value in values.items() if name in FIELD_BY_COLUMN}
        row = parse_row(child_id or 0, raw)
        check_row(row, period, school_days, today, complete=True)
        for name, message in row.problems.items():
            result.problems.append(Problem(number, FIELD_LABELS[name], message))
        if child_id is not None:
            result.rows.append(row)
            result.raw[child_id] = {k: _as_text(v) for k, v in raw.items()}
    for child_id, child in result.children.items():
        if child_id not in seen:
            result.problems.append(Problem(None, ID_COLUMN, f"{child_id}（{child.name}）の行がありません"))


def _child_of(result: UploadCheck, number: int, values: dict, seen: dict[int, int]) -> int | None:
    """Return the child a line is about, or None after listing why it cannot be."""
    text = normalise(values.get(ID_COLUMN))
    if not text:
        result.problems.append(Problem(number, ID_COLUMN, "入力してください"))
        return None
    if not text.isdigit():
        result.problems.append(Problem(number, ID_COLUMN, "数字で入力してください"))
        return None
    child_id = int(text)
    child = result.children.get(child_id)
    if child is None:
        result.problems.append(
            Problem(number, ID_COLUMN, "この番号の子どもは、貴機関の報告対象の登録児童にいません")
        )
        return None
    if child_id in seen:
        result.problems.append(Problem(number, ID_COLUMN, f"{seen[child_id]}行目と同じ子どもです（重複）"))
        return None
    seen[child_id] = number
    typed_name = values.get(NAME_COLUMN)
    if normalise(typed_name) and _name_key(unquote_text(typed_name)) != _name_key(child.name):
        result.problems.append(
            Problem(number, NAME_COLUMN, f"児童番号{child_id}の氏名（{child.name}）と一致しません")
        )
    return child_id


def _as_text(value) -> str:
    """Return a cell as text for the confirmation token (dates as ISO, numbers without .0)."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _serializer() -> URLSafeTimedSerializer:
    """Return the signer of confirmation tokens."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="reports.upload")


def make_token(
    user: User, council: Council, period: Period, school_days: int | None, check: UploadCheck
) -> str:
    """Return a signed token carrying a checked file's lines to the confirmation."""
    payload = {
        "u": user.id,
        "a": user.agency_id,
        "c": council.id,
        "p": period.key,
        "s": school_days,
        "rows": {str(k): v for k, v in check.raw.items()},
    }
    return _serializer().dumps(payload)


def read_token(user: User, token: str) -> dict | None:
    """Return a confirmation token's content, or None when it is forged, stale or someone else's."""
    try:
        payload = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except BadSignature:
        return None
    if payload.get("u") != user.id or payload.get("a") != user.agency_id:
        return None
    return payload


def rows_from_token(payload: dict) -> list[RowInput]:
    """Return the lines a confirmation token carries, parsed again."""
    return [parse_row(int(k), v) for k, v in payload["rows"].items()]
