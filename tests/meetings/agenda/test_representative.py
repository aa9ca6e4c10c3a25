"""The 代表者会議 takes no case: the agenda services refuse one however it is asked for, and its agenda
lists the year's figures as 会議資料 for those who may open them."""

import pytest

from meetings.agenda import services as agenda
from meetings.agenda import triage
from meetings.agenda.materials import materials_for
from meetings.models import ItemKind, Tier
from portal.refusals import Refusal
from tests.meetings.conftest import schedule


@pytest.mark.parametrize(
    "data",
    [
        {"kind": ItemKind.CASE_REVIEW.value, "title": "ケース"},
        {"kind": ItemKind.DISCUSSION.value, "title": "協議", "case": True},
        {"kind": ItemKind.REPORT.value, "title": "報告", "case": True},
    ],
    ids=["case review without a case", "discussion of a case", "report on a case"],
)
def test_a_case_is_refused_on_a_representative_agenda(town, data):
    meeting = schedule(town, Tier.REPRESENTATIVE)
    case_id = town.case.id if data.pop("case", False) else None
    with pytest.raises(Refusal, match="代表者会議ではケースを扱いません"):
        agenda.add_item(town.coordinator, meeting, agenda.ItemInput(case_id=case_id, **data))
    assert meeting.items == []


def test_the_ledger_agenda_is_refused_for_a_representative_meeting(town):
    meeting = schedule(town, Tier.REPRESENTATIVE)
    with pytest.raises(Refusal, match="代表者会議ではケースを扱いません"):
        triage.build_agenda(town.coordinator, meeting)
    assert meeting.items == []


def test_reports_and_discussions_still_go_on_a_representative_agenda(town):
    meeting = schedule(town, Tier.REPRESENTATIVE)
    agenda.add_item(town.coordinator, meeting, agenda.ItemInput(kind="report", title="年度の報告"))
    assert [i.title for i in meeting.items] == ["年度の報告"]


def test_the_year_s_figures_are_attached_to_a_representative_meeting(app, town, client, login):
    meeting = schedule(town, Tier.REPRESENTATIVE)
    with app.test_request_context():
        titles = [m.title for m in materials_for(town.coordinator, meeting)]
        assert len(titles) == 3 and all("年度の統計" in t for t in titles)
        assert materials_for(town.teacher, meeting) == []
        practitioner = schedule(town, Tier.PRACTITIONER)
        assert materials_for(town.coordinator, practitioner) == []
    login(town.coordinator)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'id="materials"' in page and "/figures/" in page
