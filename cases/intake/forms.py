"""Forms of intake: the 相談・通告受付票, the 48-hour sighting and the 受理会議 decision."""

from datetime import datetime, time

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired

from cases import codes, policy
from cases.choices import agency_pairs, member_agencies
from cases.intake.models import CHANNELS, DECISIONS, REFERRAL_KINDS, SIGHTING_METHODS, URGENCY_ITEMS
from cases.intake.services import Decision, IntakeInput
from cases.ledger.forms import ChildRow, GuardianRow
from cases.models import Case, Category
from portal.dates import TOKYO, today_in_japan
from portal.extensions import db
from portal.forms import (
    MultiCheckboxField,
    at_most,
    choices,
    chosen,
    date_field,
    lines,
    opt_int,
    required,
    strip,
)
from portal.models import Council, User


def _at(day, moment: time | None) -> datetime:
    """Return an aware datetime for a date and time typed in Japan time."""
    return datetime.combine(day, moment or time(0, 0), tzinfo=TOKYO)


class IntakeForm(FlaskForm):
    """The 相談・通告受付票 with the 緊急度アセスメント checklist."""

    council_id = SelectField("協議会", [chosen("協議会")], coerce=int)
    received_on = date_field("受付日", required=True, default=today_in_japan)
    received_time = TimeField("受付時刻", [InputRequired("受付時刻を入力してください。")])
    channel = SelectField(
        "受付の方法", [chosen("受付の方法")], choices=choices(("", "選んでください"), *CHANNELS.items())
    )
    referral_route = SelectField("相談経路", default="")
    caller_anonymous = BooleanField("匿名での通告（通告者の氏名・連絡先は記録しない）")
    caller_name = StringField("通告者の氏名", [at_most(60)], filters=[strip])
    caller_relation = StringField("子どもとの関係", [at_most(40)], filters=[strip])
    caller_contact = StringField("通告者の連絡先", [at_most(80)], filters=[strip])
    heard = TextAreaField(
        "見たこと・聞いたこと", [required("見たこと・聞いたこと"), at_most(10000)], filters=[lines]
    )
    abuse_report = BooleanField("虐待の通告である（児童相談所にも知らせる）", default=True)
    abuse_types = MultiCheckboxField("虐待の種別（疑い）")
    urgency_items = MultiCheckboxField(
        "緊急度アセスメント（当てはまるもの）",
        choices=choices(*[(k, v[0]) for k, v in URGENCY_ITEMS.items()]),
    )
    household_note = TextAreaField("世帯について分かっていること", [at_most(10000)], filters=[lines])
    children = FieldList(FormField(ChildRow), min_entries=2)
    guardians = FieldList(FormField(GuardianRow), min_entries=2)
    confirm_duplicates = BooleanField("似たケースを確認したうえで、新しく受け付けます")

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ids = policy.coordinated_council_ids(user)
        councils = list(db.session.scalars(select(Council).where(Council.id.in_(ids)).order_by(Council.name)))
        self.council_id.choices = choices(*[(c.id, c.name) for c in councils])
        members = agency_pairs(member_agencies(councils))
        self.referral_route.choices = choices(*codes.choices("referral_route", blank="（未選択）"))
        self.abuse_types.choices = choices(*codes.choices("abuse_type"))
        relations = codes.choices("relation", blank="（選択）")
        for row in self.children:
            row.form.enrolled_agency_id.choices = choices(*[("", "（不明）"), *members])
        for row in self.guardians:
            row.form.relation.choices = choices(*relations)

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then require at least one child's name (it may be all that is known)."""
        ok = super().validate(extra_validators)
        rows = [r.form for r in self.children if not r.form.is_blank()]
        if not rows or any(not r.name.data for r in rows):
            self.children.errors.append(
                "子どもの氏名を入力してください（分かる範囲で。例: 不明（みどり第一小の男児））。"
            )
            ok = False
        for row in self.guardians:
            if not row.form.is_blank() and (not row.form.name.data or not row.form.relation.data):
                row.form.name.errors.append("保護者の氏名と続柄を入力してください。")
                ok = False
        return ok

    def names(self) -> tuple[list[str], list[str]]:
        """Return the typed children's and guardians' names (for the duplicate check)."""
        kids = [n for r in self.children for n in (r.form.name.data, r.form.name_kana.data) if n]
        adults = [n for r in self.guardians for n in (r.form.name.data, r.form.name_kana.data) if n]
        return kids, adults

    def to_input(self) -> IntakeInput:
        """Return the 受付票 for services.receive."""
        children = [r.form for r in self.children if not r.form.is_blank()]
        guardians = [r.form for r in self.guardians if not r.form.is_blank()]
        return IntakeInput(
            council_id=self.council_id.data,
            received_at=_at(self.received_on.data, self.received_time.data),
            channel=self.channel.data,
            heard=self.heard.data or "",
            caller_anonymous=self.caller_anonymous.data,
            caller_name=self.caller_name.data or "",
            caller_relation=self.caller_relation.data or "",
            caller_contact=self.caller_contact.data or "",
            referral_route=self.referral_route.data or "",
            abuse_report=self.abuse_report.data,
            abuse_types=list(self.abuse_types.data or []),
            urgency_items=list(self.urgency_items.data or []),
            household_note=self.household_note.data or "",
            children=[c.to_input() for c in children],
            guardians=[g.to_input() for g in guardians],
        )


