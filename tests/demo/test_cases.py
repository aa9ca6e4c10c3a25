"""The demo town's cases: the ledger a visitor finds, and what each demo account sees."""

from collections import Counter

from sqlalchemy import func, select

from cases import policy
from cases.models import Case, CaseAbuseType, Child, Guardian, Part, Status
from cases.notes.models import CaseNote
from cases.sharing.models import AccessGrant, Consent, Involvement, InvolvementKind
from demo.cases import seed_cases
from demo.identity import DEMO_PASSWORD, seed_identity
from demo.town import COUNCILS
from portal.audit import AuditEntry
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Agency, Council, User
from tests.conftest import world_fixture

# (council, status, category) -> cases: SCENARIOS.md's 24 active cases of みどり市, and the rest.
EXPECTED_LEDGER = {
    ("みどり市", "registered", "protection"): 12,
    ("みどり市", "registered", "support"): 8,
    ("みどり市", "registered", "pregnant"): 4,
    ("みどり市", "intake", "protection"): 2,
    ("みどり市", "intake", "support"): 1,
    ("みどり市", "intake", "pregnant"): 1,
    ("みどり市", "closed", "protection"): 3,
    ("みどり市", "closed", "support"): 1,
    ("みどり市", "closed", "pregnant"): 1,
    ("あおば町", "registered", "protection"): 2,
    ("あおば町", "intake", "support"): 1,
}


def seed_town() -> None:
    """Seed the demo town: people and agencies first, then the cases."""
    seed_identity()
    seed_cases()


seeded_file, seeded = world_fixture(seed_town, "seeded")


def person(login_id: str) -> User:
    """Return a demo person."""
    return db.session.scalar(select(User).where(User.login_id == login_id))


def agency(name: str) -> Agency:
    """Return a demo agency."""
    return db.session.scalar(select(Agency).where(Agency.name == name))


def case_of(name: str) -> Case:
    """Return the case of a household by a child's or guardian's name."""
    found = db.session.scalar(select(Child.case_id).where(Child.name == name)) or db.session.scalar(
        select(Guardian.case_id).where(Guardian.name == name)
    )
    return db.session.get(Case, found)


def visible(login_id: str) -> set[int]:
    """Return the ids of the cases a demo person sees, through the one policy."""
    return {c.id for c in db.session.scalars(policy.visible_cases(person(login_id)))}


def counts() -> dict[str, int]:
    """Count the rows a seeding would add."""
    tables = (Case, Child, Involvement, AccessGrant, Consent, CaseNote, AuditEntry, User)
    return {t.__name__: db.session.scalar(select(func.count()).select_from(t)) for t in tables}


def test_ledger_has_every_category_status_abuse_type_and_involvement(seeded):
    rows = db.session.execute(
        select(Council.municipality, Case.status, Case.category).join(Council, Council.id == Case.council_id)
    )
    assert Counter(tuple(r) for r in rows) == EXPECTED_LEDGER
    abuse = set(db.session.scalars(select(CaseAbuseType.code)))
    assert abuse == {"physical", "sexual", "psychological", "neglect"}
    kinds = set(db.session.scalars(select(Involvement.kind)))
    assert kinds == {k.value for k in InvolvementKind}
    assert db.session.scalar(select(func.count()).where(Involvement.ended_on.is_not(None))) >= 1
    today = today_in_japan()
    overdue = db.session.scalars(
        select(Case).where(Case.next_review_on < today, Case.status == Status.REGISTERED.value)
    ).all()
    # みどり市's two for its practitioner meeting (SCENARIOS.md 4), and one of あおば町.
    # A 特定妊婦 case is named by the pregnant woman, its subject (where a child would stand).
    named = {c.children[0].name if c.category == "pregnant" else c.guardians[0].name for c in overdue}
    assert named == {"坂本 由香", "菊池 友美", "宮本 崇"}
    # Case numbers follow the receipt dates within each fiscal year.
    midori = db.session.scalars(
        select(Case).join(Council, Council.id == Case.council_id).where(Council.municipality == "みどり市")
    ).all()
    by_number = sorted(midori, key=lambda c: c.case_number)
    assert [c.received_on for c in by_number] == sorted(c.received_on for c in midori)


def test_each_demo_account_sees_its_own_set(seeded):
    school = agency("みどり第一小学校")
    own_children = set(
        db.session.scalars(
            select(Case.id)
            .join(Child, Child.case_id == Case.id)
            .where(Child.enrolled_agency_id == school.id, Case.status == Status.REGISTERED.value)
        )
    )
    assert visible("takahashi") == own_children
    assert len(own_children) == 6
    # The school has children in a received and a closed case too; neither shows.
    assert case_of("工藤 湊").id not in own_children and case_of("遠藤 颯太").id not in own_children

    midori_all = set(
        db.session.scalars(select(Case.id).join(Council).where(Council.municipality == "みどり市"))
    )
    assert visible("sato") == midori_all and len(midori_all) == 33
    # The 児童相談所 reads the registered abuse cases of both its councils.
    abuse_cases = set(
        db.session.scalars(
            select(Case.id).where(
                Case.status == Status.REGISTERED.value, Case.id.in_(select(CaseAbuseType.case_id))
            )
        )
    )
    assert visible("ito") == abuse_cases and len(abuse_cases) == 14
    assert case_of("小倉 陽太").id in visible("ito")
    assert case_of("金子 颯").id in visible("tanaka")  # through the mother's consent
    # The README's line for each account.
    sizes = {"tanaka": 6, "kimura": 7, "ogawa": 5, "nakamura": 4, "watanabe": 2, "yamada": 3, "morita": 4}
    assert {login: len(visible(login)) for login in sizes} == sizes
    sets = {login: frozenset(visible(login)) for login in ("sato", "takahashi", "tanaka", "ito", "kimura")}
    assert len(set(sets.values())) == len(sets)
    assert visible("admin") == set() and visible("auditor") == set()


