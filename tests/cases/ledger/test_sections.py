"""部会: the council's list in its settings, each case's 部会 on the ledger, and the ledger's filter."""

import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from cases.ledger import registration, services
from cases.ledger.registration import CaseInput, ChildInput
from cases.models import Case, CaseChange, Part
from cases.sharing import consents
from portal.audit import AuditEntry
from portal.extensions import db
from portal.refusals import Refusal
from tests.agencies.councils.test_councils import council_form
from tests.cases.conftest import text
from tests.factories import CouncilFactory

BABIES, SCHOOL = "乳幼児部会", "児童生徒部会"


def audit_rows(action: str) -> list[AuditEntry]:
    """Return the audit rows of an action, oldest first."""
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
    return list(db.session.scalars(query))


def split(town, *names: str) -> None:
    """Give the town's council its 部会 (as the administrator's settings page stores them)."""
    town.council.sections = "\n".join(names or (BABIES, SCHOOL))
    db.session.commit()


def one_child_case(town, name: str, agency, section: str = "") -> Case:
    """Register a one-child case of the town's council, filed under a 部会."""
    data = CaseInput(
        council_id=town.council.id,
        category="support",
        received_on=date(2025, 6, 1),
        section=section,
        children=[ChildInput(name, "", date(2016, 5, 5), "", agency.id, "")],
    )
    return registration.register_case(town.coordinator, data)


def ledger_rows(response) -> str:
    """Return the ledger table of a page (empty when no case is listed)."""
    page = text(response)
    return page.split('<table class="list ledger">')[1].split("</table>")[0] if "list ledger" in page else ""


# The council's settings (system administrators)


def test_the_administrator_enters_the_sections_and_the_change_is_audited(town, browser):
    admin = browser(town.admin)
    typed = f"  {BABIES}\r\n\r\n{SCHOOL}　\r\n"
    response = admin.submit(
        f"/admin/councils/{town.council.id}",
        council_form(town.council, sections=typed),
        follow_redirects=True,
    )
    assert "を保存しました。" in text(response)
    assert f"{BABIES}、{SCHOOL}" in text(response), "the council list shows the 部会"
    db.session.refresh(town.council)
    assert town.council.section_names == [BABIES, SCHOOL]
    assert town.council.sections == f"{BABIES}\n{SCHOOL}", "blank lines and spaces are dropped"
    [entry] = audit_rows("admin.council_update")
    assert entry.actor_id == town.admin.id
    assert entry.detail_data == {"sections": ["", f"{BABIES}\n{SCHOOL}"]}
    page = text(admin.get(f"/admin/councils/{town.council.id}"))
    assert "部会（1行に1つ）" in page and f"{BABIES}\n{SCHOOL}</textarea>" in page
    # Saving the page again as shown changes nothing.
    admin.submit(
        f"/admin/councils/{town.council.id}", council_form(town.council, sections=f"{BABIES}\r\n{SCHOOL}")
    )
    assert len(audit_rows("admin.council_update")) == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("あ" * 41, "40文字以内で入力してください。"),
        (f"{BABIES}\n{SCHOOL}\n{BABIES}", f"部会「{BABIES}」が2回以上入力されています。"),
        ("\n".join(f"第{n}部会" for n in range(1, 22)), "部会は20までにしてください（21入力されています）。"),
        ("-", "「-」は部会の名前に使えません。"),
    ],
)
def test_a_bad_section_list_is_refused_in_japanese_and_nothing_is_saved(town, browser, typed, message):
    response = browser(town.admin).submit(
        f"/admin/councils/{town.council.id}", council_form(town.council, sections=typed)
    )
    page = text(response)
    assert response.status_code == 200 and "入力内容に誤りがあります" in page
    assert message in page
    db.session.refresh(town.council)
    assert town.council.sections == ""
    assert audit_rows("admin.council_update") == []


def test_twenty_sections_of_forty_characters_are_accepted(town, browser):
    names = [f"{n:02d}" + "部" * 38 for n in range(20)]
    browser(town.admin).submit(
        f"/admin/councils/{town.council.id}", council_form(town.council, sections="\n".join(names))
    )
    db.session.refresh(town.council)
    assert town.council.section_names == names


def test_a_section_that_open_cases_use_is_not_removed_nor_renamed(town, browser):
    split(town)
    for name in ("一 いち", "二 に"):
        one_child_case(town, name, town.school, section=BABIES)
    admin = browser(town.admin)
    for typed in (SCHOOL, f"乳児部会\n{SCHOOL}"):
        page = text(
            admin.submit(f"/admin/councils/{town.council.id}", council_form(town.council, sections=typed))
        )
        assert f"部会「{BABIES}」は2件のケースに設定されているため、削除（名称の変更）できません。" in page
        assert "先にそのケースの部会を変更してください。" in page
    db.session.refresh(town.council)
    assert town.council.section_names == [BABIES, SCHOOL]
    assert audit_rows("admin.council_update") == []
    # A 部会 no open case uses goes; adding one and reordering is fine.
    admin.submit(
        f"/admin/councils/{town.council.id}", council_form(town.council, sections=f"若者部会\n{BABIES}")
    )
    db.session.refresh(town.council)
    assert town.council.section_names == ["若者部会", BABIES]


