"""Time the Word export of a 30-case practitioner meeting's minutes (and its packet).

Usage: .venv/bin/python bench/minutes.py [--cases 30] [--rounds 15] [--quick]

SQLite in a temp dir by default; with DATABASE_URL naming a PostgreSQL database whose name
contains "test", that database is wiped and migrated. The meeting is held through the services
(agenda from the ledger, notes, decisions and a role per case, end), its minutes drafted, then the
coordinator's complete copy and a school's numbered copy (most items 非共有) are built each round.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from bench.minutes_bare import build_bare, outline  # noqa: E402
from cases.ledger import registration  # noqa: E402
from cases.ledger.registration import CaseInput, ChildInput, GuardianInput  # noqa: E402
from cases.models import Child  # noqa: E402
from meetings import services  # noqa: E402
from meetings.agenda import packet, triage  # noqa: E402
from meetings.live import services as live  # noqa: E402
from meetings.minutes import services as minutes  # noqa: E402
from meetings.minutes import word as minutes_word  # noqa: E402
from meetings.models import Tier  # noqa: E402
from portal import create_app  # noqa: E402
from portal.dates import today_in_japan  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Agency, AgencyKind, Council, Role, User, UserRole  # noqa: E402
from portal.passwords import hash_password  # noqa: E402

TARGET_MEDIAN_MS = 1000  # a download of a 30-case meeting's minutes comes within a second
TARGET_RATIO = 1.5  # and within 1.5x of bare python-docx writing the same text


def _agency(name: str, kind: str, council: Council) -> Agency:
    """Add a member agency of a seeded kind."""
    found = db.session.scalar(sa.select(AgencyKind).where(AgencyKind.name == kind))
    agency = Agency(name=name, kind=found, councils=[council])
    db.session.add(agency)
    return agency


def _person(login_id: str, agency: Agency, role: Role) -> User:
    """Add a person."""
    user = User(login_id=login_id, name=login_id, agency=agency, password_hash=hash_password("Bench-Pw-2025"))
    user.role_rows = [UserRole(role=role.value)]
    db.session.add(user)
    return user


def build(cases: int):
    """Register `cases` households, hold a practitioner meeting on them, and draft its minutes."""
    council = Council(name="ベンチ市要保護児童対策地域協議会", municipality="ベンチ市")
    db.session.add(council)
    center = _agency("ベンチ市こども家庭センター", "こども家庭センター", council)
    schools = [_agency(f"ベンチ第{n}小学校", "小学校", council) for n in range(1, 4)]
    cgc = _agency("ベンチ児童相談所", "児童相談所", council)
    db.session.flush()
    council.coordinating_agency = center
    boss = _person("bench-coordinator", center, Role.COORDINATOR)
    db.session.commit()
    for n in range(cases):
        school = schools[n % len(schools)]
        registration.register_case(
            boss,
            CaseInput(
                council_id=council.id,
                category="protection",
                received_on=date(2025, 4, 1),
                abuse_types=["neglect"],
                risk_level=1 + n % 3,
                key_person="母",
                support_policy=f"<p>見守りを続ける（{n}）</p>",
                children=[ChildInput(f"ベンチ 太郎{n}", "", date(2015, 5, 5), "男", school.id, "4年")],
                guardians=[GuardianInput("mother", f"ベンチ 花子{n}")],
            ),
        )
    starts = datetime.combine(today_in_japan(), datetime.min.time(), tzinfo=services.JST) + timedelta(
        hours=10
    )
    meeting = services.schedule_meeting(
        boss,
        services.MeetingInput(
            council.id,
            Tier.PRACTITIONER.value,
            "定例",
            starts,
            150,
            "会議室",
            agency_ids=[s.id for s in schools] + [cgc.id],
        ),
    )
    triage.build_agenda(boss, meeting)
    live.start(boss, meeting)
    pupils = db.session.execute(sa.select(Child.case_id, Child.enrolled_agency_id))
    school_of_case = {case_id: school_id for case_id, school_id in pupils}
    for item in meeting.items:
        live.save_notes(boss, meeting, item.id, "<p>出席は安定。<b>家庭訪問</b>で様子を確認した。</p>" * 3, 0)
        live.record(boss, meeting, item.id, live.Decision("<p>見守りを継続し、月1回家庭訪問する。</p>"))
        # A role goes only to an agency that sees every case of the item: the child's own school.
        live.assign(boss, meeting, item.id, school_of_case[item.case_id], "担任", "毎朝の登校確認", None)
    for school in schools:
        services.respond(_person(f"bench-{school.id}", school, Role.AGENCY_MEMBER), meeting, "attending")
    live.end(boss, meeting)
    minutes.set_collect_handouts(boss, meeting, True)
    return boss, meeting, minutes.draft(boss, meeting), schools[0]


def _time(work, rounds: int) -> list[float]:
    """Return the milliseconds each round of `work` took."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main(argv: list[str] | None = None) -> None:
    """Build the meeting, time the exports beside bare python-docx, print the medians and the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="a small run for CI: 5 cases, 3 rounds")
    args = parser.parse_args(argv)
    if args.quick:
        args.cases, args.rounds = 5, 3
    url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="portal-bench-minutes-") as work:
        if url.startswith("postgres"):
            if "test" not in url.rsplit("/", 1)[-1]:
                raise SystemExit("DATABASE_URL must name a database whose name contains 'test'")
            url = url.replace("postgresql://", "postgresql+psycopg://", 1)
            engine = sa.create_engine(url)
            with engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
            engine.dispose()
        else:
            url = f"sqlite:///{work}/bench.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade()
            boss, meeting, version, school = build(args.cases)
            complete = minutes_word.copy_for(boss, meeting, None, True)
            numbered = minutes_word.copy_for(boss, meeting, school.id, True)
            content = minutes_word.build(version, complete)
            blocks = outline(content)
            kind = url.split(":", 1)[0]
            print(
                f"database: {kind}  {len(version.sections)} items, complete copy {len(content) // 1024} KiB"
            )
            print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; {args.rounds} rounds (ms)")
            jobs = [
                ("minutes, complete copy", lambda: minutes_word.build(version, complete)),
                ("bare python-docx, same text", lambda: build_bare(blocks)),
                ("minutes, a school's numbered copy", lambda: minutes_word.build(version, numbered)),
                (
                    "packet, complete copy",
                    lambda: packet.build(meeting, minutes_word.copy_for(boss, meeting, None, False)),
                ),
            ]
            medians = {}
            timed = _time_in_turns([job for _, job in jobs], args.rounds)
            for (label, _), times in zip(jobs, timed, strict=True):
                medians[label] = statistics.median(times)
                print(f"  {label:34} median {medians[label]:6.0f}  max {max(times):6.0f}")
    median, bare = medians["minutes, complete copy"], medians["bare python-docx, same text"]
    ratio = median / bare
    verdict = "met" if median <= TARGET_MEDIAN_MS and ratio <= TARGET_RATIO else "MISSED"
    print(f"targets (median <= {TARGET_MEDIAN_MS} ms, <= {TARGET_RATIO:g}x bare python-docx): {verdict}")
    print(f"result: minutes median_ms={median:.0f} ratio={ratio:.2f}")


def _time_in_turns(jobs, rounds: int) -> list[list[float]]:
    """Time each job once per round, in turns (a busy moment hits them alike); return ms per job."""
    times: list[list[float]] = [[] for _ in jobs]
    for _ in range(rounds):
        for job, spans in zip(jobs, times, strict=True):
            spans.extend(_time(job, 1))
    return times


if __name__ == "__main__":
    main()
