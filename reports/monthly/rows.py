"""One child's report line as typed (form or file): parsing and checking, with Japanese messages."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from reports.monthly.models import ABSENCE_ALERT_DAYS, CONCERN_LABELS, NUMBER_FIELDS, TEXT_FIELDS, Concern
from reports.monthly.periods import Period

# Column names of the form, the template and the error lists.
FIELD_LABELS = {
    "attended_days": "出席日数",
    "absent_notified": "欠席日数（連絡あり）",
    "absent_unnotified": "欠席日数（連絡なし）",
    "late_count": "遅刻",
    "early_leave_count": "早退",
    "consecutive_absent_days": "連続欠席日数",
    "last_attended_on": "最終登校・登園日",
    "absence_reason": "欠席の理由",
    "condition": "子どもの様子・行動",
    "signs": "けが・気になる様子",
    "guardian": "保護者の状況・連絡",
    "concern": "気になる度合い",
}
REQUIRED_ON_SUBMIT = (
    "attended_days",
    "absent_notified",
    "absent_unnotified",
    "late_count",
    "early_leave_count",
)
MAX_TEXT = 2000
MAX_DIGITS = 6
MAX_RUN_DAYS = 366
_ERA_STARTS = {"令和": 2018, "平成": 1988, "R": 2018, "H": 1988}
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
_ERA_PATTERN = re.compile(r"^(令和|平成|R|H)(\d{1,2}|元)[年.](\d{1,2})[月.](\d{1,2})日?$")


@dataclass
class RowInput:
    """A child's line with its values parsed (None where blank)."""

    child_id: int
    attended_days: int | None = None
    absent_notified: int | None = None
    absent_unnotified: int | None = None
    late_count: int | None = None
    early_leave_count: int | None = None
    consecutive_absent_days: int | None = None
    last_attended_on: date | None = None
    absence_reason: str = ""
    condition: str = ""
    signs: str = ""
    guardian: str = ""
    concern: str = Concern.NONE.value
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def absences(self) -> int:
        """Return the absent days with and without contact."""
        return (self.absent_notified or 0) + (self.absent_unnotified or 0)


def normalise(text) -> str:
    """Return typed text with full-width digits and spaces made plain, trimmed."""
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", str(text)).strip()


def plain_text(value) -> str:
    """Return typed text with one kind of line break and no control characters (tabs and breaks kept).

    The form and the file upload both parse through here, so what a preview shows is what is saved.
    """
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()


def parse_number(text) -> tuple[int | None, str | None]:
    """Parse a count of days or times; return (value, problem)."""
    if isinstance(text, int | float) and not isinstance(text, bool) and float(text).is_integer():
        text = int(text)
    plain = normalise(text)
    if plain == "":
        return None, None
    if plain.endswith(("日", "回")):
        plain = plain[:-1]
    if not re.fullmatch(r"-?[0-9]+", plain):
        return None, "半角の整数で入力してください"
    if len(plain.lstrip("-")) > MAX_DIGITS:
        return None, "大きすぎる数です"
    value = int(plain)
    if value < 0:
        return None, "0以上の数を入力してください"
    return value, None


def parse_date(value) -> tuple[date | None, str | None]:
    """Parse a date such as 2025-05-30, 2025/5/30, 2025年5月30日 or 令和7年5月30日."""
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    plain = normalise(value)
    if plain == "":
        return None, None
    try:
        for pattern in _DATE_PATTERNS:
            match = pattern.match(plain)
            if match:
                return date(*(int(g) for g in match.groups())), None
        match = _ERA_PATTERN.match(plain)
        if match:
            era, year, month, day = match.groups()
            year_number = 1 if year == "元" else int(year)
            return date(_ERA_STARTS[era] + year_number, int(month), int(day)), None
    except ValueError:
        return None, "存在しない日付です"
    return None, "日付は 2025/05/30 または 令和7年5月30日 の形で入力してください"


def parse_concern(value) -> tuple[str, str | None]:
    """Parse the level of concern from its Japanese name (or its code); blank means 変化なし."""
    plain = normalise(value)
    if plain == "":
        return Concern.NONE.value, None
    for concern, label in CONCERN_LABELS.items():
        if plain in (label, concern.value):
            return concern.value, None
    return Concern.NONE.value, "「変化なし」「気になる」「至急」のどれかを入力してください"


def parse_row(child_id: int, raw: dict) -> RowInput:
    """Parse a child's typed values (field name -> text); problems of form go in `problems`."""
    row = RowInput(child_id=child_id)
    for name in NUMBER_FIELDS:
        value, problem = parse_number(raw.get(name))
        setattr(row, name, value)
        if problem:
            row.problems[name] = problem
    row.last_attended_on, problem = parse_date(raw.get("last_attended_on"))
    if problem:
        row.problems["last_attended_on"] = problem
    for name in TEXT_FIELDS:
        text = plain_text(raw.get(name))
        setattr(row, name, text)
        if len(text) > MAX_TEXT:
            row.problems[name] = f"{MAX_TEXT}文字以内で入力してください"
    row.concern, problem = parse_concern(raw.get("concern"))
    if problem:
        row.problems["concern"] = problem
    return row


def check_row(row: RowInput, period: Period, school_days: int | None, today: date, complete: bool) -> None:
    """Add the rule problems of a parsed line (days within the period, absences within school days)."""
    problems = row.problems
    if complete:
        for name in REQUIRED_ON_SUBMIT:
            if getattr(row, name) is None and name not in problems:
                problems[name] = "入力してください"
    for name in NUMBER_FIELDS:
        value = getattr(row, name)
        limit = MAX_RUN_DAYS if name == "consecutive_absent_days" else period.days
        if value is not None and value > limit and name not in problems:
            problems[name] = f"期間の日数（{limit}日）を超えています"
    if problems:
        return
    attended = row.attended_days or 0
    if school_days is not None and attended + row.absences > school_days:
        total = attended + row.absences
        problems["attended_days"] = (
            f"出席日数と欠席日数の合計（{total}日）が授業・開所日数（{school_days}日）を超えています"
        )
    if row.late_count is not None and row.late_count > attended:
        problems["late_count"] = "遅刻の回数が出席日数を超えています"
    if row.early_leave_count is not None and row.early_leave_count > attended:
        problems["early_leave_count"] = "早退の回数が出席日数を超えています"
    run = row.consecutive_absent_days or 0
    if run and row.absent_notified is not None and row.absent_unnotified is not None and not row.absences:
        problems["consecutive_absent_days"] = "欠席日数が0日なのに連続欠席日数が入力されています"
    if row.last_attended_on is not None:
        if row.last_attended_on > today:
            problems["last_attended_on"] = "未来の日付です"
        elif row.last_attended_on > period.end:
            problems["last_attended_on"] = "報告期間より後の日付です"
    if row.absent_unnotified and not row.absence_reason and run >= ABSENCE_ALERT_DAYS:
        problems["absence_reason"] = "連続して欠席しているときは、分かっている事情を入力してください"


def check_school_days(value: int | None, period: Period, complete: bool) -> str | None:
    """Return the problem with the period's school (or opening) days, if any."""
    if value is None:
        return "授業・開所日数を入力してください" if complete else None
    if value < 1 or value > period.days:
        return f"授業・開所日数は1〜{period.days}日の範囲で入力してください"
    return None
