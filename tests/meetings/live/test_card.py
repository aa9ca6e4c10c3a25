"""The current item's case card: what the policy gives each agency, 非共有 distinct from 未記録."""

from datetime import date, timedelta

from meetings.agenda import services as agenda
from meetings.live import payloads
from meetings.live import services as live
from meetings.models import ItemKind, Tier
from portal.dates import today_in_japan
from portal.extensions import db
from reports.assessments.models import AssessmentSheet
from tests.meetings.conftest import schedule


def card_of(user, meeting) -> dict[str, tuple[str, str]]:
    """Return the current item's card rows for this person: label -> (value, state)."""
    reader = payloads.Reader(user, meeting)
    current = next(i for i in meeting.items if i.id == meeting.current_item_id)
    [card] = reader.item(current)["cards"]
    return {row["label"]: (row["value"], row["state"]) for row in card["rows"]}


def test_each_agency_sees_the_card_the_policy_gives_it(town):
    town.haruto.consecutive_absent_days = 3
    db.session.add(
        AssessmentSheet(
            council_id=town.council.id,
            case_id=town.case.id,
            agency_id=town.school.id,
            assessed_on=date(2025, 9, 1),
            safety_scale=7,
        )
    )
    db.session.add(
        AssessmentSheet(
            council_id=town.council.id,
            case_id=town.case.id,
            agency_id=town.school.id,
            assessed_on=date(2025, 10, 1),
            safety_scale=4,
        )
    )
    db.session.commit()
    agencies = [town.school, town.nursery, town.cgc, town.hospital]
    meeting = schedule(town, Tier.INDIVIDUAL, agencies=agencies, case_id=town.case.id)
    live.start(town.coordinator, meeting)
    soon = today_in_japan() + timedelta(days=7)
    live.assign(town.coordinator, meeting, meeting.items[0].id, town.cgc.id, "伊藤", "家庭訪問", soon)

    school = card_of(town.teacher, meeting)
    assert school["登録区分"] == ("要保護児童", "shown") and school["リスク"] == ("高", "shown")
    assert school["援助方針（現在）"][1] in {"shown", "empty"}
    assert school["連続欠席（山本 はると）"] == ("3日", "shown")
    assert school["最新の定期報告（山本 はると）"] == ("未記録", "empty")
    assert school["セーフティスケール（みどり第一小学校）"][0].startswith("7→4")
    assert "低下" in school["セーフティスケール（みどり第一小学校）"][0]
    assert school["未完了の役割（県中央児童相談所）"][0].startswith("家庭訪問（伊藤）")
    assert not any("ゆい" in label for label in school), "the nursery's child is not the school's"

    nursery = card_of(town.nursery_head, meeting)
    assert "連続欠席（山本 ゆい）" in nursery and not any("はると" in label for label in nursery)
    assert "セーフティスケール（みどり第一小学校）" not in nursery, "an agency reads its own sheets"

    # The hospital is invited: the ledger, but the reports are not shared (非共有, not 未記録).
    hospital = card_of(town.doctor, meeting)
    assert hospital["リスク"] == ("高", "shown")
    assert hospital["最新の定期報告"] == ("非共有", "hidden")
    assert hospital["セーフティスケール"] == ("非共有", "hidden")
    assert not any("はると" in label or "ゆい" in label for label in hospital)

    # The coordinator reads every agency's sheet.
    assert "セーフティスケール（みどり第一小学校）" in card_of(town.coordinator, meeting)


def test_only_the_current_item_carries_a_card(town, hidden_case):

    meeting = schedule(town)
    for case in (town.case, hidden_case):
        agenda.add_item(
            town.coordinator, meeting, agenda.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 10, case.id)
        )
    live.start(town.coordinator, meeting)
    reader = payloads.Reader(town.teacher, meeting)
    first, second = reader.items(meeting.items)
    assert "cards" in first and "cards" not in second
    live.go_to(town.coordinator, meeting, meeting.items[1].id)
    hidden = payloads.Reader(town.teacher, meeting).item(meeting.items[1])
    assert hidden == {"id": meeting.items[1].id, "number": 2, "hidden": True, "label": "非共有"}
