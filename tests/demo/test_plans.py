"""The demo's plans and resources (SCENARIOS.md §5) come out of the real services and fill the board."""

from sqlalchemy import select

from cases import policy
from cases.models import Part
from cases.plans import board as plan_board
from cases.plans.models import LocalResource, SupportPlan
from demo import cases as demo
from demo import identity as portal_demo
from demo import plans as plan_demo
from portal.extensions import db
from portal.models import User


def person(login_id: str) -> User:
    """Return a demo person."""
    return db.session.scalar(select(User).where(User.login_id == login_id))


def test_the_demo_town_has_resources_and_plans_on_the_board(app):
    portal_demo.seed_identity()
    demo.seed_cases()
    plan_demo.seed_plans()
    assert db.session.query(LocalResource).count() == len(plan_demo.RESOURCES)
    board = plan_board.review_board(person("suzuki"))
    assert [p.subject for p in board.overdue] == ["山本 ゆい"]
    assert [p.subject for p in board.due] == ["世帯（妊婦本人など）"]
    assert board.without_plan, "most registered cases still wait for a plan"
    reviewed = db.session.scalar(select(SupportPlan).where(SupportPlan.current_number == 2))
    assert reviewed.subject == "坂本 蓮" and reviewed.current.evaluation
    # ゆい's plan is shared with her nursery by the mother's consent.
    yui_plan = board.overdue[0]
    nursery = policy.access_for(person("tanaka"), yui_plan.case)
    assert nursery.child_visible(Part.PLAN, yui_plan.child_id)
