"""A municipality-sized fictional world for benchmarks: councils, agencies, people and N cases.

Rows are written with bulk INSERTs in one transaction and mirror what `services.register_case`
stores (each child's enrolled involvement with a child-scoped grant, the lead agency, the
児童相談所 joining by the council's rule), so the access policy meets the data it meets in use.
Ids are assigned here rather than returned by the database: SQLite returns the ids of a bulk
insert in order only by inserting row by row, which is five times slower. Every name is made up.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from time import perf_counter

import click
from sqlalchemy import func, insert, select, text

from cases import codes
from cases.models import (
    AccessGrant,
    Case,
    CaseAbuseType,
    CaseChange,
    Category,
    Child,
    Consent,
    GrantCause,
    Guardian,
    Involvement,
    InvolvementKind,
    Part,
    Status,
    parts_mask,
)
from cases.search import search_key
from cases.sharing import INVOLVEMENT_PARTS
from portal import audit
from portal.dates import fiscal_year, fiscal_year_label, today_in_japan
from portal.extensions import db
from portal.models import Agency, AgencyKind, Council, Role, User, UserRole, council_members
from portal.passwords import hash_password

BENCH_PASSWORD = "Bench-Passw0rd-2025"  # noqa: S105 - every bench person's password, on fake data only
CHUNK = 5000  # rows per INSERT call
BATCH = 2000  # cases generated before their rows are written


def _pairs(words: str) -> list[tuple[str, str]]:
    """Split "漢字:かな 漢字:かな ..." into (name, kana) pairs."""
    return [tuple(word.split(":")) for word in words.split()]


SURNAMES = _pairs(
    "佐藤:さとう 鈴木:すずき 高橋:たかはし 田中:たなか 伊藤:いとう 渡辺:わたなべ 山本:やまもと "
    "中村:なかむら 小林:こばやし 加藤:かとう 吉田:よしだ 山田:やまだ 佐々木:ささき 山口:やまぐち "
    "松本:まつもと 井上:いのうえ 木村:きむら 林:はやし 斎藤:さいとう 清水:しみず 山崎:やまざき "
    "森:もり 池田:いけだ 橋本:はしもと 阿部:あべ 石川:いしかわ 中島:なかじま 小川:おがわ "
    "前田:まえだ 岡田:おかだ 長谷川:はせがわ 藤田:ふじた 近藤:こんどう"
)
BOYS = _pairs("陽翔:はると 蓮:れん 湊:みなと 蒼:あおい 樹:いつき 大翔:ひろと 悠真:ゆうま 朝陽:あさひ 律:りつ")
GIRLS = _pairs("陽葵:ひまり 凛:りん 芽依:めい 結菜:ゆいな 紬:つむぎ 澪:みお 莉子:りこ 結愛:ゆあ 咲良:さくら")
MEN = _pairs("健:けん 大輔:だいすけ 拓也:たくや 翔太:しょうた 直樹:なおき 誠:まこと 浩:ひろし 和也:かずや")
WOMEN = _pairs("美咲:みさき 恵子:けいこ 直子:なおこ 由美:ゆみ 香織:かおり 亜紀:あき 綾:あや 優子:ゆうこ")
# fmt: off
PLACES = ["桜台", "緑町", "旭", "東", "西", "南", "北", "中央", "若葉", "青葉", "松原", "本町", "栄",
          "泉", "宮前", "花園", "川端", "山手", "港", "浜", "丘", "朝日", "富士見", "日の出", "若松",
          "大町", "高田", "柳", "みずほ", "ひばり", "さつき", "かえで", "白山", "北原", "南台", "東山",
          "西浜", "中町", "新町", "元町"]
# fmt: on
NURSERY_CLASSES = ["ひよこ組", "りす組", "うさぎ組", "きりん組", "ぞう組", "らいおん組"]
# Agency kind -> (name ending, fewest and most staff, their titles).
KINDS = {
    "小学校": ("小学校", 8, 14, ["校長", "教頭", "養護教諭", "学級担任", "学級担任"]),
    "中学校": ("中学校", 8, 14, ["校長", "教頭", "養護教諭", "学級担任", "生徒指導主事"]),
    "保育所": ("保育園", 3, 5, ["園長", "主任保育士", "保育士"]),
    "認定こども園": ("こども園", 3, 6, ["園長", "主幹保育教諭", "保育教諭"]),
    "保健センター": ("保健センター", 4, 8, ["保健師", "助産師"]),
    "医療機関": ("クリニック", 2, 4, ["医師", "看護師", "医療ソーシャルワーカー"]),
    "警察": ("警察署", 2, 3, ["生活安全課"]),
    "民生児童委員": ("地区民生委員児童委員協議会", 1, 2, ["主任児童委員"]),
    "教育委員会": ("", 3, 3, ["指導主事"]),
    "福祉事務所": ("", 3, 3, ["ケースワーカー"]),
}


@dataclass
class Town:
    """One municipality: its share of the cases, its 児童相談所 rule, and its agencies by kind."""

    municipality: str
    share: float
    auto_join: str
    coordinators: int
    counts: tuple[int, ...]  # in the order of KINDS


TOWNS = [
    Town("ひなた市", 0.86, "abuse", 14, (75, 35, 110, 25, 4, 25, 5, 10, 1, 1)),
    Town("あさぎ町", 0.08, "abuse", 3, (5, 2, 6, 2, 1, 2, 1, 2, 1, 1)),
    Town("しらかば村", 0.06, "all", 2, (3, 2, 4, 1, 1, 2, 1, 2, 1, 1)),
]
CHILD_GUIDANCE_CENTER = "ひなた児童相談所"
CASEWORKERS = 40
# Parents first, so the foreign keys hold on PostgreSQL.
TABLES = (Agency, Council, council_members, User, UserRole, Case, CaseAbuseType, Child, Guardian)
TABLES += (CaseChange, Involvement, Consent, AccessGrant)
GRANT_SCOPE = ("child_id", "involvement_id", "consent_id", "revoked_at", "revoked_by_id")


class _World:
    """The generator: a seeded random source, id counters, and the rows waiting to be inserted."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible fake data, not secrets
        self.today = today_in_japan()
        self.rows = {table: [] for table in TABLES}
        self.added = dict.fromkeys(TABLES, 0)
        self.last_id = {t: db.session.scalar(select(func.max(t.id))) or 0 for t in TABLES if hasattr(t, "id")}
        self.kinds = dict(db.session.execute(select(AgencyKind.name, AgencyKind.id)).all())
        self.password_hash = hash_password(BENCH_PASSWORD)
        self.closure_label = codes.label("closure_reason", "improved")
        self.councils: list[dict] = []
        self.cgc_id = 0

    def add(self, table, **values) -> int:
        """Queue one row, giving it the next id of its table; return the id."""
        if table in self.last_id:
            self.last_id[table] += 1
            values["id"] = self.last_id[table]
        self.rows[table].append(values)
        self.added[table] += 1
        return values.get("id", 0)

    def flush(self) -> None:
        """Insert every queued row, parents first, in chunks."""
        for table, rows in self.rows.items():
            for start in range(0, len(rows), CHUNK):
                db.session.execute(insert(table), rows[start : start + CHUNK])
            rows.clear()

    def person(self, female: bool | None = None, surname=None) -> tuple[str, str]:
        """Return a made-up adult's name and kana."""
        female = self.rng.random() < 0.6 if female is None else female
        family = surname or self.rng.choice(SURNAMES)
        given = self.rng.choice(WOMEN if female else MEN)
        return f"{family[0]} {given[0]}", f"{family[1]} {given[1]}"

    def agency(self, name: str, kind: str) -> int:
        """Queue an agency of a kind the migration seeded."""
        if kind not in self.kinds:
            raise click.UsageError(f"機関の種別「{kind}」がありません。マイグレーションを確認してください。")
        return self.add(Agency, name=name, kind_id=self.kinds[kind])

    def staff(self, agency_id: int, count: int, titles: list[str], *roles: Role) -> list[int]:
        """Queue `count` people of an agency holding `roles`; return their ids."""
        ids = []
        for i in range(count):
            name, kana = self.person()
            login_id = f"bench{self.last_id[User] + 1:05d}"
            user_id = self.add(
                User,
                login_id=login_id,
                name=name,
                name_kana=kana,
                email=f"{login_id}@example.jp",
                title=titles[i % len(titles)],
                agency_id=agency_id,
                password_hash=self.password_hash,
                must_change_password=False,
            )
            for role in roles:
                self.add(UserRole, user_id=user_id, role=role.value)
            ids.append(user_id)
        return ids

    def build_agencies(self) -> None:
        """Queue the councils with their agencies and people, and the 児童相談所 that serves them all."""
        self.cgc_id = self.agency(CHILD_GUIDANCE_CENTER, "児童相談所")
        self.staff(self.cgc_id, CASEWORKERS, ["児童福祉司", "児童心理司"], Role.CASEWORKER)
        self.staff(self.cgc_id, 2, ["係長"], Role.AGENCY_MEMBER)
        for town in TOWNS:
            muni = town.municipality
            center = self.agency(f"{muni}こども家庭センター", "こども家庭センター")
            members = {"center": [center]}
            for (kind, (ending, low, high, titles)), count in zip(KINDS.items(), town.counts, strict=True):
                places = self.rng.sample(PLACES, len(PLACES))
                for i in range(count):
                    place = places[i % len(places)] + ("", "第二", "第三", "第四")[i // len(places)]
                    name = f"{muni}{place}{ending}" if ending else f"{muni}{kind}"
                    agency_id = self.agency(f"{muni}民病院" if kind == "医療機関" and i == 0 else name, kind)
                    members.setdefault(kind, []).append(agency_id)
                    self.staff(agency_id, self.rng.randint(low, high), titles, Role.AGENCY_MEMBER)
            coordinators = self.staff(center, town.coordinators, ["調整担当"], Role.COORDINATOR)
            self.staff(center, 1 + town.coordinators // 8, ["統括支援員"], Role.FACILITATOR, Role.COORDINATOR)
            self.staff(center, 3, ["保健師"], Role.AGENCY_MEMBER)
            council_id = self.add(
                Council,
                name=f"{muni}要保護児童対策地域協議会",
                municipality=muni,
                coordinating_agency_id=center,
                child_guidance_auto_join=town.auto_join,
            )
            for agency_id in [self.cgc_id, *(a for ids in members.values() for a in ids)]:
                self.add(council_members, council_id=council_id, agency_id=agency_id)
            self.councils.append({"id": council_id, "town": town, "members": members, "staff": coordinators})
        self.staff(self.councils[0]["members"]["center"][0], 1, ["情報システム担当"], Role.ADMIN)

    def build_cases(self, n_cases: int) -> None:
        """Queue N cases, numbered per council and fiscal year in the order they were received."""
        shares = [c["town"].share for c in self.councils]
        arrivals = []
        for _ in range(n_cases):
            days_ago = int(self.rng.random() ** 1.6 * 6 * 365)  # more recent cases than old ones
            arrivals.append(
                (self.today - timedelta(days_ago), self.rng.choices(self.councils, shares)[0]["id"])
            )
        arrivals.sort()
        councils = {c["id"]: c for c in self.councils}
        numbers: dict[tuple[int, str], int] = {}
        for i, (received_on, council_id) in enumerate(arrivals):
            prefix = fiscal_year_label(fiscal_year(received_on)).removesuffix("年度")
            numbers[council_id, prefix] = numbers.get((council_id, prefix), 0) + 1
            self.case(councils[council_id], received_on, f"{prefix}-{numbers[council_id, prefix]:04d}")
            if (i + 1) % BATCH == 0:
                self.flush()

    def case(self, council: dict, received_on: date, case_number: str) -> None:
        """Queue one household: the case, its children and guardians, involvements and grants."""
        rng, today, members = self.rng, self.today, council["members"]
        center = members["center"][0]
        age = (today - received_on).days
        status = Status.REGISTERED
        if age < 120 and rng.random() < (0.5 if age < 30 else 0.2):
            status = Status.INTAKE
        elif age > 365 and rng.random() < 0.2:
            status = Status.CLOSED
        category = rng.choices(list(Category), [0.55, 0.38, 0.07])[0]
        abuse = self.abuse_types(category)
        # Most cases are registered on the day they are received; some are received first (受理) and
        # registered (登録) up to three weeks later, as register_case then register_intake store them.
        registered_on = None
        if status != Status.INTAKE:
            delay = 0 if rng.random() < 0.7 else rng.randint(1, 21)
            registered_on = min(received_on + timedelta(delay), today)
        closed_on = (
            min(registered_on + timedelta(rng.randint(60, 700)), today) if status == Status.CLOSED else None
        )
        lead = center
        if rng.random() < 0.15:
            lead = rng.choice(members["保健センター" if category == Category.PREGNANT else "小学校"])
        pregnant = category == Category.PREGNANT
        case_id = self.add(
            Case,
            council_id=council["id"],
            case_number=case_number,
            category=category.value,
            status=status.value,
            received_on=received_on,
            registered_on=registered_on,
            referral_route=rng.choice(["school", "nursery", "health", "police", "neighbor", "family"]),
            main_abuser=rng.choice(["father", "mother", "stepfather", "mother"]) if abuse else "",
            risk_level=rng.choices([1, 2, 3], [0.35, 0.45, 0.2])[0],
            lead_agency_id=lead,
            support_policy="見守りを継続し、月1回の状況確認を行う。",
            expected_delivery_on=today + timedelta(rng.randint(-30, 200)) if pregnant else None,
            last_confirmed_on=max(received_on, today - timedelta(rng.randint(0, 120))),
            next_review_on=None
            if closed_on or rng.random() < 0.03
            else today + timedelta(rng.randint(-90, 90)),
            closed_on=closed_on,
            closure_reason="improved" if closed_on else "",
            version=1 + (registered_on not in (None, received_on)) + bool(closed_on),
        )
        for code in abuse:
            self.add(CaseAbuseType, case_id=case_id, code=code)
        user = rng.choice(council["staff"])
        self.history(case_id, user, center, received_on, registered_on, closed_on)
        surname = rng.choice(SURNAMES)
        # A 特定妊婦 case may have no children yet; every other case has at least one.
        counts, weights = ([0, 1, 2], [0.5, 0.35, 0.15]) if pregnant else ([1, 2, 3], [0.5, 0.35, 0.15])
        kids = [self.child(case_id, members, surname) for _ in range(rng.choices(counts, weights)[0])]
        guardians = self.guardians(case_id, category, surname)
        # register_case involves the agencies from the day of receipt (registered_on or received_on).
        start = received_on
        for child_id, agency_id in kids:
            self.involve(case_id, agency_id, InvolvementKind.ENROLLED, start, user, child_id)
        if lead != center:
            self.involve(case_id, lead, InvolvementKind.LEAD, start, user)
        rule = council["town"].auto_join
        if rule == "all" or (rule == "abuse" and abuse):
            self.involve(case_id, self.cgc_id, InvolvementKind.CHILD_GUIDANCE, start, user, note="自動参加")
        if status != Status.INTAKE and rng.random() < 0.06:
            self.consent(case_id, guardians[0], members, start, user)

    def history(self, case_id, user_id, agency_id, received_on, registered_on, closed_on) -> None:
        """Queue the status lines of the case history, as register_case, register_intake and close_case do."""
        lines = [("status", "", Status.REGISTERED.label, "registration")]
        if registered_on != received_on:
            lines = [("status", "", Status.INTAKE.label, "registration")]
            if registered_on:
                lines.append(("status", Status.INTAKE.label, Status.REGISTERED.label, ""))
        if closed_on:
            lines.append(("status", Status.REGISTERED.label, Status.CLOSED.label, ""))
            lines.append(("closure_reason", "", self.closure_label, ""))
        for field, before, after, source in lines:
            self.add(
                CaseChange,
                case_id=case_id,
                user_id=user_id,
                agency_id=agency_id,
                field=field,
                before=before,
                after=after,
                source=source,
            )

    def abuse_types(self, category: Category) -> list[str]:
        """Return the abuse type codes of a new case."""
        types = ["physical", "sexual", "psychological", "neglect"]
        if category == Category.PROTECTION:
            return sorted(
                set(self.rng.choices(types, [0.25, 0.03, 0.45, 0.27], k=self.rng.choice([1, 1, 1, 2])))
            )
        if category == Category.SUPPORT and self.rng.random() < 0.25:
            return [self.rng.choice(["neglect", "psychological"])]
        return []

    def child(self, case_id: int, members: dict, surname) -> tuple[int, int]:
        """Queue a child enrolled at a school or nursery that fits their age; return (child, agency)."""
        rng = self.rng
        age, female = rng.randint(0, 14), rng.random() < 0.5
        given = rng.choice(GIRLS if female else BOYS)
        if age < 6:
            agency_id, grade = rng.choice(members["保育所"] + members["認定こども園"]), NURSERY_CLASSES[age]
        else:
            kind, year = ("小学校", age - 5) if age < 12 else ("中学校", age - 11)
            agency_id, grade = rng.choice(members[kind]), f"{year}年{rng.randint(1, 3)}組"
        name, kana = f"{surname[0]} {given[0]}", f"{surname[1]} {given[1]}"
        child_id = self.add(
            Child,
            case_id=case_id,
            name=name,
            name_kana=kana,
            sex="女" if female else "男",
            birth_date=self.today - timedelta(days=age * 365 + rng.randint(0, 364)),
            enrolled_agency_id=agency_id,
            grade_class=grade,
            search_key=search_key(name, kana),
        )
        return child_id, agency_id

    def guardians(self, case_id: int, category: Category, surname) -> list[tuple[str, str]]:
        """Queue the household's adults (the expectant mother first for 特定妊婦); return (name, relation)."""
        adults = [("self" if category == Category.PREGNANT else "mother", True, surname)]
        if self.rng.random() < 0.55:
            adults.append((self.rng.choice(["father", "father", "stepfather", "partner"]), False, None))
        result = []
        for relation, female, family in adults:
            name, kana = self.person(female, family)
            self.add(
                Guardian,
                case_id=case_id,
                relation=relation,
                name=name,
                name_kana=kana,
                search_key=search_key(name, kana),
            )
            result.append((name, relation))
        return result

    def involve(self, case_id, agency_id, kind, start, user_id, child_id=None, note="") -> None:
        """Queue an involvement and its statutory grant, as sharing.add_involvement_in_tx stores them."""
        involvement_id = self.add(
            Involvement,
            case_id=case_id,
            agency_id=agency_id,
            kind=kind.value,
            child_id=child_id,
            started_on=start,
            note=note,
            created_by_id=user_id,
        )
        scope = child_id if kind == InvolvementKind.ENROLLED else None
        self.grant(
            case_id,
            agency_id,
            GrantCause.STATUTORY,
            INVOLVEMENT_PARTS[kind],
            start,
            user_id,
            child_id=scope,
            involvement_id=involvement_id,
        )

    def grant(self, case_id, agency_id, cause, parts, start, user_id, **scope) -> None:
        """Queue an access grant; every grant row carries the same keys, so they insert as one batch."""
        scope = dict.fromkeys(GRANT_SCOPE) | scope
        self.add(
            AccessGrant,
            case_id=case_id,
            agency_id=agency_id,
            cause=cause.value,
            parts=parts,
            valid_from=start,
            granted_by_id=user_id,
            **scope,
        )

    def consent(self, case_id: int, guardian: tuple[str, str], members: dict, start: date, user: int) -> None:
        """Queue a consent sharing basic, ledger and notes with a hospital or 民生委員; some are withdrawn."""
        given_on = min(start + timedelta(self.rng.randint(0, 60)), self.today)
        withdrawn = None
        if self.rng.random() < 0.1:  # withdrawn some days later, at a fixed hour so a seed gives one world
            day = min(given_on + timedelta(self.rng.randint(1, 90)), self.today)
            withdrawn = datetime.combine(day, time(1, 30), tzinfo=UTC)
        parts = parts_mask([Part.BASIC, Part.LEDGER, Part.NOTES])
        consent_id = self.add(
            Consent,
            case_id=case_id,
            given_by_name=guardian[0],
            given_by_relation=guardian[1],
            given_on=given_on,
            parts=parts,
            recorded_by_id=user,
            withdrawn_at=withdrawn,
            withdrawn_by_id=user if withdrawn else None,
        )
        revoked = {"revoked_at": withdrawn, "revoked_by_id": user if withdrawn else None}
        for agency_id in self.rng.sample(
            members["医療機関"] + members["民生児童委員"], self.rng.randint(1, 2)
        ):
            self.grant(
                case_id,
                agency_id,
                GrantCause.CONSENT,
                parts,
                given_on,
                user,
                consent_id=consent_id,
                **revoked,
            )

    def sync_sequences(self) -> None:
        """Move PostgreSQL's id sequences past the ids given here (SQLite takes the next max + 1 itself)."""
        if db.session.get_bind().dialect.name != "postgresql":
            return
        for table, last in self.last_id.items():
            db.session.execute(
                text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :value, :called)"),
                {"table": table.__tablename__, "value": max(last, 1), "called": last > 0},
            )


def build_world(n_cases: int, seed: int = 7) -> dict:
    """Build the world with N cases in one transaction; refuse a database that holds cases or a world."""
    started = perf_counter()
    has_cases = db.session.scalar(select(func.count()).select_from(Case))
    if has_cases or db.session.scalar(select(Agency.id).where(Agency.name == CHILD_GUIDANCE_CENTER)):
        raise click.UsageError(
            "データベースに既にケースがあります。ベンチマーク用データは空のデータベースにだけ作成できます。"
        )
    world = _World(seed)
    world.build_agencies()
    world.flush()
    world.build_cases(n_cases)
    world.flush()
    world.sync_sequences()
    summary = {"cases": n_cases, "agencies": world.added[Agency], "people": world.added[User]}
    audit.record("bench.seed", target_type="bench", detail=summary | {"seed": seed})
    db.session.commit()
    return summary | {"seconds": perf_counter() - started}