def test_closed_cases_do_not_keep_a_section(town, browser):
    split(town)
    case = one_child_case(town, "終 おわり", town.school, section=SCHOOL)
    services.close_case(town.coordinator, case, date(2025, 7, 1), "improved")
    browser(town.admin).submit(
        f"/admin/councils/{town.council.id}", council_form(town.council, sections=BABIES)
    )
    db.session.refresh(town.council)
    assert town.council.section_names == [BABIES]
    assert case.section == SCHOOL, "the closed case keeps what it was filed under"


def test_another_councils_cases_do_not_keep_a_section(town, browser):
    other = CouncilFactory(sections=BABIES)
    split(town, BABIES)
    one_child_case(town, "町 まち", town.school, section=BABIES)
    browser(town.admin).submit(f"/admin/councils/{other.id}", council_form(other, sections=""))
    db.session.refresh(other)
    assert other.section_names == []


# A case's 部会


def test_the_coordinator_registers_a_case_in_a_section(town, browser):
    from tests.cases.ledger.test_views import household_form

    split(town)
    sato = browser(town.coordinator)
    page = text(sato.get("/cases/new"))
    assert f'<option value="{BABIES}">{BABIES}</option>' in page and "（未設定）" in page
    response = sato.submit("/cases/new", household_form(town, section=SCHOOL), follow_redirects=True)
    assert "ケースを登録しました" in text(response)
    case = db.session.scalar(select(Case).order_by(Case.id.desc()))
    assert case.section == SCHOOL
    assert json.loads(audit_rows("case.create")[-1].detail)["section"] == SCHOOL


def test_the_section_field_is_not_offered_when_the_council_has_none(town, browser):
    sato = browser(town.coordinator)
    assert 'name="section"' not in text(sato.get("/cases/new"))
    assert 'name="section"' not in text(sato.get(f"/cases/{town.case.id}/edit"))
    assert "<dt>部会</dt>" not in text(sato.get(f"/cases/{town.case.id}"))


def test_a_section_not_in_the_council_list_is_refused_and_nothing_is_saved(town, browser):
    from tests.cases.ledger.test_views import edit_form, household_form

    split(town)
    sato = browser(town.coordinator)
    cases_before = db.session.scalar(select(func.count()).select_from(Case))
    page = text(sato.submit("/cases/new", household_form(town, section="若者部会")))
    assert "選択肢が正しくありません。" in page
    assert db.session.scalar(select(func.count()).select_from(Case)) == cases_before
    version = town.case.version
    page = text(sato.submit(f"/cases/{town.case.id}/edit", edit_form(town.case, section="若者部会")))
    assert "選択肢が正しくありません。" in page
    db.session.refresh(town.case)
    assert town.case.section == "" and town.case.version == version
    assert db.session.scalar(select(func.count()).where(CaseChange.field == "section")) == 0
    assert audit_rows("case.update") == []


def test_the_services_refuse_a_section_of_another_council(town):
    split(town)
    with pytest.raises(Refusal, match="部会は協議会の設定にあるものから選んでください。"):
        one_child_case(town, "他 ほか", town.school, section="若者部会")
    with pytest.raises(Refusal, match="部会は協議会の設定にあるものから選んでください。"):
        services.update_case(town.coordinator, town.case, {"section": "若者部会"}, town.case.version)
    db.session.rollback()
    assert town.case.section == ""


def test_a_change_of_section_is_in_the_history_and_audited(town, browser):
    from tests.cases.ledger.test_views import edit_form

    split(town)
    ito = browser(town.caseworker)
    page = text(ito.get(f"/cases/{town.case.id}/edit"))
    assert f'<option value="{SCHOOL}">{SCHOOL}</option>' in page
    response = ito.submit(
        f"/cases/{town.case.id}/edit", edit_form(town.case, section=SCHOOL), follow_redirects=True
    )
    assert "台帳を更新しました。" in text(response)
    assert f"<dt>部会</dt><dd>{SCHOOL}</dd>" in text(response)
    [change] = db.session.scalars(select(CaseChange).where(CaseChange.field == "section"))
    assert (change.before, change.after, change.user_id) == ("", SCHOOL, town.caseworker.id)
    assert json.loads(audit_rows("case.update")[-1].detail)["fields"] == ["section"]
    history = text(browser(town.coordinator).get(f"/cases/{town.case.id}/history"))
    row = history.split("<tbody>")[1].split("</tr>")[0]
    assert "<td>部会</td>" in row and f"<td>{SCHOOL}</td>" in row
    # Back to none.
    services.update_case(town.coordinator, town.case, {"section": ""}, town.case.version)
    assert "<dt>部会</dt><dd>（未設定）</dd>" in text(ito.get(f"/cases/{town.case.id}"))


