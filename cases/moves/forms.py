"""Forms of moves: a change of school, 所在不明 and found, a transfer, its handover and its acceptance."""

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import RadioField, SelectField, StringField, TextAreaField

from cases.choices import RISK_CHOICES, agency_pairs
from cases.models import Case
from cases.moves.models import HANDOVER_METHODS
from portal.dates import today_in_japan
from portal.extensions import db
from portal.forms import at_most, choices, chosen, date_field, lines, opt_int, required, strip
from portal.models import Council


class SchoolChangeForm(FlaskForm):
    """Move a child to another school or nursery of the council."""

    child_id = SelectField("子ども", [chosen("子ども")], coerce=opt_int)
    new_agency_id = SelectField("新しい所属（学校・保育所等）", [chosen("新しい所属")], coerce=opt_int)
    moved_on = date_field("転校・転園の日", required=True, default=today_in_japan)
    grade_class = StringField("学年・組", [at_most(30)], filters=[strip])

    def __init__(self, case: Case, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.child_id.choices = choices(("", "選んでください"), *((c.id, c.name) for c in case.children))
        kinds = ("school", "nursery")
        members = [a for a in case.council.members if a.active and a.category.value in kinds]
        self.new_agency_id.choices = choices(("", "選んでください"), *agency_pairs(members))


class MissingForm(FlaskForm):
    """Mark the family's whereabouts unknown (所在不明)."""

    since_on = date_field("所在不明になった日", required=True, default=today_in_japan)
    note = TextAreaField("分かっていること", [at_most(4000)], filters=[lines])


class FoundForm(FlaskForm):
    """Record that the family was found."""

    found_on = date_field("所在が分かった日", required=True, default=today_in_japan)
    found_note = TextAreaField("確認の内容", [at_most(4000)], filters=[lines])


class TransferForm(FlaskForm):
    """Start a transfer to another council (ケース移管)."""

    to_council_id = SelectField("移管先の協議会", coerce=opt_int)
    destination_name = StringField("ポータル外の移管先（自治体名）", [at_most(120)], filters=[strip])
    move_on = date_field("転居日", required=True, default=today_in_japan)
    reason = TextAreaField("移管の理由", [required("移管の理由"), at_most(4000)], filters=[lines])
    risk_level = RadioField("リスク", [chosen("リスク")], coerce=int, choices=RISK_CHOICES)

    def __init__(self, case: Case, *args, **kwargs):
        kwargs.setdefault("risk_level", case.risk_level)
        super().__init__(*args, **kwargs)
        query = select(Council).where(Council.active, Council.id != case.council_id).order_by(Council.name)
        councils = db.session.scalars(query)
        self.to_council_id.choices = choices(
            ("", "（ポータル外の自治体）"), *((c.id, c.name) for c in councils)
        )


class HandoverForm(FlaskForm):
    """The face-to-face or phone handover of a transfer."""

    method = RadioField("引継ぎの方法", [chosen("引継ぎの方法")], choices=choices(*HANDOVER_METHODS.items()))
    on = date_field("引継ぎの日", required=True, default=today_in_japan)
    with_whom = StringField(
        "引継ぎの相手（機関・氏名）", [required("引継ぎの相手"), at_most(120)], filters=[strip]
    )
    note = TextAreaField("引継ぎの内容", [at_most(4000)], filters=[lines])


class AcceptForm(FlaskForm):
    """Accept a transfer, carrying or changing the 児童相談所."""

    child_guidance_agency_id = SelectField("児童相談所", coerce=opt_int)

    def __init__(self, council: Council, carried_id: int | None, *args, **kwargs):
        kwargs.setdefault("child_guidance_agency_id", carried_id)
        super().__init__(*args, **kwargs)
        cgc = [a for a in council.members if a.active and a.category.value == "child_guidance"]
        self.child_guidance_agency_id.choices = choices(("", "（協議会の設定どおり）"), *agency_pairs(cgc))
