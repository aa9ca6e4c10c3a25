"""Forms of the support plan pages: writing and reviewing a plan, its consent, local resources."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from cases import codes
from cases.choices import CONSENT_WORDING, agency_pairs, member_agencies
from cases.models import Case
from cases.plans.models import RESOURCE_KINDS, LocalResource, PlanVersion
from cases.plans.resources import ResourceInput, active_resources
from cases.plans.services import (
    TEXT_FIELDS,
    ConsentInput,
    PlanInput,
    SupportInput,
    add_months,
    caseworker_candidates,
)
from portal.dates import today_in_japan
from portal.forms import (
    MultiCheckboxField,
    Row,
    at_most,
    choices,
    chosen,
    date_field,
    lines,
    opt_int,
    required,
    strip,
)

HOUSEHOLD = "世帯（妊婦本人など）"
KIND_CHOICES = [("", "（選んでください）"), *RESOURCE_KINDS.items()]


def _text(label: str, limit: int = 4000) -> TextAreaField:
    """Return a free-text field of the plan."""
    return TextAreaField(label, [at_most(limit)], filters=[lines])


class SupportRow(Row):
    """One support: a local resource (or none), its kind, what, who, how often, from when."""

    resource_id = SelectField("地域資源", coerce=opt_int, validate_choice=False)
    kind = SelectField("種類", choices=choices(*KIND_CHOICES), default="")
    content = TextAreaField("内容", [at_most(2000)], filters=[lines])
    provider = StringField("担当（だれが）", [at_most(120)], filters=[strip])
    frequency = StringField("頻度", [at_most(60)], filters=[strip])
    starts_on = date_field("開始時期")

    def is_blank(self) -> bool:
        """Tell whether nothing was entered in this row."""
        typed_date = bool(self.starts_on.raw_data and self.starts_on.raw_data[0])
        fields = (self.resource_id, self.kind, self.content, self.provider, self.frequency)
        return not typed_date and not any(f.data for f in fields)

    def to_input(self) -> SupportInput:
        """Return the row for the plan service."""
        return SupportInput(
            resource_id=self.resource_id.data,
            kind=self.kind.data or "",
            content=self.content.data or "",
            provider=self.provider.data or "",
            frequency=self.frequency.data or "",
            starts_on=self.starts_on.data,
        )


class PlanForm(FlaskForm):
    """Write a plan with the family; for a review, also how the last period went."""

    child_id = SelectField("対象", coerce=opt_int)
    caseworker_id = SelectField("担当者", [chosen("担当者")], coerce=int)
    made_on = date_field("作成日", required=True, default=today_in_japan)
    evaluation = _text("前回からの振り返り（評価）")
    child_wish = _text("こどもの意向（こうしたい・こうなりたい）")
    guardian_wish = _text("保護者の意向（こうしたい・こうなりたい）")
    child_worries = _text("こどもが気になっていること")
    guardian_worries = _text("保護者が気になっていること")
    child_hopes = _text("こどもが希望すること")
    guardian_hopes = _text("保護者が希望すること")
    issues = _text("解決すべき課題（一緒に解決を目指すこと）")
    family_actions = _text("ご家族がすること")
    child_actions = _text("こどもがすること")
    short_term_goal = _text("短期目標（今すぐ取り組むこと）")
    short_term_until = date_field("短期目標の期限")
    long_term_goal = _text("長期目標（なりたい将来のすがた）")
    satisfaction = IntegerField(
        "保護者の満足度（0〜100、任意）",
        [Optional(), NumberRange(0, 100, "0から100の間で入力してください。")],
    )
    next_review_on = date_field("次回の見直し日", required=True)
    supports = FieldList(FormField(SupportRow), min_entries=3)
    consent_given = BooleanField("関係機関との共有に同意を得た")
    consent_name = StringField("同意した人の氏名", [at_most(60)], filters=[strip])
    consent_relation = SelectField("続柄", default="")
    consent_on = date_field("同意日", default=today_in_japan)
    consent_agency_ids = MultiCheckboxField("共有先の機関", coerce=int)
    consent_wording = TextAreaField("同意の文言", [at_most(2000)], default=CONSENT_WORDING, filters=[lines])

    def __init__(self, case: Case, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.child_id.choices = choices(*[("", HOUSEHOLD)] + [(c.id, c.name) for c in case.children])
        self.caseworker_id.choices = choices(*[(u.id, u.name) for u in caseworker_candidates(case)])
        self.consent_relation.choices = choices(*codes.choices("relation", blank="選んでください"))
        self.consent_agency_ids.choices = choices(*agency_pairs(member_agencies([case.council])))
        self.resources: list[LocalResource] = active_resources(case.council_id)
        self.fill_row_choices()
        if self.next_review_on.data is None and not self.is_submitted():
            self.next_review_on.data = add_months(self.made_on.data or today_in_japan(), 3)

    def fill_row_choices(self) -> None:
        """Give every support row the council's resources (after rows are added too)."""
        resources = [(r.id, f"{r.name}（{r.kind_label}）") for r in self.resources]
        offered = choices(("", "（選ばない）"), *resources)
        for row in self.supports:
            row.form.resource_id.choices = offered

    def add_row(self) -> None:
        """Add a blank support row (the form is shown again, not saved)."""
        self.supports.append_entry()
        self.fill_row_choices()

    def prefill(self, version: PlanVersion) -> None:
        """Start a review from the newest version's content (the evaluation starts empty)."""
        for name in TEXT_FIELDS:
            if name != "evaluation":
                self[name].data = getattr(version, name)
        self.short_term_until.data = version.short_term_until
        self.satisfaction.data = version.satisfaction
        self.made_on.data = today_in_japan()
        self.next_review_on.data = add_months(self.made_on.data, 3)
        while len(self.supports) < len(version.supports) + 1:
            self.supports.append_entry()
        for row, support in zip(self.supports, version.supports, strict=False):
            row.form.resource_id.data = support.resource_id
            row.form.kind.data = support.kind
            row.form.content.data = support.content
            row.form.provider.data = support.provider
            row.form.frequency.data = support.frequency
            row.form.starts_on.data = support.starts_on
        self.fill_row_choices()

    def to_input(self) -> PlanInput:
        """Return the version for the plan service, without the blank support rows."""
        consent = None
        if self.consent_given.data:
            consent = ConsentInput(
                given_by_name=self.consent_name.data or "",
                given_by_relation=self.consent_relation.data or "",
                given_on=self.consent_on.data,
                agency_ids=list(self.consent_agency_ids.data or []),
                wording=self.consent_wording.data or "",
            )
        return PlanInput(
            made_on=self.made_on.data,
            next_review_on=self.next_review_on.data,
            short_term_until=self.short_term_until.data,
            satisfaction=self.satisfaction.data,
            supports=[r.form.to_input() for r in self.supports if not r.form.is_blank()],
            consent=consent,
            **{name: self[name].data or "" for name in TEXT_FIELDS},
        )


class PlanWithdrawForm(FlaskForm):
    """Withdraw a consent on the plan, for every named agency or one."""

    agency_id = SelectField("撤回する範囲", coerce=opt_int, validate_choice=False)
    note = StringField("撤回の経緯", [at_most(200)], filters=[strip])


class ResourceForm(FlaskForm):
    """Add or change a local resource (地域資源)."""

    council_id = SelectField("協議会", coerce=int)
    name = StringField("名称", [required("名称"), at_most(120)], filters=[strip])
    kind = SelectField("種類", [chosen("種類")], choices=choices(*KIND_CHOICES), default="")
    contact = StringField("連絡先", [at_most(200)], filters=[strip])
    note = TextAreaField("内容・備考", [at_most(2000)], filters=[lines])
    active = BooleanField("プランで選べるようにする", default=True)

    def __init__(self, councils, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.council_id.choices = choices(*[(c.id, c.name) for c in councils])

    def to_input(self) -> ResourceInput:
        """Return the resource for the service."""
        return ResourceInput(
            council_id=self.council_id.data,
            name=self.name.data or "",
            kind=self.kind.data or "",
            contact=self.contact.data or "",
            note=self.note.data or "",
            active=bool(self.active.data),
        )
