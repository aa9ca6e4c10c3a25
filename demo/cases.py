"""Demo cases of みどり市 (SCENARIOS.md): every category, involvement and consent situation.

Every case is made through the services, acting as the council's coordinator (or the person
who writes a note), so the grants, the case history and the audit rows are the ones the app
makes. Dates are counted back from the day of seeding. The households are in demo_households.py
and demo_other_cases.py; the consents and the emergency share are the steps below.
"""

from datetime import date, timedelta

from agencies.councils import services as council_settings
from cases.ledger import registration, services
from cases.ledger.registration import CaseInput, ChildInput, GuardianInput
from cases.models import Case
from cases.notes import services as note_services
from cases.sharing import services as sharing
from demo.households import Household, Kid
from demo.midori import MIDORI_REGISTERED
from demo.other_cases import OTHER_CASES
from demo.sharing_steps import SHARING_STEPS
from demo.town import Town, load_town
from portal import audit
from portal.dates import fiscal_year
from portal.transaction import transaction

HOUSEHOLDS = MIDORI_REGISTERED + OTHER_CASES
# みどり市 splits its practitioner meeting into 部会 (DOMAIN.md); あおば町, a small town, does not.
BABIES, SCHOOL, PREGNANT = "乳幼児部会", "児童生徒部会", "特定妊婦・若年部会"
SECTIONS = {"midori": (BABIES, SCHOOL, PREGNANT)}


def seed_cases() -> None:
    """Add the demo cases of both councils, oldest first so case numbers follow the dates."""
    with transaction():
        town = load_town()
        _set_sections(town)
        made = 0
        for household in sorted(HOUSEHOLDS, key=lambda h: -h.days_ago):
            case = _register(town, household)
            _follow_up(town, household, case)
            made += 1
        audit.record("demo.seed", target_type="cases", detail={"part": "cases", "cases": made})


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
    case = registration.register_case(coordinator, data)
    if h.registered_after and h.status != "intake":
        registration.register_intake(coordinator, case, received + timedelta(days=h.registered_after))
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
        note_services.add_note(
            town.people[note.login],
            case,
            occurred_on=town.ago(note.days_ago),
            kind=note.kind,
            body=note.body,
            child_id=children[note.child] if note.child else None,
        )
    if h.status == "closed":
        services.close_case(coordinator, case, town.ago(h.closed_days_ago or 0), h.closure)
