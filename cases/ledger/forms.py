"""Forms of a case's ledger: registration with the household, ledger edits, registering, closing."""

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired
from wtforms.widgets import HiddenInput

from cases import codes, policy
from cases.choices import RISK_CHOICES, agency_pairs, member_agencies, section_choices
from cases.ledger.registration import CaseInput, ChildInput, GuardianInput
from cases.ledger.services import LEDGER_FIELDS
from cases.models import Case, Category
from portal.dates import today_in_japan
from portal.extensions import db
from portal.forms import (
    MultiCheckboxField,
    Row,
    at_most,
    choices,
    chosen,
    date_field,
    lines,
    opt_int,
    strip,
)
from portal.models import Council, User

# Registration (受理・登録)


class ChildRow(Row):
    """One child of the household."""

    name = StringField("氏名", [at_most(60)], filters=[strip])
    name_kana = StringField("ふりがな", [at_most(60)], filters=[strip])
    birth_date = date_field("生年月日")
    sex = SelectField(
        "性別", choices=choices(*[("", "—"), ("男", "男"), ("女", "女"), ("その他", "その他")]), default=""
    )
    enrolled_agency_id = SelectField("所属（学校・保育所等）", coerce=opt_int)
    grade_class = StringField("学年・組", [at_most(30)], filters=[strip])

    def is_blank(self) -> bool:
        """Tell whether nothing was entered in this row."""
        typed_date = bool(self.birth_date.raw_data and self.birth_date.raw_data[0])
        fields = (self.name, self.name_kana, self.sex, self.enrolled_agency_id, self.grade_class)
        return not typed_date and not any(f.data for f in fields)

    def to_input(self) -> ChildInput:
        """Return the typed child as the registration's input."""
        return ChildInput(
            self.name.data,
            self.name_kana.data or "",
            self.birth_date.data,
            self.sex.data or "",
            self.enrolled_agency_id.data,
            self.grade_class.data or "",
        )


class GuardianRow(Row):
    """One guardian (or, for 特定妊婦, the expectant mother)."""

    relation = SelectField("続柄", default="")
    name = StringField("氏名", [at_most(60)], filters=[strip])
    name_kana = StringField("ふりがな", [at_most(60)], filters=[strip])
    phone = StringField("電話番号", [at_most(40)], filters=[strip])

    def is_blank(self) -> bool:
        """Tell whether nothing was entered in this row."""
        return not any([self.relation.data, self.name.data, self.name_kana.data, self.phone.data])

    def to_input(self) -> GuardianInput:
        """Return the typed guardian as the registration's input."""
        return GuardianInput(
            self.relation.data, self.name.data, self.name_kana.data or "", self.phone.data or ""
        )


class CaseForm(FlaskForm):
    """Receive (受理) and register (登録) a case with its household."""

    council_id = SelectField("協議会", [chosen("協議会")], coerce=int)
    category = SelectField(
        "登録区分",
        [DataRequired("登録区分を選んでください。")],
        choices=choices(*[("", "選んでください")] + [(c.value, c.label) for c in Category]),
        default="",
    )
    received_on = date_field("受理日", required=True, not_future=True, default=today_in_japan)
    register_now = RadioField(
        "登録の段階",
        choices=choices(
            *[("register", "登録（要対協のケースとして登録する）"), ("intake", "受理のみ（受理会議の前）")]
        ),
        default="register",
    )
    referral_route = SelectField("相談経路", default="")
    main_abuser = SelectField("主たる虐待者", default="")
    abuse_types = MultiCheckboxField("虐待種別")
    risk_level = RadioField("リスク", [chosen("リスク")], coerce=int, choices=RISK_CHOICES, default=2)
    lead_agency_id = SelectField("主担当機関", coerce=opt_int)
    key_person = StringField("主たる援助者", [at_most(120)], filters=[strip])
    section = SelectField("部会", default="")
    support_policy = TextAreaField("援助方針", [at_most(10000)], filters=[lines])
    household_note = TextAreaField("世帯の状況", [at_most(10000)], filters=[lines])
    next_review_on = date_field("次回確認時期")
    expected_delivery_on = date_field("出産予定日（特定妊婦）")
    mother_name = StringField("妊婦の氏名", [at_most(60)], filters=[strip])
    mother_kana = StringField("妊婦のふりがな", [at_most(60)], filters=[strip])
    mother_birth_date = date_field("妊婦の生年月日")
    mother_hospital_id = SelectField("医療機関（出産予定の病院など）", coerce=opt_int)
    children = FieldList(FormField(ChildRow), min_entries=3)
    guardians = FieldList(FormField(GuardianRow), min_entries=2)

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ids = policy.coordinated_council_ids(user)
        councils = list(db.session.scalars(select(Council).where(Council.id.in_(ids)).order_by(Council.name)))
        self.council_id.choices = choices(*[(c.id, c.name) for c in councils])
        self.members = agency_pairs(member_agencies(councils))
        self.referral_route.choices = choices(*codes.choices("referral_route", blank="（未選択）"))
        self.main_abuser.choices = choices(*codes.choices("main_abuser", blank="（未選択）"))
        self.abuse_types.choices = choices(*codes.choices("abuse_type"))
        self.lead_agency_id.choices = choices(*[("", "（調整機関が担当）"), *self.members])
        self.mother_hospital_id.choices = choices(*[("", "（未定）"), *self.members])
        self.section.choices = section_choices(councils, "（未設定）")
        self.fill_row_choices()

    def fill_row_choices(self) -> None:
        """Give every child and guardian row its choices (after rows are added too)."""
        relations = codes.choices("relation", blank="（選択）")
        for row in self.children:
            row.form.enrolled_agency_id.choices = choices(*[("", "（なし）"), *self.members])
        for row in self.guardians:
            row.form.relation.choices = choices(*relations)

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

    def _mother(self) -> ChildInput | None:
        """Return the pregnant woman typed for a 特定妊婦 case (None when her name is blank)."""
        if self.category.data != Category.PREGNANT or not self.mother_name.data:
            return None
        return ChildInput(
            self.mother_name.data,
            self.mother_kana.data or "",
            self.mother_birth_date.data,
            "女",
            self.mother_hospital_id.data,
        )

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
            mother=self._mother(),
            children=[c.to_input() for c in children],
            guardians=[g.to_input() for g in guardians],
        )


