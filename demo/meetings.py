"""Demo meetings of みどり市 (SCENARIOS 3, 4): the 山本 household case meeting, practitioner meetings."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from cases.models import Case, Child
from meetings import services
from meetings.agenda import services as agenda
from meetings.agenda import triage
from meetings.models import Meeting, Tier
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Agency, Council, User


def _agency_ids(council: Council, *names: str) -> list[int]:
    """Return the ids of the council's member agencies with these names."""
    return [a.id for a in council.members if a.name in names]


def seed_meetings() -> None:
    """Schedule next week's meetings through the real services (once)."""
    sato = db.session.scalar(select(User).where(User.login_id == "sato"))
    if sato is None or db.session.scalar(select(Meeting.id).limit(1)) is not None:
        return
    council = next((c for c in sato.councils if c.coordinating_agency_id == sato.agency_id), None)
    if council is None:
        return
    day = today_in_japan() + timedelta(days=7)
    case = db.session.scalar(
        select(Case)
        .join(Child, Child.case_id == Case.id)
        .where(Case.council_id == council.id, Child.name.like("山本%"))
    )
    if case is not None:
        names = {a.name for a in db.session.scalars(select(Agency))}
        invited = _agency_ids(
            council, *[n for n in names if "小学校" in n or "保育園" in n or "児童相談所" in n]
        )
        services.schedule_meeting(
            sato,
            services.MeetingInput(
                council_id=council.id,
                tier=Tier.INDIVIDUAL.value,
                title="山本さん世帯の個別ケース検討",
                starts_at=datetime.combine(day, time(14, 0), tzinfo=services.JST),
                minutes_planned=60,
                place="みどり市役所 3階 会議室A",
                case_id=case.id,
                agency_ids=invited,
            ),
        )
    practitioner = services.schedule_meeting(
        sato,
        services.MeetingInput(
            council_id=council.id,
            tier=Tier.PRACTITIONER.value,
            title=f"{day.month}月の実務者会議",
            starts_at=datetime.combine(day + timedelta(days=1), time(10, 0), tzinfo=services.JST),
            minutes_planned=150,
            place="みどり市役所 大会議室",
            agency_ids=[a.id for a in council.members],
        ),
    )
    agenda.add_item(
        sato, practitioner, agenda.ItemInput("report", "前回会議以降の新規登録・終結の報告", "佐藤", 10)
    )
    triage.build_agenda(sato, practitioner)
    _seed_section_meeting(sato, council, day + timedelta(days=14))


def _seed_section_meeting(sato: User, council: Council, day) -> None:
    """Schedule a meeting of the council's first 部会 (乳幼児部会), its agenda built from its cases."""
    if not council.section_names:
        return
    section = council.section_names[0]
    words = ("保育", "こども園", "保健", "病院", "児童相談所", "こども家庭センター")
    invited = [a.id for a in council.members if any(word in a.name for word in words)]
    meeting = services.schedule_meeting(
        sato,
        services.MeetingInput(
            council_id=council.id,
            tier=Tier.PRACTITIONER.value,
            title=f"{day.month}月の{section}",
            starts_at=datetime.combine(day, time(14, 0), tzinfo=services.JST),
            minutes_planned=90,
            place="みどり市保健センター 2階 研修室",
            section=section,
            agency_ids=invited,
        ),
    )
    triage.build_agenda(sato, meeting)
