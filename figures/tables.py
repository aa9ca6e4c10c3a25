"""The council's figures as tables: each with its rule, its rows in the national survey's order, and
for every measure the 年度 beside the year before."""

from dataclasses import dataclass, field
from datetime import date

from cases import codes
from cases.models import Category
from figures import activity, queries
from figures.rules import AGE_BANDS, UNKNOWN_AGE, Year, rules, year_of
from meetings.models import Tier
from portal.models import Council

UNSET = "未入力"


@dataclass
class Row:
    """One line of a table: its label and, per measure, this year's and last year's number."""

    label: str
    values: list  # [measure 1 this year, measure 1 the year before, measure 2 this year, ...]
    total: bool = False


@dataclass
class Table:
    """One table of the figures."""

    key: str
    title: str
    rule: str
    measures: list[str]
    rows: list[Row] = field(default_factory=list)
    # counts of cases or children (hidden when small); a partition with a total row; its chart
    small: bool = True
    chart: str = "bar"
    unit: str = "件"


@dataclass
class Figures:
    """A council's figures for one 年度."""

    council: Council
    year: Year
    tables: list[Table]

    def table(self, key: str) -> Table:
        """Return one table by its key."""
        return next(t for t in self.tables if t.key == key)


def _pairs(values: list, measures: int) -> list:
    """Reorder [m1, m2, ..., m1', m2', ...] (this year, then the year before) into [m1, m1', m2, m2', ...]."""
    return [v for i in range(measures) for v in (values[i], values[measures + i])]


def _total(rows: list[Row]) -> Row:
    """Return the 計 row of a partition."""
    width = len(rows[0].values) if rows else 2
    return Row("計", [sum(r.values[i] or 0 for r in rows) for i in range(width)], total=True)


def _coded(found: dict[str, list[int]], list_name: str, measures: int = 1) -> list[Row]:
    """Return rows for a code list in its order, then codes no longer listed, then 未入力."""
    labels = codes.labels(list_name)
    listed = codes.items(list_name, include_inactive=True)
    order = [item.code for item in listed if item.active or item.code in found]
    keys = order + sorted(k for k in found if k not in order and k)
    zero = [0] * (2 * measures)
    rows = [Row(labels.get(k, k), _pairs(found.get(k, zero), measures)) for k in keys]
    if "" in found:
        rows.append(Row(UNSET, _pairs(found[""], measures)))
    return rows


def _category_table(council: Council, year: Year, text: dict) -> Table:
    """Return the registered cases at the end of the year by 登録区分, of which abuse, and their children."""
    found = queries.by_category(council, year)
    rows = [Row(c.label, _pairs(found.get(c.value, [0] * 6), 3)) for c in Category]
    table = Table(
        "registered",
        "登録区分別の登録ケース数（年度末）",
        text["registered"],
        ["ケース", "うち虐待", "子ども"],
    )
    table.rows = [*rows, _total(rows)]
    return table


def _flow_table(council: Council, year: Year, text: dict) -> Table:
    """Return new registrations and closures during the year."""
    found = queries.flow(council, year)
    rows = [Row("新規登録", _pairs(found["new"], 2)), Row("終結", _pairs(found["closed"], 2))]
    return Table("flow", "新規登録と終結", text["flow"], ["ケース", "子ども"], rows)


def _with_total(table: Table, rows: list[Row]) -> Table:
    """Set the rows of a partition table and its 計."""
    table.rows = [*rows, _total(rows)]
    return table


def _age_table(council: Council, year: Year, text: dict) -> Table:
    """Return the children of cases registered at the end of the year by age band."""
    found = queries.by_age(council, year)
    names = [n for n, _ in AGE_BANDS] + ([UNKNOWN_AGE] if any(found[UNKNOWN_AGE]) else [])
    table = Table("ages", "年齢区分別の子どもの数（年度末の登録ケース）", text["ages"], ["子ども"], unit="人")
    return _with_total(table, [Row(n, found[n]) for n in names])