# The ledger of one case: edit, register, close


class LedgerForm(FlaskForm):
    """Change the ledger fields of a case (services.LEDGER_FIELDS)."""

    version = IntegerField(widget=HiddenInput())
    category = SelectField("登録区分", choices=choices(*[(c.value, c.label) for c in Category]))
    referral_route = SelectField("相談経路")
    main_abuser = SelectField("主たる虐待者")
    abuse_types = MultiCheckboxField("虐待種別")
    risk_level = RadioField("リスク", [chosen("リスク")], coerce=int, choices=RISK_CHOICES)
    risk_reason = TextAreaField("リスクを変更する理由", [at_most(2000)], filters=[lines])
    lead_agency_id = SelectField("主担当機関", coerce=opt_int)
    key_person = StringField("主たる援助者", [at_most(120)], filters=[strip])
    section = SelectField("部会")
    support_policy = TextAreaField("援助方針", [at_most(10000)], filters=[lines])
    household_note = TextAreaField("世帯の状況", [at_most(10000)], filters=[lines])
    last_confirmed_on = date_field("最終確認日")
    next_review_on = date_field("次回確認時期")
    expected_delivery_on = date_field("出産予定日（特定妊婦）")

    def __init__(self, case: Case, *args, **kwargs):
        super().__init__(*args, obj=case, **kwargs)
        self.case = case
        self.referral_route.choices = choices(*codes.choices("referral_route", blank="（未選択）"))
        self.main_abuser.choices = choices(*codes.choices("main_abuser", blank="（未選択）"))
        self.abuse_types.choices = choices(*codes.choices("abuse_type"))
        agencies = member_agencies([case.council])
        if case.lead_agency and case.lead_agency not in agencies:
            agencies.append(case.lead_agency)  # keep the current lead even if it left the council
        members = agency_pairs(agencies)
        self.lead_agency_id.choices = choices(*[("", "（未設定）"), *members])
        # The current 部会 stays selectable even if the council no longer has it.
        self.section.choices = section_choices([case.council], "（未設定）", current=case.section)

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then require a reason when the risk level changes."""
        ok = super().validate(extra_validators)
        if ok and self.risk_level.data != self.case.risk_level and not self.risk_reason.data:
            self.risk_reason.errors.append("リスクを変更する理由を入力してください。")
            ok = False
        return ok

    def changes(self, case: Case) -> dict:
        """Return only the fields whose typed value differs from the case."""
        changed = {}
        for name in LEDGER_FIELDS:
            new = self[name].data
            old = getattr(case, name)
            if name == "abuse_types":
                new, old = sorted(new or []), sorted(old)
            elif isinstance(old, str):
                new, old = new or "", lines(old)
            if new != old:
                changed[name] = new
        return changed


class RegisterForm(FlaskForm):
    """Register (登録) a received case."""

    registered_on = date_field("登録日", required=True, not_future=True, default=today_in_japan)


class CloseForm(FlaskForm):
    """Close (終結) a case."""

    closed_on = date_field("終結日", required=True, not_future=True, default=today_in_japan)
    reason = SelectField("終結理由", [DataRequired("終結理由を選んでください。")], default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = choices(*codes.choices("closure_reason", blank="選んでください"))
