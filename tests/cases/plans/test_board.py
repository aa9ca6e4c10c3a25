"""The review board around its date boundaries, what keeps a plan listed, and the caseworker's home page."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from cases.ledger import registration, services
from cases.models import CaseRead
from cases.plans import board as plan_board
from cases.plans import services as plans
from portal.audit import AuditEntry
from portal.dates import today_in_japan
from portal.extensions import db
from tests.cases.conftest import household_input
from tests.cases.plans.test_services import make_plan, plan_input

REVIEW_IN = 45  # days from today to the plan's review date


@pytest.mark.parametrize(
    ("board_day", "listed_in"),
    [
        (0, "due"),  # the review date is today
        (-1, "due"),  # tomorrow
        (-30, "due"),  # in 30 days: the last day the list covers
        (-31, None),  # in 31 days: not yet
        (1, "overdue"),  # yesterday
        (40, "overdue"),  # long past, still there
    ],
)
def test_due_and_overdue_lists_around_their_boundaries(town, board_day, listed_in):
    plan = make_plan(town, next_review_on=today_in_japan() + timedelta(days=REVIEW_IN))
    as_of = plan.next_review_on + timedelta(days=board_day)
    board = plan_board.review_board(town.coordinator, as_of)
    found = {name for name in ("due", "overdue") if plan.id in [p.id for p in getattr(board, name)]}
    assert found == ({listed_in} if listed_in else set())
    assert board.due_until == as_of + timedelta(days=30)


def test_an_overdue_plan_stays_listed_until_it_is_reviewed(town):
    plan = make_plan(town, next_review_on=today_in_japan() + timedelta(days=10))
    later = plan.next_review_on + timedelta(days=5)
    for _ in range(2):  # looking at the board does not clear anything
        assert [p.id for p in plan_board.review_board(town.coordinator, later).overdue] == [plan.id]
    plans.review_plan(
        town.coordinator,
        plan,
        plan_input(evaluation="面談で振り返った", next_review_on=today_in_japan() + timedelta(days=80)),
    )
    board = plan_board.review_board(town.coordinator, later)
    assert board.overdue == [] and [p.id for p in board.due] == []
    assert [p.id for p in plan_board.review_board(town.coordinator, later + timedelta(days=50)).due] == [
        plan.id
    ]


def test_closing_the_case_takes_its_plans_off_the_board(town):
    plan = make_plan(town, next_review_on=today_in_japan() + timedelta(days=10))
    later = plan.next_review_on + timedelta(days=1)
    assert [p.id for p in plan_board.review_board(town.coordinator, later).overdue] == [plan.id]
    services.close_case(town.coordinator, town.case, today_in_japan(), "improved")
    board = plan_board.review_board(town.coordinator, later)
    assert board.overdue == [] and board.without_plan == []


def test_registered_cases_without_a_plan_are_listed(town):
    intake = registration.register_case(town.coordinator, household_input(town, register_now=False))
    second = registration.register_case(town.coordinator, household_input(town))
    aoba_data = household_input(town, council_id=town.other_council.id)
    for child in aoba_data.children:
        child.enrolled_agency_id = None
    registration.register_case(town.other_coordinator, aoba_data)
    board = plan_board.review_board(town.facilitator)
    assert [c.id for c in board.without_plan] == [town.case.id, second.id]
    make_plan(town)
    board = plan_board.review_board(town.coordinator)
    assert [c.id for c in board.without_plan] == [second.id]
    assert intake.id not in [c.id for c in board.without_plan]


def test_the_board_is_for_the_coordinating_body_only_and_its_read_is_audited(town):
    plan = make_plan(town, next_review_on=today_in_japan() + timedelta(days=3))
    for person in (town.teacher, town.caseworker, town.center_nurse, town.admin, town.auditor):
        with pytest.raises(Forbidden):
            plan_board.review_board(person)
    other = plan_board.review_board(town.other_coordinator)
    assert other.due == [] and other.without_plan == []
    board = plan_board.review_board(town.coordinator)
    assert [p.id for p in board.due] == [plan.id]
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "plan.board_view", AuditEntry.actor_id == town.coordinator.id
        )
    )
    assert entry.detail_data == {"due": 1, "overdue": 0, "without_plan": 0}
    linked = db.session.scalars(select(CaseRead.case_id).where(CaseRead.audit_seq == entry.seq))
    assert list(linked) == [town.case.id]


def test_the_caseworker_sees_the_plans_review_dates_on_the_home_page(town, client, login):
    soon = today_in_japan() + timedelta(days=5)
    make_plan(town, next_review_on=soon)
    make_plan(town, child=town.haruto, next_review_on=today_in_japan() + timedelta(days=70))
    login(town.coordinator)
    page = client.get("/").get_data(as_text=True)
    panel = page.split('id="my-plan-reviews"')[1].split("</section>")[0]
    assert panel.count("<tr>") == 3  # header and two plans, soonest first
    assert panel.index("山本 ゆい") < panel.index("山本 はると")
    assert "見直し間近" in panel and town.case.case_number in panel
    assert "/cases/plans/review-board" in panel
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    login(town.facilitator)
    assert "担当しているサポートプランはありません" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("who", ["teacher", "nursery_head", "caseworker", "doctor"])
def test_agency_staff_get_no_review_panel_or_menu_link(town, client, login, who):
    make_plan(town)
    login(getattr(town, who))
    page = client.get("/").get_data(as_text=True)
    assert "my-plan-reviews" not in page and "プラン見直し" not in page
    assert client.get("/cases/plans/review-board").status_code == 403
