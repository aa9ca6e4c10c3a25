"""Forms of a case's sharing page: involvements, consents and their withdrawal, emergency shares."""

from datetime import timedelta

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired

from cases import codes
from cases.forms import (
    CONSENT_WORDING,
    PART_CHOICES,
    MultiCheckboxField,
    _active_agencies,
    _agency_choices,
    _choices,
    _chosen,
    _date,
    _lines,
    _max,
    _members,
    _opt_int,
    _required,
    _strip,
)
from cases.models import Case, InvolvementKind
from portal.dates import today_in_japan


class InvolvementForm(FlaskForm):
    """Record an agency's involvement (関与) in a case."""

    agency_id = SelectField("機関", [_chosen("機関")], coerce=int)
    kind = SelectField(
        "関与の種類",
        choices=_choices([(k.value, k.label) for k in InvolvementKind]),
        default=InvolvementKind.ASSIGNED.value,
    )
    child_id = SelectField("対象の子ども", coerce=_opt_int)
    started_on = _date("開始日", required=True, default=today_in_japan)
    ended_on = _date("終了日")
    note = StringField("備考", [_max(200)], filters=[_strip])

    def __init__(self, case: Case, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency_id.choices = _choices(_agency_choices(_members([case.council])))
        self.child_id.choices = _choices([("", "（世帯全体）")] + [(c.id, c.name) for c in case.children])


class EndInvolvementForm(FlaskForm):
    """End an involvement."""

    ended_on = _date("終了日", required=True, default=today_in_japan)


class ConsentForm(FlaskForm):
    """Record a guardian's consent to share parts of the case with named agencies."""

    given_by_name = StringField("同意した人の氏名", [_required("氏名"), _max(60)], filters=[_strip])
    given_by_relation = SelectField("続柄", [DataRequired("続柄を選んでください。")], default="")
    given_on = _date("同意日", required=True, default=today_in_japan)
    valid_until = _date("有効期限")
    agency_ids = MultiCheckboxField("共有先の機関", [_chosen("共有先の機関")], coerce=int)
    parts = MultiCheckboxField("共有する情報", [_chosen("共有する情報")], choices=PART_CHOICES)
    wording = TextAreaField("同意の文言", [_max(2000)], default=CONSENT_WORDING, filters=[_lines])
    document = FileField("同意書の写し（PDF・PNG・JPEG、10MBまで）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.given_by_relation.choices = _choices(codes.choices("relation", blank="選んでください"))
        self.agency_ids.choices = _choices(_agency_choices(_active_agencies()))


class WithdrawForm(FlaskForm):
    """Withdraw a consent, for every agency or one."""

    agency_id = SelectField("撤回する範囲", coerce=_opt_int, validate_choice=False)
    note = StringField("撤回の経緯", [_max(200)], filters=[_strip])


class EmergencyForm(FlaskForm):
    """Share parts without consent in an emergency (a coordinator's permission)."""

    agency_id = SelectField("共有先の機関", [_chosen("共有先の機関")], coerce=int)
    parts = MultiCheckboxField("共有する情報", [_chosen("共有する情報")], choices=PART_CHOICES)
    reason = TextAreaField("理由", [_required("緊急共有の理由"), _max(2000)], filters=[_lines])
    legal_basis = SelectField("法的根拠", [DataRequired("法的根拠を選んでください。")], default="")
    valid_until = _date(
        "期限（30日以内）", required=True, default=lambda: today_in_japan() + timedelta(days=7)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency_id.choices = _choices(_agency_choices(_active_agencies()))
        self.legal_basis.choices = _choices(codes.choices("legal_basis", blank="選んでください"))