def test_the_section_shows_only_with_the_ledger_part(town, browser):
    split(town)
    services.update_case(town.coordinator, town.case, {"section": SCHOOL}, town.case.version)
    consents.record_consent(
        town.coordinator,
        town.case,
        given_by_name="山本 亜紀",
        given_by_relation="mother",
        given_on=date(2025, 6, 3),
        agency_ids=[town.hospital.id],
        parts=[Part.BASIC],
    )
    doctor_page = text(browser(town.doctor).get(f"/cases/{town.case.id}"))
    assert "山本 はると" in doctor_page, "the hospital sees the basic part"
    assert SCHOOL not in doctor_page and "<dt>部会</dt>" not in doctor_page
    assert f"<dt>部会</dt><dd>{SCHOOL}</dd>" in text(browser(town.teacher).get(f"/cases/{town.case.id}"))


# The ledger


@pytest.fixture
def filed(town):
    """The 山本 case in 児童生徒部会, two more cases of the first school and one of the second school."""
    split(town)
    services.update_case(town.coordinator, town.case, {"section": SCHOOL}, town.case.version)
    return {
        "baby": one_child_case(town, "赤 あか", town.school, section=BABIES),
        "none": one_child_case(town, "無 なし", town.school),
        "other": one_child_case(town, "他 ほか", town.other_school, section=SCHOOL),
    }


def test_the_ledger_shows_the_section_column_and_filters_by_it(town, filed, browser):
    sato = browser(town.coordinator)
    page = text(sato.get("/cases/"))
    assert ">部会</a>" in page and 'name="section"' in page
    assert '<option value="-">（未設定）</option>' in page
    assert f">{BABIES}</td>" in ledger_rows(sato.get("/cases/"))
    school = ledger_rows(sato.get("/cases/", query_string={"section": SCHOOL}))
    assert "山本 はると" in school and "他 ほか" in school
    assert "赤 あか" not in school and "無 なし" not in school
    unset = ledger_rows(sato.get("/cases/", query_string={"section": "-"}))
    assert "無 なし" in unset and "山本 はると" not in unset and "赤 あか" not in unset
    sorted_page = ledger_rows(sato.get("/cases/", query_string={"sort": "section"}))
    assert sorted_page.index("無 なし") < min(sorted_page.index("赤 あか"), sorted_page.index("山本 はると"))
    entry = audit_rows("ledger.list")[-1]
    assert entry.detail_data["filters"]["sort"] == "section"


def test_the_ledger_has_no_section_column_when_the_council_has_none(town, browser):
    page = text(browser(town.coordinator).get("/cases/"))
    assert ">部会</a>" not in page and 'name="section"' not in page


def test_an_unknown_section_filter_is_dropped_with_a_message(town, filed, browser):
    page = text(browser(town.coordinator).get("/cases/", query_string={"section": "若者部会"}))
    assert "「部会」の指定が正しくないため、この条件を外して表示しています。" in page
    assert "赤 あか" in page and "山本 はると" in page


@pytest.mark.parametrize(
    ("section", "shown"),
    [
        (SCHOOL, {"山本 はると"}),
        (BABIES, {"赤 あか"}),
        ("-", {"無 なし"}),
        ("", {"山本 はると", "赤 あか", "無 なし"}),
    ],
)
def test_the_section_filter_never_widens_what_a_school_sees(town, filed, browser, section, shown):
    teacher = browser(town.teacher)
    rows = ledger_rows(teacher.get("/cases/", query_string={"section": section}))
    names = {"山本 はると", "赤 あか", "無 なし", "他 ほか"}
    assert {name for name in names if name in rows} == shown
    assert "他 ほか" not in text(teacher.get("/cases/export.csv", query_string={"section": section}))


def test_exports_carry_the_section_and_keep_the_filter(town, filed, browser):
    sato = browser(town.coordinator)
    response = sato.get("/cases/export.csv", query_string={"section": SCHOOL})
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))
    assert "部会" in rows[0]
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert {r["部会"] for r in records} == {SCHOOL} and len(records) == 2
    entry = audit_rows("ledger.export")[-1]
    assert entry.detail_data["filters"]["section"] == SCHOOL and entry.detail_data["rows"] == 2
    from openpyxl import load_workbook

    workbook = sato.get("/cases/export.xlsx", query_string={"section": "-"})
    sheet = load_workbook(io.BytesIO(workbook.get_data()), read_only=True).active
    header, *lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    lines = [line + [None] * (len(header) - len(line)) for line in lines]  # empty cells at the end are absent
    column = header.index("部会")
    assert len(lines) == 1 and lines[0][column] in (None, "")
