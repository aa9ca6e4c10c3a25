"""Demo cases of みどり市 (SCENARIOS.md): every category, involvement and consent situation.

Every case is made through the services, acting as the council's coordinator (or the person
who writes a note), so the grants, the case history and the audit rows are the ones the app
makes. Dates are counted back from the day of seeding. The households are in demo_households.py
and demo_other_cases.py; the consents and the emergency share are the steps below.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from agencies import services as council_settings
from cases import services, sharing
from cases.demo_households import AGENCIES, MIDORI_REGISTERED, Household, Kid
from cases.demo_other_cases import OTHER_CASES
from cases.models import Case, Involvement, InvolvementKind, Part
from cases.services import CaseInput, ChildInput, GuardianInput
from portal import audit
from portal.dates import fiscal_year, today_in_japan
from portal.extensions import db
from portal.models import Agency, Council, User

HOUSEHOLDS = MIDORI_REGISTERED + OTHER_CASES
COUNCILS = {"midori": "みどり市", "aoba": "あおば町"}
COORDINATORS = {"midori": "sato", "aoba": "yamada"}
CONSENT_WORDING = "切れ目のない支援のため、関係機関とプラン内容を共有することについて同意します。"
# みどり市 splits its practitioner meeting into 部会 (DOMAIN.md); あおば町, a small town, does not.
BABIES, SCHOOL, PREGNANT = "乳幼児部会", "児童生徒部会", "特定妊婦・若年部会"
SECTIONS = {"midori": (BABIES, SCHOOL, PREGNANT)}


@dataclass
class Town:
    """The demo's councils, agencies (by short key) and people (by login id), as portal/demo.py made them."""

    councils: dict[str, Council]
    agencies: dict[str, Agency]
    people: dict[str, User]
    today: date

    def coordinator(self, council: str) -> User:
        """Return the coordinator who registers the council's cases."""
        return self.people[COORDINATORS[council]]

    def ago(self, days: int) -> date:
        """Return the date `days` before today (after, when negative)."""
        return self.today - timedelta(days=days)

    def agency_id(self, key: str) -> int:
        """Return the id of an agency by its short key."""
        return self.agencies[key].id


def load_town() -> Town:
    """Find the demo councils, agencies and people."""
    councils = {
        key: db.session.scalar(select(Council).where(Council.municipality == name))
        for key, name in COUNCILS.items()
    }
    if any(council is None for council in councils.values()):
        raise RuntimeError("デモの協議会がありません。先に利用者・機関のデモデータを投入してください。")
    by_name = {a.name: a for a in db.session.scalars(select(Agency))}
    return Town(
        councils=councils,
        agencies={key: by_name[name] for key, name in AGENCIES.items()},
        people={u.login_id: u for u in db.session.scalars(select(User))},
        today=today_in_japan(),
    )


def seed_cases() -> None:
    """Add the demo cases of both councils, oldest first so case numbers follow the dates."""
    town = load_town()
    _set_sections(town)
    made = 0
    for household in sorted(HOUSEHOLDS, key=lambda h: -h.days_ago):
        case = _register(town, household)
        _follow_up(town, household, case)
        made += 1
    audit.record("demo.seed", target_type="cases", detail={"part": "cases", "cases": made})
    db.session.commit()


def _set_sections(town: Town) -> None:
    """The system administrator enters each council's 部会 in its settings, as on the admin page."""
    for key, names in SECTIONS.items():
        council = town.councils[key]
        values = {"name": council.name, "sections": "\n".join(names)}
        council_settings.update_council(town.people["admin"], council, values)


def _section(h: Household) -> str:
    """File a case under a 部会: expectant mothers, else households with a school child, else babies."""
    if h.council not in SECTIONS:
        return ""
    if h.category == "pregnant":
        return PREGNANT
    return SCHOOL if any((k.grade or 0) >= 1 for k in h.children) else BABIES


