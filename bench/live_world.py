"""The live bench's world: a council with its agencies, 30 cases and N participants."""

from datetime import date, datetime
from datetime import time as clock
from pathlib import Path

import sqlalchemy as sa

from bench import logins
from cases.ledger import registration
from cases.ledger.registration import CaseInput, ChildInput, GuardianInput
from meetings import access, services
from meetings.agenda import services as agenda
from meetings.live import services as live
from meetings.models import ItemKind, Tier
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Agency, AgencyKind, Council, Role, User, UserRole
from portal.passwords import hash_password

ROOT = Path(__file__).resolve().parent.parent

PASSWORD = "Bench-Passw0rd-2025"  # noqa: S105 - bench accounts on throwaway data


NAMESPACE = "/meetings"


CASES = 30


# Member agencies besides the センター: (kind, how many); people are spread over them in turn.
MEMBERS = [("児童相談所", 1), ("小学校", 8), ("中学校", 3), ("保育所", 4), ("保健センター", 1), ("警察", 1)]


SCHOOLING = ("小学校", "中学校", "保育所")  # where the cases' children go


def config(url: str) -> dict:
    """Return the app config of the bench (no login throttle: 100 logins come from one address)."""
    return {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-live", "RATELIMIT_ENABLED": False}


def build(participants: int) -> dict:
    """Seed a council, its agencies and people, 30 cases and a live meeting on them; return the logins."""
    kinds = {k.name: k for k in db.session.scalars(sa.select(AgencyKind))}
    council = Council(name="ベンチ市要保護児童対策地域協議会", municipality="ベンチ市")
    center = Agency(name="ベンチ市こども家庭センター", kind=kinds["こども家庭センター"])
    members = [
        Agency(name=f"ベンチ{kind}{n + 1}", kind=kinds[kind]) for kind, count in MEMBERS for n in range(count)
    ]
    council.members = [center, *members]
    db.session.add(council)
    db.session.flush()
    council.coordinating_agency = center
    password_hash = hash_password(PASSWORD)  # argon2 once, not 100 times

    def person(n: int, agency: Agency, *roles: Role) -> User:
        user = User(
            login_id=f"bench-{n:03d}", name=f"参加者{n:03d}", agency=agency, password_hash=password_hash
        )
        user.must_change_password = False
        user.role_rows = [UserRole(role=r.value) for r in roles]
        db.session.add(user)
        return user

    boss = person(0, center, Role.FACILITATOR, Role.COORDINATOR)
    people = [boss] + [person(n, center, Role.COORDINATOR) for n in range(1, 4)]
    for n in range(len(people), participants):
        agency = members[n % len(members)]
        role = Role.CASEWORKER if agency.kind.name == "児童相談所" else Role.AGENCY_MEMBER
        people.append(person(n, agency, role))
    db.session.commit()
    logins.enrol_if_required(people)  # the facilitator and coordinators type a code at login
    schooling = [a for a in members if a.kind.name in SCHOOLING]
    cases = []
    for n in range(CASES):
        first, second = schooling[n % len(schooling)], schooling[(n * 7 + 3) % len(schooling)]
        children = [ChildInput(f"ベンチ 太郎{n}", "", date(2015, 5, 5), "男", first.id, "4年")]
        if n % 3 == 0:  # siblings at another school: each school sees its own pupil only
            children.append(ChildInput(f"ベンチ 花子{n}", "", date(2019, 6, 6), "女", second.id, ""))
        data = CaseInput(
            council_id=council.id,
            category="protection" if n % 2 else "support",
            received_on=date(2025, 4, 1),
            abuse_types=["neglect"] if n % 2 else [],
            risk_level=1 + n % 3,
            support_policy=f"<p>見守りを続ける（{n}）</p>",
            children=children,
            guardians=[GuardianInput("mother", f"ベンチ 花子{n}")],
        )
        cases.append(registration.register_case(boss, data))
    starts = datetime.combine(today_in_japan(), clock(10), tzinfo=services.JST)
    meeting = services.schedule_meeting(
        boss,
        services.MeetingInput(
            council.id, Tier.PRACTITIONER.value, "定例", starts, 150, agency_ids=[a.id for a in members]
        ),
    )
    agenda.add_item(boss, meeting, agenda.ItemInput(ItemKind.REPORT.value, "新規登録の報告", "佐藤", 5))
    for case in cases:
        agenda.add_item(boss, meeting, agenda.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 5, case.id))
    live.start(boss, meeting)
    for item in meeting.items:
        live.save_notes(boss, meeting, item.id, "<p>出席は安定。<b>家庭訪問</b>で様子を確認した。</p>" * 3, 0)
    return {
        "meeting_id": meeting.id,
        "items": [i.id for i in meeting.items],
        "logins": [u.login_id for u in people],
        "agencies": len({u.agency_id for u in people}),
        "views": len({access.reader_key(u) for u in people}),
    }