def _section_rows(council: Council, found: dict[str, list[int]]) -> list[Row]:
    """Return a row per 部会 of the council's settings, then other 部会 found, then 部会なし."""
    names = council.section_names
    keys = [n for n in names] + sorted(k for k in found if k and k not in names)
    rows = [Row(k, found.get(k, [0, 0])) for k in keys]
    if "" in found or not rows:
        rows.append(Row("部会なし", found.get("", [0, 0])))
    return rows


def _meeting_table(council: Council, year: Year, text: dict) -> Table:
    """Return the meetings held per tier and 部会, the cases discussed and the average attendance."""
    found = activity.meetings(council, year)
    rows = []
    for tier in Tier:
        held_here = sorted((key, v) for key, v in found.items() if key[0] == tier.value)
        for (_, section), values in held_here or [((tier.value, ""), [0] * 6)]:
            held, cases, present = _pairs(values, 3)[0:2], _pairs(values, 3)[2:4], _pairs(values, 3)[4:6]
            average = [round(p / h, 1) if h else None for p, h in zip(present, held, strict=True)]
            label = tier.name_in(council) + (f"（{section}）" if section else "")
            rows.append(Row(label, held + cases + average))
    table = Table("meetings", "会議の開催", text["meetings"], ["開催回数", "検討ケース数", "平均出席"])
    table.rows, table.small, table.chart = rows, False, "bar"
    return table


def _reports_table(council: Council, year: Year, text: dict, today: date) -> Table:
    """Return the monthly reports due and received, immediate reports, alerts and acknowledgement times."""
    found = activity.reports(council, year, today)
    labels = {
        "due": "定期報告の提出予定数",
        "received": "定期報告の提出数",
        "immediate": "至急の情報提供",
        "alerts": "アラート",
        "acked": "確認済みのアラート",
        "median": "確認までの時間 中央値（時間）",
        "p90": "確認までの時間 90パーセンタイル（時間）",
    }
    rows = [Row(label, found[key]) for key, label in labels.items()]
    return Table("reports", "関係機関からの報告", text["reports"], ["数"], rows, small=False, chart="")


def _month_table(council: Council, year: Year, text: dict) -> Table:
    """Return the month-by-month new registrations and closures."""
    found = queries.by_month(council, year)
    rows = []
    for (y, m), (py, pm) in zip(year.months(), year.previous().months(), strict=True):
        now, before = found[f"{y}-{m:02d}"], found[f"{py}-{pm:02d}"]
        rows.append(Row(f"{m}月", [now[0], before[0], now[1], before[1]]))
    table = Table("months", "月別の新規登録と終結", text["months"], ["新規登録", "終結"], chart="line")
    return _with_total(table, rows)


def figures_of(council: Council, fiscal_year: int, today: date) -> Figures:
    """Return every table of a council's figures for one 年度, in the national survey's order."""
    year = year_of(council, fiscal_year)
    text = rules(year)
    tables = [
        _category_table(council, year, text),
        _flow_table(council, year, text),
        _with_total(
            Table("closures", "終結理由別の終結ケース数", text["closures"], ["ケース"]),
            _coded(queries.closures_by_reason(council, year), "closure_reason"),
        ),
        _age_table(council, year, text),
        Table(
            "abuse_types",
            "虐待種別の登録ケース数（年度末・重複計上）",
            text["abuse_types"],
            ["ケース", "子ども"],
            _coded(queries.by_abuse_type(council, year), "abuse_type", 2),
        ),
        _with_total(
            Table("abusers", "主たる虐待者別の虐待ケース数（年度末）", text["abusers"], ["ケース"]),
            _coded(queries.by_main_abuser(council, year), "main_abuser"),
        ),
        _with_total(
            Table("routes", "相談経路別の新規登録ケース数", text["routes"], ["ケース"]),
            _coded(queries.by_route(council, year), "referral_route"),
        ),
        _with_total(
            Table("sections", "部会別の登録ケース数（年度末）", text["sections"], ["ケース"]),
            _section_rows(council, queries.by_section(council, year)),
        ),
        _meeting_table(council, year, text),
        _reports_table(council, year, text, today),
        _month_table(council, year, text),
    ]
    return Figures(council, year, tables)