def _birth_date(kid: Kid, today: date) -> date:
    """Return a birth date that fits the child's school year (年度) or age in days."""
    if kid.days_old is not None:
        return today - timedelta(days=kid.days_old)
    # A school year runs from 2 April to 1 April; the day within it is fixed by the name.
    cohort = fiscal_year(today) - 6 - (kid.grade or 0)
    return min(date(cohort, 4, 2) + timedelta(days=sum(map(ord, kid.name)) % 365), today)


def _grade_class(kid: Kid) -> str:
    """Write the grade and class as the ledger shows them (3年2組, or a nursery class name)."""
    if kid.grade is None or kid.grade <= 0:
        return kid.klass
    year = kid.grade - 6 if kid.grade > 6 else kid.grade
    return f"{year}年{kid.klass}組"


def _register(town: Town, h: Household) -> Case:
    """Receive the case and register it (at once, or after its 受理会議)."""
    coordinator = town.coordinator(h.council)
    received = town.ago(h.days_ago)
    data = CaseInput(
        council_id=town.councils[h.council].id,
        category=h.category,
        received_on=received,
        referral_route=h.route,
        main_abuser=h.abuser,
        abuse_types=list(h.abuse),
        risk_level=h.risk,
        lead_agency_id=town.agency_id(h.lead) if h.lead else None,
        key_person=h.key_person,
        section=_section(h),
        support_policy=h.policy,
        household_note=h.note,
        next_review_on=town.ago(-h.review_in) if h.review_in is not None else None,
        expected_delivery_on=town.ago(-h.delivery_in) if h.delivery_in is not None else None,
        register_now=h.status != "intake" and not h.registered_after,
        children=[
            ChildInput(
                k.name,
                k.kana,
                _birth_date(k, town.today),
                k.sex,
                town.agency_id(k.agency) if k.agency else None,
                _grade_class(k),
            )
            for k in h.children
        ],
        guardians=[GuardianInput(relation, name, kana) for relation, name, kana in h.guardians],
    )
    case = services.register_case(coordinator, data)
    if h.registered_after and h.status != "intake":
        services.register_intake(coordinator, case, received + timedelta(days=h.registered_after))
    return case


def _follow_up(town: Town, h: Household, case: Case) -> None:
    """Add what happened after registration: involvements, checks, sharing, notes, closure."""
    coordinator = town.coordinator(h.council)
    for extra in h.extras:
        sharing.add_involvement(
            coordinator,
            case,
            town.agency_id(extra.agency),
            extra.kind,
            town.ago(extra.days_ago),
            ended_on=town.ago(extra.ended_days_ago) if extra.ended_days_ago is not None else None,
            note=extra.note,
        )
    if h.confirmed_days_ago is not None:
        confirmed = {"last_confirmed_on": town.ago(h.confirmed_days_ago)}
        services.update_case(coordinator, case, confirmed, case.version, source="実務者会議")
    step = SHARING_STEPS.get(h.key)
    if step:
        step(town, case)
    children = {c.name: c.id for c in case.children}
    for note in h.notes:
        services.add_note(
            town.people[note.login],
            case,
            occurred_on=town.ago(note.days_ago),
            kind=note.kind,
            body=note.body,
            child_id=children[note.child] if note.child else None,
        )
    if h.status == "closed":
        services.close_case(coordinator, case, town.ago(h.closed_days_ago or 0), h.closure)


def _yamamoto(town: Town, case: Case) -> None:
    """伊藤 of the 児童相談所 raises the risk after a home visit (SCENARIOS.md 1.7)."""
    services.update_case(town.people["ito"], case, {"risk_level": 3}, case.version, source="家庭訪問")


