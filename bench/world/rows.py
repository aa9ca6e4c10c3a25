"""The benchmark world's generator: a seeded random source, id counters, queued rows, agencies and people.

Rows are queued and written with bulk INSERTs; ids are assigned here rather than returned by the
database (SQLite returns a bulk insert's ids in order only row by row, which is five times slower).
"""

import random

import click
from sqlalchemy import func, insert, select, text

from bench.world.names import CASEWORKERS, CHILD_GUIDANCE_CENTER, KINDS, MEN, PLACES, SURNAMES, TOWNS, WOMEN
from cases import codes
from cases.models import Case, CaseAbuseType, CaseChange, Child, Guardian
from cases.sharing.models import AccessGrant, Consent, Involvement
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Agency, AgencyKind, Council, Role, User, UserRole, council_members
from portal.passwords import hash_password

BENCH_PASSWORD = "Bench-Passw0rd-2025"  # noqa: S105 - every bench person's password, on fake data only
CHUNK = 5000  # rows per INSERT call

# Parents first, so the foreign keys hold on PostgreSQL.
TABLES = (Agency, Council, council_members, User, UserRole, Case, CaseAbuseType, Child, Guardian)
TABLES += (CaseChange, Involvement, Consent, AccessGrant)
GRANT_SCOPE = ("child_id", "involvement_id", "consent_id", "revoked_at", "revoked_by_id")


class Rows:
    """The generator: a seeded random source, id counters, and the rows waiting to be inserted."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
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

    def sync_sequences(self) -> None:
        """Move PostgreSQL's id sequences past the ids given here (SQLite takes the next max + 1 itself)."""
        if db.session.get_bind().dialect.name != "postgresql":
            return
        for table, last in self.last_id.items():
            db.session.execute(
                text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :value, :called)"),
                {"table": table.__tablename__, "value": max(last, 1), "called": last > 0},
            )
