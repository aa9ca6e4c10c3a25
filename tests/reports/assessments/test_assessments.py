"""Assessment sheets: who fills and reads which sheets, the merged view, the scale over time, triage."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cases.models import Status
from meetings.agenda import triage
from portal.audit import AuditEntry
from portal.dates import today_in_japan
from portal.extensions import db
from portal.refusals import Refusal
from reports.assessments import services as assessments
from reports.assessments.models import AssessmentSheet, AssessmentSign
from tests.meetings.conftest import schedule


def sign_id(label: str) -> int:
    """Return the id of a seeded sign."""
    return db.session.scalar(select(AssessmentSign.id).where(AssessmentSign.label == label))


def sheet_form(scale="6", signs=(), recent="家庭訪問で本人と面談した", **extra) -> dict:
    """Return a filled-in sheet as form fields."""
    data = {
        "assessed_on": extra.pop("assessed_on", today_in_japan().isoformat()),
        "recent_actions": recent,
        "safety_scale": str(scale),
        "comment": extra.pop("comment", ""),
        "signs": [str(sign_id(s)) for s in signs],
    }
    data.update(extra)
    return data


def add_sheet(user, case, scale: int, days_ago: int = 0, signs=()) -> AssessmentSheet:
    """Write a sheet through the service."""
    data = assessments.SheetInput(
        today_in_japan() - timedelta(days=days_ago), [sign_id(s) for s in signs], "面談", scale, ""
    )
    return assessments.submit_sheet(user, case, data)


# person -> the status of the case's new-sheet page (404: the case is not there for them)
FILL_TABLE = {
    "teacher": 200,
    "nursery_head": 200,
    "coordinator": 200,
    "facilitator": 200,
    "other_teacher": 404,
    "doctor": 404,
    "admin": 404,
    "auditor": 404,
    "other_coordinator": 404,
}


@pytest.mark.parametrize(("who", "status"), FILL_TABLE.items())
def test_who_may_fill_a_sheet(town, client, login, who, status):
    user = getattr(town, who)
    login(user)
    url = f"/reports/assessments/case/{town.case.id}"
    assert client.get(f"{url}/new").status_code == status
    assert client.get(url).status_code == status
    listed = town.case in assessments.assessable_cases(user)
    assert listed == (status == 200)
    response = client.submit(f"{url}/new", sheet_form())
    assert response.status_code == (302 if status == 200 else 404)
    count = len(db.session.scalars(select(AssessmentSheet)).all())
    assert count == (1 if status == 200 else 0)


def test_the_index_lists_only_visible_cases(town, client, login):
    login(town.teacher)
    page = client.get("/reports/assessments").get_data(as_text=True)
    assert town.case.case_number in page and "山本 はると" in page
    client.submit("/logout")
    login(town.other_teacher)
    page = client.get("/reports/assessments").get_data(as_text=True)
    assert town.case.case_number not in page and "記入できるケースはありません" in page


def test_a_sheet_is_cleaned_and_audited(town, client, login):
    login(town.teacher)
    form = sheet_form(
        scale=5,
        signs=["衣服や体の汚れ", "欠席・遅刻の増加"],
        recent="<script>alert(1)</script>担任が<b>面談</b>",
        comment='<a href="javascript:x">x</a>心配',
    )
    response = client.submit(f"/reports/assessments/case/{town.case.id}/new", form)
    assert response.status_code == 302
    sheet = db.session.scalar(select(AssessmentSheet))
    assert "<script>" not in sheet.recent_actions and "面談" in sheet.recent_actions
    assert "javascript" not in sheet.comment
    assert sheet.agency_id == town.school.id and sheet.safety_scale == 5
    assert [s.label for s in sheet.signs] == ["衣服や体の汚れ", "欠席・遅刻の増加"]
    client.get(f"/reports/assessments/case/{town.case.id}")
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("assessment.%"))
    ).all()
    assert actions == ["assessment.submit", "assessment.view"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"safety_scale": ""}, "セーフティスケールを選んでください。"),
        ({"safety_scale": "11"}, "セーフティスケール"),
        ({"recent_actions": ""}, "最近の対応を入力してください。"),
        ({"assessed_on": "tomorrow"}, "未来の日付は入力できません。"),
        ({"assessed_on": ""}, "記入日を入力してください。"),
        ({"signs": ["99999"]}, "選べない項目がチェックされています。"),
        ({"comment": "あ" * 4001}, "4000文字以内で入力してください。"),
    ],
)
def test_a_refused_sheet_says_why_in_japanese(town, client, login, change, message):
    login(town.teacher)
    form = {**sheet_form(), **change}
    if form["assessed_on"] == "tomorrow":
        # Computed when the test runs (not when it is collected), so a run across midnight holds.
        form["assessed_on"] = (today_in_japan() + timedelta(days=1)).isoformat()
    response = client.submit(f"/reports/assessments/case/{town.case.id}/new", form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(AssessmentSheet)) is None


def test_a_retired_sign_is_not_offered_or_accepted(town, client, login):
    sign = db.session.get(AssessmentSign, sign_id("繰り返すけが"))
    sign.active = False
    db.session.commit()
    login(town.teacher)
    assert "繰り返すけが" not in client.get(f"/reports/assessments/case/{town.case.id}/new").get_data(
        as_text=True
    )
    response = client.submit(
        f"/reports/assessments/case/{town.case.id}/new", sheet_form(signs=["繰り返すけが"])
    )
    assert response.status_code == 422


def test_a_closed_case_takes_no_new_sheets(town, client, login):
    town.case.status = Status.CLOSED.value
    db.session.commit()
    login(town.coordinator)
    assert client.get(f"/reports/assessments/case/{town.case.id}/new").status_code == 403
    with pytest.raises(Refusal):
        add_sheet(town.coordinator, town.case, 5)


def test_agencies_see_their_own_sheets_and_the_coordinator_sees_them_merged(town, client, login):
    add_sheet(town.teacher, town.case, 7, days_ago=30, signs=["欠席・遅刻の増加"])
    add_sheet(town.teacher, town.case, 6, days_ago=2, signs=["欠席・遅刻の増加", "衣服や体の汚れ"])
    add_sheet(town.nursery_head, town.case, 8, days_ago=1, signs=["衣服や体の汚れ"])
    login(town.teacher)
    page = client.get(f"/reports/assessments/case/{town.case.id}").get_data(as_text=True)
    assert "みどり第一小学校" in page and "ひかり保育園" not in page
    client.submit("/logout")
    login(town.coordinator)
    view = assessments.read_case_sheets(town.coordinator, town.case)
    assert view.merged and [s.safety_scale for s in view.latest] == [8, 6]  # one column per agency
    assert [(sign.label, n) for sign, n in view.sign_counts] == [
        ("衣服や体の汚れ", 2),
        ("欠席・遅刻の増加", 1),
    ]
    assert [s.safety_scale for s in view.scales["みどり第一小学校"]] == [7, 6]
    page = client.get(f"/reports/assessments/case/{town.case.id}").get_data(as_text=True)
    assert "みどり第一小学校" in page and "ひかり保育園" in page
    assert "衣服や体の汚れ: 2機関" in page and "セーフティスケールの推移" in page
    assert 'aria-label="7 / 10"' in page and 'aria-label="6 / 10"' in page


def test_the_other_councils_coordinator_gets_404(town, client, login):
    add_sheet(town.teacher, town.case, 3)
    login(town.other_coordinator)
    assert client.get(f"/reports/assessments/case/{town.case.id}").status_code == 404


@pytest.mark.parametrize(
    ("scales", "falling"),
    [
        ([], False),
        ([5], False),
        ([3], True),
        ([8, 6], True),
        ([8, 7], False),
        ([4, 4], False),
        ([2, 6], False),
    ],
)
def test_what_counts_as_a_falling_scale(scales, falling):
    assert assessments.is_falling(scales) is falling


def test_the_falling_scale_of_one_agency_flags_the_case(town, client, login):
    add_sheet(town.teacher, town.case, 8, days_ago=20)
    add_sheet(town.nursery_head, town.case, 6, days_ago=10)
    assert assessments.falling_scale_cases([town.case.id]) == set()
    add_sheet(town.teacher, town.case, 6, days_ago=1)  # 8 -> 6 at the school
    assert assessments.falling_scale_cases([town.case.id]) == {town.case.id}
    assert (
        assessments.falling_scale_cases([town.case.id], since=today_in_japan()) == set()
    )  # nothing newer than the window
    login(town.coordinator)
    assert "低下・要協議" in client.get(f"/reports/assessments/case/{town.case.id}").get_data(as_text=True)


@pytest.mark.parametrize(("first", "latest", "discussed"), [(8, 6, True), (5, 4, False), (5, 3, True)])
def test_a_falling_scale_is_a_triage_reason(town, first, latest, discussed):
    # Keep the household free of the other reasons: reported on recently.
    for child in town.case.children:
        child.last_reported_on = today_in_japan()
    town.case.next_review_on = today_in_japan() + timedelta(days=30)
    db.session.commit()
    add_sheet(town.teacher, town.case, first, days_ago=40)
    add_sheet(town.teacher, town.case, latest, days_ago=3)
    meeting = schedule(town)
    triage.build_agenda(town.coordinator, meeting)
    item = next(i for i in meeting.items if i.case_id == town.case.id)
    assert ("scale_down" in item.reason_codes) is discussed
    if discussed:
        assert "セーフティスケールの低下" in triage.reason_labels(item)
