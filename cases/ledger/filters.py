"""The ledger's search and filters and a case's access-history filters, read from the query string."""

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice

from cases import policy
from cases.choices import RISK_CHOICES, agency_pairs, member_agency_pairs, section_choices
from cases.ledger.queries import NO_SECTION, SORTS, LedgerFilters
from cases.ledger.reading import CASE_ACTION_LABELS, AccessHistoryFilters
from cases.models import Case, Category, Part, Status
from portal.extensions import db
from portal.forms import (
    ALL,
    LongSelect,
    at_most,
    choices,
    date_field,
    opt_int,
    strip,
)
from portal.models import Agency, Council, Role, User

# Ledger (進行管理台帳)


def ledger_councils(user: User) -> list[Council]:
    """Return the councils the person has cases in, for the ledger's council filter."""
    ids = set(policy.coordinated_council_ids(user))
    visible = policy.visible_cases_clause(user, Part.LEDGER)
    others = select(Case.council_id).where(visible)
    if ids:  # only the other councils need their cases looked at (a coordinator sees ~17,000 of the own)
        others = others.where(Case.council_id.not_in(ids))
    ids |= set(db.session.scalars(others.distinct()))
    if user.has_role(Role.CASEWORKER):
        # The child guidance center keeps the joint ledger of every council it serves.
        ids |= {c.id for c in user.councils}
    if not ids:
        return []
    return list(db.session.scalars(select(Council).where(Council.id.in_(ids)).order_by(Council.name)))


class LedgerFilterForm(FlaskForm):
    """The ledger's search and filters, read from the query string."""

    class Meta:
        csrf = False

    q = StringField("氏名・ふりがな・ケース番号", [at_most(100)], filters=[strip])
    council_id = SelectField("協議会", coerce=opt_int)
    category = SelectField(
        "登録区分", choices=choices(*[("", ALL)] + [(c.value, c.label) for c in Category]), default=""
    )
    status = SelectField(
        "状況", choices=choices(*[("", ALL)] + [(s.value, s.label) for s in Status]), default=""
    )
    lead_agency_id = SelectField("主担当機関", coerce=opt_int, widget=LongSelect())
    enrolled_agency_id = SelectField("所属機関", coerce=opt_int, widget=LongSelect())
    risk = SelectField("リスク", coerce=opt_int, choices=[SelectChoice("", ALL), *RISK_CHOICES])
    section = SelectField("部会", default="")
    overdue = BooleanField("確認期限を過ぎたものだけ")
    sort = HiddenField()
    direction = HiddenField()

    FILTERS = (
        "q",
        "council_id",
        "category",
        "status",
        "lead_agency_id",
        "enrolled_agency_id",
        "risk",
        "section",
    )

    def __init__(self, user: User, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        self.councils = ledger_councils(user)
        self.council_id.choices = choices(*[("", ALL)] + [(c.id, c.name) for c in self.councils])
        agencies = [("", ALL), *member_agency_pairs(self.councils)]
        self.lead_agency_id.choices = choices(*agencies)
        self.enrolled_agency_id.choices = choices(*agencies)
        sections = section_choices(self.councils, ALL)
        self.section.choices = [*sections[:1], SelectChoice(NO_SECTION, "（未設定）"), *sections[1:]]

    @property
    def has_sections(self) -> bool:
        """Tell whether any of the person's councils is split into 部会 (the column and filter show)."""
        return any(council.section_names for council in self.councils)

    def parse(self, page: str | None) -> tuple[LedgerFilters, list[str]]:
        """Return the filters asked for; a value that does not parse is dropped with a message."""
        self.validate()
        defaults = LedgerFilters()
        problems = []
        values = {}
        for name in self.FILTERS:
            field = self[name]
            if field.errors:
                problems.append(
                    f"「{field.label.text}」の指定が正しくないため、この条件を外して表示しています。"
                )
                field.data = getattr(defaults, name)
            values[name] = getattr(defaults, name) if field.data is None else field.data
        values["overdue"] = bool(self.overdue.data)
        values["sort"] = self.sort.data = self.sort.data if self.sort.data in SORTS else defaults.sort
        values["direction"] = self.direction.data = "desc" if self.direction.data == "desc" else "asc"
        try:
            values["page"] = max(1, int(page or 1))
        except ValueError:
            problems.append("ページ番号の指定が正しくないため、最初のページを表示しています。")
            values["page"] = 1
        return LedgerFilters(**values), problems


def ledger_args(filters: LedgerFilters) -> dict:
    """Return the query string of the filters (without the page), for sort, page and export links."""
    args = {k: v for k, v in filters.as_dict().items() if k not in ("page", "overdue")}
    if filters.overdue:
        args["overdue"] = "y"
    return args


# Access history


class AccessHistoryForm(FlaskForm):
    """Filters of a case's access history, read from the query string."""

    class Meta:
        csrf = False

    user_id = SelectField("職員", coerce=opt_int, validate_choice=False, choices=choices(*[("", ALL)]))
    agency_id = SelectField("機関", coerce=opt_int, validate_choice=False, choices=choices(*[("", ALL)]))
    action = SelectField("操作", choices=choices(*[("", ALL), *CASE_ACTION_LABELS.items()]), default="")
    date_from = date_field("期間（から）")
    date_to = date_field("期間（まで）")

    def parse(self) -> tuple[AccessHistoryFilters, list[str]]:
        """Return the filters asked for; a value that does not parse is dropped with a message."""
        self.validate()
        problems = []
        for field in self:
            if field.errors:
                problems.append(
                    f"「{field.label.text}」の指定が正しくないため、この条件を外して表示しています。"
                )
                field.data = "" if field.name == "action" else None
        filters = AccessHistoryFilters(
            user_id=self.user_id.data,
            agency_id=self.agency_id.data,
            action=self.action.data or "",
            date_from=self.date_from.data,
            date_to=self.date_to.data,
        )
        return filters, problems

    def fill_choices(self, case: Case, entries) -> dict[int, str]:
        """Offer the council's agencies and their people (and anyone in the rows); return agency names."""
        agency_ids = {a.id for a in case.council.members} | {e.actor_agency_id for e in entries}
        agency_ids.discard(None)
        agencies = list(db.session.scalars(select(Agency).where(Agency.id.in_(agency_ids))))
        people = db.session.scalars(
            select(User).where(User.agency_id.in_(agency_ids)).order_by(User.agency_id, User.name)
        )
        names = {a.id: a.name for a in agencies}
        self.agency_id.choices = choices(*[("", ALL), *agency_pairs(agencies)])
        people_choices = [(u.id, f"{u.name}（{names.get(u.agency_id, '')}）") for u in people]
        self.user_id.choices = choices(*[("", ALL), *people_choices])
        return names
