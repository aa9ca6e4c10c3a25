"""Demo intake and moves of みどり市: a neighbour's report waiting for its 48-hour check, and a family
moving to あおば町 whose high-risk transfer waits for the phone handover and あおば町's acceptance.

Made through the services as the coordinator 佐藤, like the other demo steps; times count back from
the moment of seeding, so the countdown is always running when the demo is opened.
"""

from datetime import timedelta

from sqlalchemy import select

from cases.intake import services as intake
from cases.intake.services import IntakeInput
from cases.ledger.registration import ChildInput, GuardianInput
from cases.models import Case, Child
from cases.moves import transfers
from demo.town import load_town
from portal.extensions import db
from portal.types import utcnow


def seed_moves() -> None:
    """Add the demo intake and the demo transfer."""
    town = load_town()
    sato = town.coordinator("midori")
    intake.receive(
        sato,
        IntakeInput(
            council_id=town.councils["midori"].id,
            received_at=utcnow() - timedelta(hours=20),
            channel="phone",
            heard="隣の家から夜遅くまで子どもの泣き声と大人の怒鳴り声が聞こえる。朝、男の子が一人で外にいた。",
            caller_anonymous=True,
            referral_route="neighbor",
            abuse_report=True,
            abuse_types=["psychological"],
            urgency_items=["unseen", "guardian_unstable"],
            children=[ChildInput("松田 陽太", "まつだ ようた", None, "男", town.agency_id("s1"), "2年")],
            guardians=[GuardianInput("mother", "松田 友美")],
        ),
    )
    case_id = db.session.scalar(select(Child.case_id).where(Child.name == "村上 樹"))
    transfers.start_transfer(
        sato,
        db.session.get(Case, case_id),
        to_council_id=town.councils["aoba"].id,
        destination_name="",
        move_on=town.ago(-14),
        reason="母の就職に伴い、あおば町の祖母宅へ転居予定。",
        risk_level=3,
    )
