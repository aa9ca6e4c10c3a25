"""The benchmark world's cases: N households with children, guardians, history, involvements and consents.

Each case mirrors what registration stores (each child's enrolled involvement with a child-scoped
grant, the lead agency, the 児童相談所 joining by the council's rule), so the access policy meets the
data it meets in use.
"""

from datetime import UTC, date, datetime, time, timedelta

from bench.world.names import BOYS, GIRLS, NURSERY_CLASSES, SURNAMES
from bench.world.rows import GRANT_SCOPE, Rows
from cases.ledger.search import search_key
from cases.models import Case, CaseAbuseType, CaseChange, Category, Child, Guardian, Part, Status, parts_mask
from cases.sharing.models import AccessGrant, Consent, GrantCause, Involvement, InvolvementKind
from cases.sharing.services import INVOLVEMENT_PARTS
from portal.dates import fiscal_year, fiscal_year_label

BATCH = 2000  # cases generated before their rows are written


class World(Rows):
    """The whole generator: agencies and people (Rows), then the cases."""

    def build_cases(self, n_cases: int) -> None:
        """Queue N cases, numbered per council and fiscal year in the order they were received."""
        shares = [c["town"].share for c in self.councils]
        arrivals = []
        for _ in range(n_cases):
            days_ago = int(self.rng.random() ** 1.6 * 6 * 365)  # more recent cases than old ones
            arrivals.append(
                (self.today - timedelta(days_ago), self.rng.choices(self.councils, shares)[0]["id"])
            )
        arrivals.sort()
        councils = {c["id"]: c for c in self.councils}
        numbers: dict[tuple[int, str], int] = {}
        for i, (received_on, council_id) in enumerate(arrivals):
            prefix = fiscal_year_label(fiscal_year(received_on)).removesuffix("年度")
            numbers[council_id, prefix] = numbers.get((council_id, prefix), 0) + 1
            self.case(councils[council_id], received_on, f"{prefix}-{numbers[council_id, prefix]:04d}")
            if (i + 1) % BATCH == 0:
                self.flush()

    def case(self, council: dict, received_on: date, case_number: str) -> None:
        """Queue one household: the case, its children and guardians, involvements and grants."""
        rng, today, members = self.rng, self.today, council["members"]
        center = members["center"][0]
        age = (today - received_on).days
        status = Status.REGISTERED
        if age < 120 and rng.random() < (0.5 if age < 30 else 0.2):
            status = Status.INTAKE
        elif age > 365 and rng.random() < 0.2:
            status = Status.CLOSED
        category = rng.choices(list(Category), [0.55, 0.38, 0.07])[0]
        abuse = self.abuse_types(category)
        # Most cases are registered on the day they are received; some are received first (受理) and
        # registered (登録) up to three weeks later, as register_case then register_intake store them.
        registered_on = None
        if status != Status.INTAKE:
            delay = 0 if rng.random() < 0.7 else rng.randint(1, 21)
            registered_on = min(received_on + timedelta(delay), today)
        closed_on = (
            min(registered_on + timedelta(rng.randint(60, 700)), today) if status == Status.CLOSED else None
        )
        lead = center
        if rng.random() < 0.15:
            lead = rng.choice(members["保健センター" if category == Category.PREGNANT else "小学校"])
        pregnant = category == Category.PREGNANT
        case_id = self.add(
            Case,
            council_id=council["id"],
            case_number=case_number,
            category=category.value,
            status=status.value,
            received_on=received_on,
            registered_on=registered_on,
            referral_route=rng.choice(["school", "nursery", "health", "police", "neighbor", "family"]),
            main_abuser=rng.choice(["father", "mother", "stepfather", "mother"]) if abuse else "",
            risk_level=rng.choices([1, 2, 3], [0.35, 0.45, 0.2])[0],
            lead_agency_id=lead,
            support_policy="見守りを継続し、月1回の状況確認を行う。",
            expected_delivery_on=today + timedelta(rng.randint(-30, 200)) if pregnant else None,
            last_confirmed_on=max(received_on, today - timedelta(rng.randint(0, 120))),
            next_review_on=None
            if closed_on or rng.random() < 0.03
            else today + timedelta(rng.randint(-90, 90)),
            closed_on=closed_on,
            closure_reason="improved" if closed_on else "",
            version=1 + (registered_on not in (None, received_on)) + bool(closed_on),
        )
        for code in abuse:
            self.add(CaseAbuseType, case_id=case_id, code=code)
        user = rng.choice(council["staff"])
        self.history(case_id, user, center, received_on, registered_on, closed_on)
        surname = rng.choice(SURNAMES)
        # A 特定妊婦 case may have no children yet; every other case has at least one.
        counts, weights = ([0, 1, 2], [0.5, 0.35, 0.15]) if pregnant else ([1, 2, 3], [0.5, 0.35, 0.15])
        kids = [self.child(case_id, members, surname) for _ in range(rng.choices(counts, weights)[0])]
        guardians = self.guardians(case_id, category, surname)
        # register_case involves the agencies from the day of receipt (registered_on or received_on).
        start = received_on
        for child_id, agency_id in kids:
            self.involve(case_id, agency_id, InvolvementKind.ENROLLED, start, user, child_id)
        if lead != center:
            self.involve(case_id, lead, InvolvementKind.LEAD, start, user)
        rule = council["town"].auto_join
        if rule == "all" or (rule == "abuse" and abuse):
            self.involve(case_id, self.cgc_id, InvolvementKind.CHILD_GUIDANCE, start, user, note="自動参加")
        if status != Status.INTAKE and rng.random() < 0.06:
            self.consent(case_id, guardians[0], members, start, user)

    def history(self, case_id, user_id, agency_id, received_on, registered_on, closed_on) -> None:
        """Queue the status lines of the case history, as register_case, register_intake and close_case do."""
        lines = [("status", "", Status.REGISTERED.label, "registration")]
        if registered_on != received_on:
            lines = [("status", "", Status.INTAKE.label, "registration")]
            if registered_on:
                lines.append(("status", Status.INTAKE.label, Status.REGISTERED.label, ""))
        if closed_on:
            lines.append(("status", Status.REGISTERED.label, Status.CLOSED.label, ""))
            lines.append(("closure_reason", "", self.closure_label, ""))
        for field, before, after, source in lines:
            self.add(
                CaseChange,
                case_id=case_id,
                user_id=user_id,
                agency_id=agency_id,
                field=field,
                before=before,
                after=after,
                source=source,
            )

    def abuse_types(self, category: Category) -> list[str]:
        """Return the abuse type codes of a new case."""
        types = ["physical", "sexual", "psychological", "neglect"]
        if category == Category.PROTECTION:
            return sorted(
                set(self.rng.choices(types, [0.25, 0.03, 0.45, 0.27], k=self.rng.choice([1, 1, 1, 2])))
            )
        if category == Category.SUPPORT and self.rng.random() < 0.25:
            return [self.rng.choice(["neglect", "psychological"])]
        return []

    def child(self, case_id: int, members: dict, surname) -> tuple[int, int]:
        """Queue a child enrolled at a school or nursery that fits their age; return (child, agency)."""
        rng = self.rng
        age, female = rng.randint(0, 14), rng.random() < 0.5
        given = rng.choice(GIRLS if female else BOYS)
        if age < 6:
            agency_id, grade = rng.choice(members["保育所"] + members["認定こども園"]), NURSERY_CLASSES[age]
        else:
            kind, year = ("小学校", age - 5) if age < 12 else ("中学校", age - 11)
            agency_id, grade = rng.choice(members[kind]), f"{year}年{rng.randint(1, 3)}組"
        name, kana = f"{surname[0]} {given[0]}", f"{surname[1]} {given[1]}"
        child_id = self.add(
            Child,
            case_id=case_id,
            name=name,
            name_kana=kana,
            sex="女" if female else "男",
            birth_date=self.today - timedelta(days=age * 365 + rng.randint(0, 364)),
            enrolled_agency_id=agency_id,
            grade_class=grade,
            search_key=search_key(name, kana),
        )
        return child_id, agency_id

    def guardians(self, case_id: int, category: Category, surname) -> list[tuple[str, str]]:
        """Queue the household's adults (the expectant mother first for 特定妊婦); return (name, relation)."""
        adults = [("self" if category == Category.PREGNANT else "mother", True, surname)]
        if self.rng.random() < 0.55:
            adults.append((self.rng.choice(["father", "father", "stepfather", "partner"]), False, None))
        result = []
        for relation, female, family in adults:
            name, kana = self.person(female, family)
            self.add(
                Guardian,
                case_id=case_id,
                relation=relation,
                name=name,
                name_kana=kana,
                search_key=search_key(name, kana),
            )
            result.append((name, relation))
        return result

    def involve(self, case_id, agency_id, kind, start, user_id, child_id=None, note="") -> None:
        """Queue an involvement and its statutory grant, as sharing.involve stores them."""
        involvement_id = self.add(
            Involvement,
            case_id=case_id,
            agency_id=agency_id,
            kind=kind.value,
            child_id=child_id,
            started_on=start,
            note=note,
            created_by_id=user_id,
        )
        scope = child_id if kind == InvolvementKind.ENROLLED else None
        self.grant(
            case_id,
            agency_id,
            GrantCause.STATUTORY,
            INVOLVEMENT_PARTS[kind],
            start,
            user_id,
            child_id=scope,
            involvement_id=involvement_id,
        )

    def grant(self, case_id, agency_id, cause, parts, start, user_id, **scope) -> None:
        """Queue an access grant; every grant row carries the same keys, so they insert as one batch."""
        scope = dict.fromkeys(GRANT_SCOPE) | scope
        self.add(
            AccessGrant,
            case_id=case_id,
            agency_id=agency_id,
            cause=cause.value,
            parts=parts,
            valid_from=start,
            granted_by_id=user_id,
            **scope,
        )

    def consent(self, case_id: int, guardian: tuple[str, str], members: dict, start: date, user: int) -> None:
        """Queue a consent sharing basic, ledger and notes with a hospital or 民生委員; some are withdrawn."""
        given_on = min(start + timedelta(self.rng.randint(0, 60)), self.today)
        withdrawn = None
        if self.rng.random() < 0.1:  # withdrawn some days later, at a fixed hour so a seed gives one world
            day = min(given_on + timedelta(self.rng.randint(1, 90)), self.today)
            withdrawn = datetime.combine(day, time(1, 30), tzinfo=UTC)
        parts = parts_mask([Part.BASIC, Part.LEDGER, Part.NOTES])
        consent_id = self.add(
            Consent,
            case_id=case_id,
            given_by_name=guardian[0],
            given_by_relation=guardian[1],
            given_on=given_on,
            parts=parts,
            recorded_by_id=user,
            withdrawn_at=withdrawn,
            withdrawn_by_id=user if withdrawn else None,
        )
        revoked = {"revoked_at": withdrawn, "revoked_by_id": user if withdrawn else None}
        for agency_id in self.rng.sample(
            members["医療機関"] + members["民生児童委員"], self.rng.randint(1, 2)
        ):
            self.grant(
                case_id,
                agency_id,
                GrantCause.CONSENT,
                parts,
                given_on,
                user,
                consent_id=consent_id,
                **revoked,
            )