def _kobayashi(town: Town, case: Case) -> None:
    """小林あかり consents to share her plan with the hospital and the nursery, then withdraws the nursery."""
    consent = sharing.record_consent(
        town.people["sato"],
        case,
        given_by_name="小林 あかり",
        given_by_relation="self",
        given_on=town.ago(50),
        agency_ids=[town.agency_id("hospital"), town.agency_id("hikari")],
        parts=[Part.PLAN],
        wording=CONSENT_WORDING,
    )
    sharing.withdraw_consent(
        town.people["sato"],
        case,
        consent.id,
        note="保育園とは共有しないでほしいと本人から申し出",
        agency_ids=[town.agency_id("hikari")],
    )


def _inoue(town: Town, case: Case) -> None:
    """The mother consents to share with the health center, then withdraws it altogether."""
    consent = sharing.record_consent(
        town.people["sato"],
        case,
        given_by_name="井上 智子",
        given_by_relation="mother",
        given_on=town.ago(100),
        agency_ids=[town.agency_id("health")],
        parts=[Part.BASIC, Part.PLAN],
        wording=CONSENT_WORDING,
    )
    note = "本人から撤回の申し出（転居予定のため）"
    sharing.withdraw_consent(town.people["sato"], case, consent.id, note=note)


def _ishikawa(town: Town, case: Case) -> None:
    """A consent given for one year, which ran out 55 days ago (recorded as given, with its end)."""
    sharing.record_consent(
        town.people["sato"],
        case,
        given_by_name="石川 明日香",
        given_by_relation="mother",
        given_on=town.ago(420),
        valid_until=town.ago(55),
        agency_ids=[town.agency_id("health"), town.agency_id("hospital")],
        parts=[Part.BASIC, Part.PLAN],
        wording=CONSENT_WORDING,
    )


def _kaneko(town: Town, case: Case) -> None:
    """The mother consents to share with the nursery her baby will enter, and her hospital."""
    sharing.record_consent(
        town.people["sato"],
        case,
        given_by_name="金子 葉月",
        given_by_relation="mother",
        given_on=town.ago(30),
        valid_until=town.ago(-335),
        agency_ids=[town.agency_id("hikari"), town.agency_id("hospital")],
        parts=[Part.BASIC, Part.PLAN],
        wording=CONSENT_WORDING,
    )


def _nishida(town: Town, case: Case) -> None:
    """The expectant mother consents to share with the hospital where she will give birth."""
    sharing.record_consent(
        town.people["sato"],
        case,
        given_by_name="西田 美羽",
        given_by_relation="self",
        given_on=town.ago(38),
        agency_ids=[town.agency_id("hospital")],
        parts=[Part.BASIC, Part.PLAN, Part.NOTES],
        wording=CONSENT_WORDING,
    )


def _nishimura(town: Town, case: Case) -> None:
    """葵 moved away 70 days ago: her school's involvement ends, so its reports leave her off."""
    # The ledger still lists みどり中学校 (her new school is unconfirmed): no report in 2 months, SCENARIOS 4.
    enrolled = db.session.scalar(
        select(Involvement.id).where(
            Involvement.case_id == case.id,
            Involvement.agency_id == town.agency_id("jh"),
            Involvement.kind == InvolvementKind.ENROLLED.value,
        )
    )
    sharing.end_involvement(town.people["sato"], case, enrolled, town.ago(70))


def _hirano(town: Town, case: Case) -> None:
    """Before the 受理会議, the school checks the child today: an emergency share for a week."""
    sharing.emergency_share(
        town.people["sato"],
        case,
        agency_id=town.agency_id("s2"),
        parts=[Part.BASIC, Part.LEDGER, Part.NOTES],
        reason="受理会議までの間、登校時に本人のけがの有無と様子を確認してもらうため。",
        legal_basis="privacy_69_2_4",
        valid_until=town.ago(-7),
    )


SHARING_STEPS: dict[str, Callable[[Town, Case], None]] = {
    "yamamoto": _yamamoto,
    "kobayashi": _kobayashi,
    "inoue": _inoue,
    "ishikawa": _ishikawa,
    "kaneko": _kaneko,
    "nishida": _nishida,
    "nishimura": _nishimura,
    "hirano": _hirano,
}
