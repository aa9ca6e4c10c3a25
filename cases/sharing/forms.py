"""Forms of a case's sharing page: involvements, consents and their withdrawal, emergency shares."""

from datetime import timedelta

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired

from cases import codes
from cases.choices import CONSENT_WORDING, PART_CHOICES, active_agencies, agency_pairs, member_agencies
from cases.models import Case
from cases.sharing.models import InvolvementKind
from portal.dates import today_in_japan
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


class InvolvementForm(FlaskForm):
    """Record an agency's involvement (関与) in a case."""

    agency_id = SelectField("機関", [chosen("機関")], coerce=int)
    kind = SelectField(
        "関与の種類",
        choices=choices(*[(k.value, k.label) for k in InvolvementKind]),
        default=InvolvementKind.ASSIGNED.value,
    )
    child_id = SelectField("対象の子ども", coerce=opt_int)
    started_on = date_field("開始日", required=True, default=today_in_japan)
    ended_on = date_field("終了日")
    note = StringField("備考", [at_most(200)], filters=[strip])

    def __init__(self, case: Case, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency_id.choices = choices(*agency_pairs(member_agencies([case.council])))
        self.child_id.choices = choices(*[("", "（世帯全体）")] + [(c.id, c.name) for c in case.children])


class EndInvolvementForm(FlaskForm):
    """End an involvement."""

    ended_on = date_field("終了日", required=True, default=today_in_japan)


class ConsentForm(FlaskForm):
    """Record a guardian's consent to share parts of the case with named agencies."""

    given_by_name = StringField("同意した人の氏名", [required("氏名"), at_most(60)], filters=[strip])
    given_by_relation = SelectField("続柄", [DataRequired("続柄を選んでください。")], default="")
    given_on = date_field("同意日", required=True, default=today_in_japan)
    valid_until = date_field("有効期限")
    agency_ids = MultiCheckboxField("共有先の機関", [chosen("共有先の機関")], coerce=int)
    parts = MultiCheckboxField("共有する情報", [chosen("共有する情報")], choices=PART_CHOICES)
    wording = TextAreaField("同意の文言", [at_most(2000)], default=CONSENT_WORDING, filters=[lines])
    document = FileField("同意書の写し（PDF・PNG・JPEG、10MBまで）")

    def __init__(self, case: Case, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.given_by_relation.choices = choices(*codes.choices("relation", blank="選んでください"))
        # Only the case's own council's member agencies share the council's duty of confidentiality.
        self.agency_ids.choices = choices(*agency_pairs(member_agencies([case.council])))


class WithdrawForm(FlaskForm):
    """Withdraw a consent, for every agency or one."""

    agency_id = SelectField("撤回する範囲", coerce=opt_int, validate_choice=False)
    note = StringField("撤回の経緯", [at_most(200)], filters=[strip])


class EmergencyForm(FlaskForm):
    """Share parts without consent in an emergency (a coordinator's permission)."""

    agency_id = SelectField("共有先の機関", [chosen("共有先の機関")], coerce=int)
    parts = MultiCheckboxField("共有する情報", [chosen("共有する情報")], choices=PART_CHOICES)
    reason = TextAreaField("理由", [required("緊急共有の理由"), at_most(2000)], filters=[lines])
    legal_basis = SelectField("法的根拠", [DataRequired("法的根拠を選んでください。")], default="")
    valid_until = date_field(
        "期限（30日以内）", required=True, default=lambda: today_in_japan() + timedelta(days=7)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency_id.choices = choices(*agency_pairs(active_agencies()))
        self.legal_basis.choices = choices(*codes.choices("legal_basis", blank="選んでください"))
