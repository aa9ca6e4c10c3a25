"""Forms of the case pages: ledger filters, registration, ledger edits, notes and sharing."""

from datetime import timedelta

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from cases import codes, policy
from cases.ledger import NO_SECTION, SORTS, LedgerFilters
from cases.models import RISK_LABELS, Case, Category, Part, Status
from cases.reading import CASE_ACTION_LABELS, AccessHistoryFilters
from cases.services import LEDGER_FIELDS, CaseInput, ChildInput, GuardianInput
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Agency, Council, Role, User

ALL = "すべて"
CONSENT_WORDING = "切れ目のない支援のため、関係機関とプラン内容を共有することについて同意します"
RISK_CHOICES = [SelectChoice(level, RISK_LABELS[level]) for level in (3, 2, 1)]
PART_CHOICES = [SelectChoice(p.value, p.label) for p in Part]


def _opt_int(value):
    """Coerce a choice to an int, or None for the blank choice."""
    if value in ("", None):
        return None
    return int(value)


def _strip(value):
    """Trim surrounding spaces (full-width ones too) from typed text."""
    return value.strip() if isinstance(value, str) else value


def _lines(value):
    """Use one kind of line break, so an untouched textarea compares equal to what is stored."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def _required(what: str) -> DataRequired:
    """Require typed text, with a Japanese message."""
    return DataRequired(f"{what}を入力してください。")


def _chosen(what: str) -> InputRequired:
    """Require a choice, with a Japanese message."""
    return InputRequired(f"{what}を選んでください。")


def _max(n: int) -> Length:
    """Limit the length of typed text, with a Japanese message."""
    return Length(max=n, message=f"{n}文字以内で入力してください。")


def _week_ahead():
    """Return the default end of an emergency share: a week from today."""
    return today_in_japan() + timedelta(days=7)


def _date(label: str, required: bool = False, **kwargs) -> DateField:
    """Return a date field with a Japanese message when it is required."""
    validators = [InputRequired(f"{label}を入力してください。")] if required else [Optional()]
    return DateField(label, validators, **kwargs)


def _choices(pairs) -> list[SelectChoice]:
    """Return (value, label) pairs as the choices WTForms expects."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _agency_choices(agencies) -> list[tuple[int, str]]:
    """Return agencies as (id, name) choices, sorted by name."""
    return [(a.id, a.name) for a in sorted(agencies, key=lambda a: a.name)]


def _active_agencies() -> list[Agency]:
    """Return every active agency (consent and emergency shares may name one outside the council)."""
    return list(db.session.scalars(select(Agency).where(Agency.active).order_by(Agency.name)))


def _section_choices(councils, blank: str, current: str = "") -> list[SelectChoice]:
    """Return the 部会 of the councils (each once, and the current one even if since removed)."""
    names = dict.fromkeys(name for council in councils for name in council.section_names)
    if current:
        names.setdefault(current)
    return _choices([("", blank), *((name, name) for name in names)])


def _members(councils) -> list[Agency]:
    """Return the active member agencies of the councils, each once."""
    found = {a.id: a for c in councils for a in c.members if a.active}
    return list(found.values())


class _Row(Form):
    """A repeated row of the registration form; messages in Japanese like the page's."""

    class Meta:
        locales = ("ja_JP", "ja")


# Ledger (進行管理台帳)


def ledger_councils(user: User) -> list[Council]:
    """Return the councils the person has cases in, for the ledger's council filter."""
    ids = set(policy.coordinated_council_ids(user))
    visible = policy.visible_cases_clause(user, Part.LEDGER)
    ids |= set(db.session.scalars(select(Case.council_id).where(visible).distinct()))
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

    q = StringField("氏名・ふりがな・ケース番号", [_max(100)], filters=[_strip])
    council_id = SelectField("協議会", coerce=_opt_int)
    category = SelectField(
        "登録区分", choices=_choices([("", ALL)] + [(c.value, c.label) for c in Category]), default=""
    )
    status = SelectField(
        "状況", choices=_choices([("", ALL)] + [(s.value, s.label) for s in Status]), default=""
    )
    lead_agency_id = SelectField("主担当機関", coerce=_opt_int)
    enrolled_agency_id = SelectField("所属機関", coerce=_opt_int)
    risk = SelectField("リスク", coerce=_opt_int, choices=[SelectChoice("", ALL), *RISK_CHOICES])
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
        self.council_id.choices = _choices([("", ALL)] + [(c.id, c.name) for c in self.councils])
        agencies = [("", ALL), *_agency_choices(_members(self.councils))]
        self.lead_agency_id.choices = _choices(agencies)
        self.enrolled_agency_id.choices = _choices(agencies)
        sections = _section_choices(self.councils, ALL)
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


# Registration (受理・登録)


