"""Monthly reports from a file: the downloadable template (.xlsx, CSV) and whole-file validation.

Nothing is saved while a file is checked. A file with any problem is refused whole, every problem
listed with its row, column and a Japanese reason; a valid file is shown as a preview and carried
to the confirmation as a signed token, then saved through services.save_report.
"""

import csv
import zipfile
from dataclasses import dataclass, field

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from cases.models import Child
from portal import audit
from portal.audit import Outcome
from portal.dates import today_in_japan
from portal.ids import parse_id
from portal.models import Council, User
from portal.spreadsheets import unquote_text
from portal.transaction import transaction
from reports import access
from reports.monthly import services as monthly
from reports.monthly.models import ROW_FIELDS
from reports.monthly.periods import Period
from reports.monthly.rows import FIELD_LABELS, RowInput, check_row, normalise, parse_row
from reports.upload.reading import UNREADABLE, Problem, bounded_lines, read_table
from reports.upload.template import COLUMNS, FIELD_BY_COLUMN, ID_COLUMN, NAME_COLUMN, REQUIRED_COLUMNS

TOKEN_MAX_AGE = 3600


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
    try:
        kept = bounded_lines(lines)
    except (csv.Error, ValueError, TypeError, KeyError, IndexError, OSError, zipfile.BadZipFile, SyntaxError):
        # A cell too long for csv, truncated XML, a numeric cell holding text, a broken archive...
        result.problems.append(Problem(None, "", UNREADABLE))
        return
    except Exception:
        result.problems.append(Problem(None, "", UNREADABLE))
        return
    if isinstance(kept, Problem):
        result.problems.append(kept)
        return
    if not kept:
        result.problems.append(Problem(None, "", "ファイルに行がありません。"))
        return
    positions, header_problems = _header(kept[0][1])
    result.problems.extend(header_problems)
    if header_problems:
        return
    today = today_in_japan()
    seen: dict[int, int] = {}
    for number, cells in kept[1:]:
        values = {name: (cells[i] if i < len(cells) else None) for name, i in positions.items()}
        child_id = _child_of(result, number, values, seen)
        raw = {FIELD_BY_COLUMN[name]: value for name, value in values.items() if name in FIELD_BY_COLUMN}
        row = parse_row(child_id or 0, raw)
        check_row(row, period, school_days, today, complete=True)
        for name, message in row.problems.items():
            result.problems.append(Problem(number, FIELD_LABELS[name], message))
        if child_id is not None:
            result.rows.append(row)
            result.raw[child_id] = row_values(row)
    for child_id, child in result.children.items():
        if child_id not in seen:
            result.problems.append(Problem(None, ID_COLUMN, f"{child_id}（{child.name}）の行がありません"))


def _child_of(result: UploadCheck, number: int, values: dict, seen: dict[int, int]) -> int | None:
    """Return the child a line is about, or None after listing why it cannot be."""
    text = normalise(values.get(ID_COLUMN))
    if not text:
        result.problems.append(Problem(number, ID_COLUMN, "入力してください"))
        return None
    child_id = parse_id(text)
    if child_id is None:
        result.problems.append(Problem(number, ID_COLUMN, "数字で入力してください"))
        return None
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


def row_values(row: RowInput) -> dict[str, str]:
    """Return a parsed line as the confirmation token carries it: exactly what the preview showed.

    The token carries the parsed values, not the cells as typed, so what is saved on confirming is
    what the preview showed (text with its control characters removed, numbers, ISO dates).
    """
    values = {}
    for name in ROW_FIELDS:
        value = getattr(row, name)
        if value is None:
            values[name] = ""
        else:
            values[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return values


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
        # The month's report as it was when the file was checked: the confirmation is refused once
        # the report changed (it was saved meanwhile, or this very confirmation was already used).
        "b": monthly.stamp(monthly.find_report(council, user.agency_id, period)),
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


def expected_state(payload: dict) -> monthly.Expected:
    """Return the report state a confirmation token expects to find."""
    return monthly.Expected(payload.get("b"))


def record_refused(user: User, council: Council | None, period: Period | None, reason: str) -> None:
    """Audit an upload or a confirmation that was refused before any file was checked."""
    label = f"{user.agency.name} {period.label}" if period else user.agency.name
    with transaction():
        audit.record(
            "report.upload_check",
            actor=user,
            target_type="monthly_reports",
            target_label=label,
            outcome=Outcome.FAILURE,
            detail={"reason": reason, "council": council.id if council else None},
        )


def rows_from_token(payload: dict) -> list[RowInput]:
    """Return the lines a confirmation token carries, parsed again."""
    return [parse_row(int(k), v) for k, v in payload["rows"].items()]