def test_child_scoped_grants_in_a_household_with_two_schools(seeded):
    case = case_of("坂本 蓮")
    ren, mei = (next(c for c in case.children if c.name == name) for name in ("坂本 蓮", "坂本 芽依"))
    teacher = policy.access_for(person("takahashi"), case)
    assert teacher.child_visible(Part.NOTES, ren.id) and not teacher.child_visible(Part.NOTES, mei.id)
    assert not teacher.whole(Part.BASIC)
    junior_high = policy.access_for(person("newcomer"), case)
    assert junior_high.child_visible(Part.BASIC, mei.id) and not junior_high.child_visible(Part.BASIC, ren.id)


def test_withdrawn_and_expired_consents_give_no_access(seeded):
    nurse = person("ogawa")
    withdrawn = case_of("井上 智子")
    consent = db.session.scalar(select(Consent).where(Consent.case_id == withdrawn.id))
    assert consent.withdrawn_at is not None
    expired = case_of("石川 明日香")
    old = db.session.scalar(select(Consent).where(Consent.case_id == expired.id))
    assert old.withdrawn_at is None and old.valid_until < today_in_japan()
    for case in (withdrawn, expired):
        assert not policy.access_for(nurse, case).any
        assert case.id not in visible("ogawa")
    # 小林あかり withdrew the nursery only: it still sees her older child, but not the plan.
    kobayashi = case_of("小林 あかり")
    head = person("tanaka")
    assert policy.can_view(head, kobayashi, Part.BASIC) and not policy.can_view(head, kobayashi, Part.PLAN)
    # An active consent to the nursery shows the plan.
    assert policy.can_view(head, case_of("金子 葉月"), Part.PLAN)


def test_emergency_share_and_notes_by_several_agencies(seeded):
    hirano = case_of("平野 蒼空")
    assert hirano.status == Status.INTAKE.value
    shares = policy.active_emergency_grants(hirano)
    assert [g.agency.name for g in shares] == ["みどり第二小学校"]
    assert policy.access_for(person("kimura"), hirano).emergency
    # A received case without a share is seen by the coordinating body only.
    assert case_of("杉本 心春").id not in visible("morita")

    writers = set(db.session.scalars(select(CaseNote.agency_id)))
    assert len(writers) >= 6
    note = db.session.scalar(
        select(CaseNote).where(CaseNote.case_id == case_of("山本 はると").id, CaseNote.body.contains("あざ"))
    )
    assert "<strong>新しいあざ</strong>" in note.body
    for dropped in ("<img", "onerror", "style=", "<a ", "href"):
        assert dropped not in note.body


def test_seed_demo_if_empty_adds_nothing_and_the_audit_chain_holds(app, seeded):
    runner = app.test_cli_runner()
    before = counts()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "投入しませんでした" in result.output
    assert counts() == before
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "正常" in verified.output


def test_seed_demo_command_builds_the_town(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    # The whole demo also takes one report on the 受付票 (demo/moves.py), a case of its own.
    intakes = 1
    assert (
        db.session.scalar(select(func.count()).select_from(Case)) == sum(EXPECTED_LEDGER.values()) + intakes
    )


def test_school_teacher_ledger_page_lists_her_children_only(seeded, client):
    response = client.submit("/login", {"login_id": "takahashi", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get("/cases/").get_data(as_text=True)
    for name in ("山本 はると", "坂本 蓮", "青木 陽葵", "藤井 悠真", "野村 結愛", "竹内 蒼"):
        assert name in page
    for name in ("山本 ゆい", "坂本 芽依", "工藤 湊", "遠藤 颯太", "平野 蒼空"):
        assert name not in page


def test_every_midori_case_is_filed_under_one_of_its_sections(seeded):
    midori, aoba = (
        db.session.scalar(select(Council).where(Council.municipality == name)) for name in COUNCILS.values()
    )
    assert midori.section_names == ["乳幼児部会", "児童生徒部会", "特定妊婦・若年部会"]
    assert aoba.section_names == []
    sections = Counter(
        db.session.scalars(
            select(Case.section).where(Case.council_id == midori.id, Case.status == Status.REGISTERED.value)
        )
    )
    assert sections == {"児童生徒部会": 14, "乳幼児部会": 6, "特定妊婦・若年部会": 4}
    assert case_of("小林 あかり").section == "特定妊婦・若年部会"
    assert case_of("山本 はると").section == "児童生徒部会", "a household with a school child"
    assert case_of("福田 紬").section == "乳幼児部会"
    assert {c.section for c in db.session.scalars(select(Case).where(Case.council_id == aoba.id))} == {""}