class ChildRow(_Row):
    """One child of the household."""

    name = StringField("氏名", [_max(60)], filters=[_strip])
    name_kana = StringField("ふりがな", [_max(60)], filters=[_strip])
    birth_date = _date("生年月日")
    sex = SelectField(
        "性別", choices=_choices([("", "—"), ("男", "男"), ("女", "女"), ("その他", "その他")]), default=""
    )
    enrolled_agency_id = SelectField("所属（学校・保育所等）", coerce=_opt_int)
    grade_class = StringField("学年・組", [_max(30)], filters=[_strip])

    def is_blank(self) -> bool:
        """Tell whether nothing was entered in this row."""
        typed_date = bool(self.birth_date.raw_data and self.birth_date.raw_data[0])
        fields = (self.name, self.name_kana, self.sex, self.enrolled_agency_id, self.grade_class)
        return not typed_date and not any(f.data for f in fields)


class GuardianRow(_Row):
    """One guardian (or, for 特定妊婦, the expectant mother)."""

    relation = SelectField("続柄", default="")
    name = StringField("氏名", [_max(60)], filters=[_strip])
    name_kana = StringField("ふりがな", [_max(60)], filters=[_strip])
    phone = StringField("電話番号", [_max(40)], filters=[_strip])

    def is_blank(self) -> bool:
        """Tell whether nothing was entered in this row."""
        return not any([self.relation.data, self.name.data, self.name_kana.data, self.phone.data])


