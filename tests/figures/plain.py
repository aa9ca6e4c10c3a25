"""The figures counted plainly in Python from a world's plan: what the SQL must agree with."""

import math
import statistics
from collections import defaultdict
from datetime import date

from tests.figures.worlds import YEAR, World, utc

CATEGORY_LABELS = {"protection": "要保護児童", "support": "要支援児童", "pregnant": "特定妊婦"}
BANDS = [("0–3歳未満", 0), ("3歳–学齢前", 3), ("小学生", 6), ("中学生", 12), ("高校生・その他", 15)]


def first(y: int) -> date:
    return date(y, 4, 1)


def last(y: int) -> date:
    return date(y + 1, 3, 31)


def at_end(c, y: int) -> bool:
    """Registered on March 31 of the 年度: registered by then and not closed by then."""
    return c.registered is not None and c.registered <= last(y) and (c.closed is None or c.closed > last(y))


def new(c, y: int) -> bool:
    return c.registered is not None and first(y) <= c.registered <= last(y)


def closed(c, y: int) -> bool:
    return c.registered is not None and c.closed is not None and first(y) <= c.closed <= last(y)


def age(birth: date, on: date) -> int:
    """Age in full years on a day, counted the ordinary way (one is a year older on one's birthday)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def band(birth: date | None, y: int, basis: str) -> str:
    if birth is None:
        return "生年月日未入力"
    years = age(birth, last(y) if basis == "year_end" else first(y))
    return [name for name, lowest in BANDS if years >= lowest][-1] if years >= 0 else BANDS[0][0]


def _count(cases, test, key, weight=lambda c: 1) -> dict:
    """Return key -> [this year, the year before] of the cases passing test(case, year)."""
    found = defaultdict(lambda: [0, 0])
    for c in cases:
        for i, y in enumerate((YEAR, YEAR - 1)):
            if test(c, y):
                for k in key(c):
                    found[k][i] += weight(c)
    return dict(found)


def _join(*parts: dict) -> dict:
    """Join [a, a'] and [b, b'] per key into [a, a', b, b']."""
    keys = {k for p in parts for k in p}
    return {k: [v for p in parts for v in p.get(k, [0, 0])] for k in keys}


def expected(world: World, labels: dict[str, dict[str, str]], tier_names: dict[str, str]) -> dict:
    """Return table key -> {row label -> values} for council 0 of the world."""
    cases = [c for c in world.cases if c.council == 0]
    kids = lambda c: len(c.births)  # noqa: E731
    category = lambda c: [CATEGORY_LABELS[c.category]]  # noqa: E731
    tables = {
        "registered": _join(
            _count(cases, at_end, category),
            _count(cases, lambda c, y: at_end(c, y) and c.abuse, category),
            _count(cases, at_end, category, kids),
        ),
        "flow": _join(
            _count(cases, new, lambda c: ["新規登録"]) | _count(cases, closed, lambda c: ["終結"]),
            _count(cases, new, lambda c: ["新規登録"], kids)
            | _count(cases, closed, lambda c: ["終結"], kids),
        ),
        "closures": _count(cases, closed, lambda c: [labels["closure_reason"].get(c.reason, "未入力")]),
        "abuse_types": _join(
            _count(cases, at_end, lambda c: [labels["abuse_type"][a] for a in c.abuse]),
            _count(cases, at_end, lambda c: [labels["abuse_type"][a] for a in c.abuse], kids),
        ),
        "abusers": _count(
            cases,
            lambda c, y: at_end(c, y) and c.abuse,
            lambda c: [labels["main_abuser"].get(c.abuser, "未入力")],
        ),
        "routes": _count(cases, new, lambda c: [labels["referral_route"].get(c.route, "未入力")]),
        "sections": _count(cases, at_end, lambda c: [c.section or "部会なし"]),
    }
    ages = defaultdict(lambda: [0, 0])
    for c in cases:
        for i, y in enumerate((YEAR, YEAR - 1)):
            if at_end(c, y):
                for birth in c.births:
                    ages[band(birth, y, world.age_basis)][i] += 1
    tables["ages"] = dict(ages)
    months = {}
    for y, m in [(YEAR + (m < 4), m) for m in (*range(4, 13), 1, 2, 3)]:
        same = lambda d, yy, mm: d is not None and (d.year, d.month) == (yy, mm)  # noqa: E731
        months[f"{m}月"] = [
            sum(same(c.registered, y, m) for c in cases),
            sum(same(c.registered, y - 1, m) for c in cases),
            sum(c.registered is not None and same(c.closed, y, m) for c in cases),
            sum(c.registered is not None and same(c.closed, y - 1, m) for c in cases),
        ]
    tables["months"] = months
    tables["meetings"] = _meetings(world, tier_names)
    tables["reports"] = _reports(world)
    for key in ("registered", "closures", "ages", "abusers", "routes", "sections", "months"):
        rows = tables[key]
        width = max((len(v) for v in rows.values()), default=2)
        tables[key]["計"] = [sum(v[i] for v in rows.values()) for i in range(width)]
    return tables


def _in_year(moment, y: int) -> bool:
    """Tell whether a moment falls in the 年度, in Japan."""
    from tests.figures.worlds import JST

    return first(y) <= moment.astimezone(JST).date() <= last(y)


def _meetings(world: World, tier_names: dict[str, str]) -> dict:
    found = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for m in world.meetings:
        if m.council != 0 or not m.ended:
            continue
        label = tier_names[m.tier] + (f"（{m.section}）" if m.section else "")
        for i, y in enumerate((YEAR, YEAR - 1)):
            if _in_year(m.starts, y):
                found[label][i] += 1
                found[label][2 + i] += m.cases
                found[label][4 + i] += m.attending
    return {
        k: [*v[:4], round(v[4] / v[0], 1) if v[0] else None, round(v[5] / v[1], 1) if v[1] else None]
        for k, v in found.items()
    }


def _due_months(y: int, today: date) -> int:
    """Count the months of the 年度 whose due day (the 10th of the next month) is before today."""
    count = 0
    for yy, mm in [(y + (m < 4), m) for m in (*range(4, 13), 1, 2, 3)]:
        due = date(yy + (mm == 12), mm % 12 + 1, 10)
        count += due < today
    return count


def _reports(world: World) -> dict:
    plan = world.reports
    result = {}
    reporting = 2  # each council has a school and a nursery reporting (a hospital and a closed school do not)
    result["定期報告の提出予定数"] = [_due_months(y, world.today) * reporting for y in (YEAR, YEAR - 1)]
    result["定期報告の提出数"] = [
        sum(
            1
            for council, yy, mm, version in plan.monthly
            if council == 0 and version > 0 and first(y) <= date(yy, mm, 1) <= last(y)
        )
        for y in (YEAR, YEAR - 1)
    ]
    result["至急の情報提供"] = [
        sum(1 for council, at in plan.immediate if council == 0 and _in_year(utc(at), y))
        for y in (YEAR, YEAR - 1)
    ]
    result["アラート"], result["確認済みのアラート"] = [], []
    result["確認までの時間 中央値（時間）"], result["確認までの時間 90パーセンタイル（時間）"] = [], []
    for y in (YEAR, YEAR - 1):
        alerts = [(at, hours) for council, at, hours in plan.alerts if council == 0 and _in_year(at, y)]
        acked = sorted(h for _, h in alerts if h is not None)
        result["アラート"].append(len(alerts))
        result["確認済みのアラート"].append(len(acked))
        result["確認までの時間 中央値（時間）"].append(round(statistics.median(acked), 1) if acked else None)
        result["確認までの時間 90パーセンタイル（時間）"].append(
            round(acked[math.ceil(0.9 * len(acked)) - 1], 1) if acked else None
        )
    return result
