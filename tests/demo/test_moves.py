"""The demo's intake and transfer: what 佐藤 and 山田 find when they open the demo."""

from sqlalchemy import select

from cases import policy
from cases.intake import safety
from cases.moves import queries
from demo.cases import seed_cases
from demo.identity import seed_identity
from demo.moves import seed_moves
from portal.extensions import db
from portal.models import User
from tests.conftest import world_fixture


def seed_town() -> None:
    """Seed the people, the cases, then the intake and the transfer."""
    seed_identity()
    seed_cases()
    seed_moves()


seeded_file, seeded = world_fixture(seed_town, "seeded")


def person(login_id: str) -> User:
    """Return a demo person."""
    return db.session.scalar(select(User).where(User.login_id == login_id))


def test_sato_sees_the_report_counting_down_and_the_transfer_waiting(seeded):
    sato = person("sato")
    lines = safety.open_checks(sato)
    assert [line.record.case.children[0].name for line in lines] == ["松田 陽太"]
    assert 20 <= lines[0].hours_left <= 28 and not lines[0].overdue
    pending = [t for t in queries.outgoing_for(sato) if t.status == "pending"]
    assert [t.case.children[0].name for t in pending] == ["村上 樹"]
    assert pending[0].high_risk and not pending[0].handed_over


def test_yamada_sees_the_notice_but_not_the_case(seeded):
    yamada = person("yamada")
    notices = queries.notices_for(yamada)
    assert len(notices) == 1
    assert not policy.access_for(yamada, notices[0].case).any
    assert safety.open_checks(yamada) == []