class SightingForm(FlaskForm):
    """The direct sighting of the child that closes the 48-hour check."""

    seen_on = date_field("確認日", required=True, default=today_in_japan)
    seen_time = TimeField("確認時刻", [InputRequired("確認時刻を入力してください。")])
    seen_by = StringField("確認した人（機関・氏名）", [required("確認した人"), at_most(120)], filters=[strip])
    how = SelectField(
        "確認の方法",
        [chosen("確認の方法")],
        choices=choices(("", "選んでください"), *SIGHTING_METHODS.items()),
    )
    note = TextAreaField("確認した子どもの様子", [at_most(4000)], filters=[lines])

    def seen_at(self) -> datetime:
        """Return when the child was seen."""
        return _at(self.seen_on.data, self.seen_time.data)


class DecisionForm(FlaskForm):
    """The 受理会議 decision on an intake."""

    decision = RadioField("決定", [chosen("決定")], choices=choices(*DECISIONS.items()))
    decided_on = date_field("受理会議の日", required=True, default=today_in_japan)
    reason = TextAreaField("決定の理由", [required("決定の理由"), at_most(4000)], filters=[lines])
    category = SelectField(
        "登録区分（登録のとき）",
        choices=choices(("", "選んでください"), *[(c.value, c.label) for c in Category]),
        default="",
    )
    lead_agency_id = SelectField("主担当機関（登録のとき）", coerce=opt_int)
    referral_kind = SelectField(
        "送致・援助依頼（児相のとき）",
        choices=choices(("", "選んでください"), *REFERRAL_KINDS.items()),
        default="",
    )
    referral_agency_id = SelectField("児童相談所（児相のとき）", coerce=opt_int)

    def __init__(self, case: Case, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = [a for a in case.council.members if a.active]
        self.lead_agency_id.choices = choices(("", "（調整機関が担当）"), *agency_pairs(members))
        cgc = [a for a in members if a.category.value == "child_guidance"]
        self.referral_agency_id.choices = choices(("", "選んでください"), *agency_pairs(cgc))

    def to_decision(self) -> Decision:
        """Return the decision for services.decide."""
        return Decision(
            decision=self.decision.data,
            reason=self.reason.data or "",
            decided_on=self.decided_on.data,
            category=self.category.data or "",
            lead_agency_id=self.lead_agency_id.data,
            referral_kind=self.referral_kind.data or "",
            referral_agency_id=self.referral_agency_id.data,
        )