class CaseForm(FlaskForm):
    """Receive (受理) and register (登録) a case with its household."""

    council_id = SelectField("協議会", [_chosen("協議会")], coerce=int)
    category = SelectField(
        "登録区分",
        [DataRequired("登録区分を選んでください。")],
        choices=_choices([("", "選んでください")] + [(c.value, c.label) for c in Category]),
        default="",
    )
    received_on = _date("受理日", required=True, default=today_in_japan)
    register_now = RadioField(
        "登録の段階",
        choices=_choices(
            [("register", "登録（要対協のケースとして登録する）"), ("intake", "受理のみ（受理会議の前）")]
        ),
        default="register",
    )
    referral_route = SelectField("相談経路", default="")
    main_abuser = SelectField("主たる虐待者", default="")
    abuse_types = MultiCheckboxField("虐待種別")
    risk_level = RadioField("リスク", [_chosen("リスク")], coerce=int, choices=RISK_CHOICES, default=2)
    lead_agency_id = SelectField("主担当機関", coerce=_opt_int)
    key_person = StringField("主たる援助者", [_max(120)], filters=[_strip])
    section = SelectField("部会", default="")
    support_policy = TextAreaField("援助方針", [_max(10000)], filters=[_lines])
    household_note = TextAreaField("世帯の状況", [_max(10000)], filters=[_lines])
    next_review_on = _date("次回確認時期")
    expected_delivery_on = _date("出産予定日（特定妊婦）")
    children = FieldList(FormField(ChildRow), min_entries=3)
    guardians = FieldList(FormField(GuardianRow), min_entries=2)

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ids = policy.coordinated_council_ids(user)
        councils = list(db.session.scalars(select(Council).where(Council.id.in_(ids)).order_by(Council.name)))
        self.council_id.choices = _choices([(c.id, c.name) for c in councils])
        self.members = _agency_choices(_members(councils))
        self.referral_route.choices = _choices(codes.choices("referral_route", blank="（未選択）"))
        self.main_abuser.choices = _choices(codes.choices("main_abuser", blank="（未選択）"))
        self.abuse_types.choices = _choices(codes.choices("abuse_type"))
        self.lead_agency_id.choices = _choices([("", "（調整機関が担当）"), *self.members])
        self.section.choices = _section_choices(councils, "（未設定）")
        self.fill_row_choices()

    def fill_row_choices(self) -> None:
        """Give every child and guardian row its choices (after rows are added too)."""
        relations = codes.choices("relation", blank="（選択）")
        for row in self.children:
            row.form.enrolled_agency_id.choices = _choices([("", "（なし）"), *self.members])
        for row in self.guardians:
            row.form.relation.choices = _choices(relations)

    def add_row(self, name: str) -> None:
        """Add a blank child or guardian row (the form is shown again, not saved)."""
        self[name].append_entry()
        self.fill_row_choices()

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then require a name (and relation) in every row that is not blank."""
        ok = super().validate(extra_validators)
        for row in self.children:
            if not row.form.is_blank() and not row.form.name.data:
                row.form.name.errors.append("子どもの氏名を入力してください。")
                ok = False
        for row in self.guardians:
            if row.form.is_blank():
                continue
            if not row.form.name.data:
                row.form.name.errors.append("保護者の氏名を入力してください。")
                ok = False
            if not row.form.relation.data:
                row.form.relation.errors.append("続柄を選んでください。")
                ok = False
        return ok

    def to_input(self):
        """Return the registration for services.register_case, without the blank rows."""
        children = [r.form for r in self.children if not r.form.is_blank()]
        guardians = [r.form for r in self.guardians if not r.form.is_blank()]
        return CaseInput(
            council_id=self.council_id.data,
            category=self.category.data,
            received_on=self.received_on.data,
            referral_route=self.referral_route.data or "",
            main_abuser=self.main_abuser.data or "",
            abuse_types=list(self.abuse_types.data or []),
            risk_level=self.risk_level.data,
            lead_agency_id=self.lead_agency_id.data,
            key_person=self.key_person.data or "",
            section=self.section.data or "",
            support_policy=self.support_policy.data or "",
            household_note=self.household_note.data or "",
            next_review_on=self.next_review_on.data,
            expected_delivery_on=self.expected_delivery_on.data,
            register_now=self.register_now.data != "intake",
            children=[
                ChildInput(
                    c.name.data,
                    c.name_kana.data or "",
                    c.birth_date.data,
                    c.sex.data or "",
                    c.enrolled_agency_id.data,
                    c.grade_class.data or "",
                )
                for c in children
            ],
            guardians=[
                GuardianInput(g.relation.data, g.name.data, g.name_kana.data or "", g.phone.data or "")
                for g in guardians
            ],
        )


# The ledger of one case: edit, register, close


class LedgerForm(FlaskForm):
    """Change the ledger fields of a case (services.LEDGER_FIELDS)."""

    version = IntegerField(widget=HiddenInput())
    category = SelectField("登録区分", choices=_choices([(c.value, c.label) for c in Category]))
    referral_route = SelectField("相談経路")
    main_abuser = SelectField("主たる虐待者")
    abuse_types = MultiCheckboxField("虐待種別")
    risk_level = RadioField("リスク", [_chosen("リスク")], coerce=int, choices=RISK_CHOICES)
    lead_agency_id = SelectField("主担当機関", coerce=_opt_int)
    key_person = StringField("主たる援助者", [_max(120)], filters=[_strip])
    section = SelectField("部会")
    support_policy = TextAreaField("援助方針", [_max(10000)], filters=[_lines])
    household_note = TextAreaField("世帯の状況", [_max(10000)], filters=[_lines])
    last_confirmed_on = _date("最終確認日")
    next_review_on = _date("次回確認時期")
    expected_delivery_on = _date("出産予定日（特定妊婦）")

    def __init__(self, case: Case, *args, **kwargs):
        super().__init__(*args, obj=case, **kwargs)
        self.referral_route.choices = _choices(codes.choices("referral_route", blank="（未選択）"))
        self.main_abuser.choices = _choices(codes.choices("main_abuser", blank="（未選択）"))
        self.abuse_types.choices = _choices(codes.choices("abuse_type"))
        agencies = _members([case.council])
        if case.lead_agency and case.lead_agency not in agencies:
            agencies.append(case.lead_agency)  # keep the current lead even if it left the council
        members = _agency_choices(agencies)
        self.lead_agency_id.choices = _choices([("", "（未設定）"), *members])
        # The current 部会 stays selectable even if the council no longer has it.
        self.section.choices = _section_choices([case.council], "（未設定）", current=case.section)

    def changes(self, case: Case) -> dict:
        """Return only the fields whose typed value differs from the case."""
        changed = {}
        for name in LEDGER_FIELDS:
            new = self[name].data
            old = getattr(case, name)
            if name == "abuse_types":
                new, old = sorted(new or []), sorted(old)
            elif isinstance(old, str):
                new, old = new or "", _lines(old)
            if new != old:
                changed[name] = new
        return changed


class RegisterForm(FlaskForm):
    """Register (登録) a received case."""

    registered_on = _date("登録日", required=True, default=today_in_japan)


class CloseForm(FlaskForm):
    """Close (終結) a case."""

    closed_on = _date("終結日", required=True, default=today_in_japan)
    reason = SelectField("終結理由", [DataRequired("終結理由を選んでください。")], default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = _choices(codes.choices("closure_reason", blank="選んでください"))


class NoteForm(FlaskForm):
    """Write a case note (経過記録)."""

    occurred_on = _date("日付", required=True, default=today_in_japan)
    kind = SelectField("記録の種類", [DataRequired("記録の種類を選んでください。")], default="")
    child_id = SelectField("対象", coerce=_opt_int)
    body = TextAreaField("内容", [_required("内容"), _max(20000)], filters=[_lines])

    def __init__(self, targets: list[tuple], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(codes.choices("note_kind", blank="選んでください"))
        self.child_id.choices = _choices(targets)


# Access history


class AccessHistoryForm(FlaskForm):
    """Filters of a case's access history, read from the query string."""

    class Meta:
        csrf = False

    user_id = SelectField("職員", coerce=_opt_int, validate_choice=False, choices=_choices([("", ALL)]))
    agency_id = SelectField("機関", coerce=_opt_int, validate_choice=False, choices=_choices([("", ALL)]))
    action = SelectField("操作", choices=_choices([("", ALL), *CASE_ACTION_LABELS.items()]), default="")
    date_from = _date("期間（から）")
    date_to = _date("期間（まで）")

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
        self.agency_id.choices = _choices([("", ALL), *_agency_choices(agencies)])
        people_choices = [(u.id, f"{u.name}（{names.get(u.agency_id, '')}）") for u in people]
        self.user_id.choices = _choices([("", ALL), *people_choices])
        return names
