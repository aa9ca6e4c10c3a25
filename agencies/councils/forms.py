"""Forms for councils, agency kinds and agencies, with Japanese messages (people: agencies/people)."""

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Regexp, ValidationError

from portal.extensions import db
from portal.forms import (
    ALL,
    ANY,
    FilterForm,
    MultiCheckboxField,
    agency_choices,
    at_most,
    choices,
    chosen,
    council_choices,
    int_or_none,
    kind_choices,
    nfkc,
    required,
    strip,
)
from portal.models import Agency, AgencyCategory, AgencyKind, Council

# Which registered cases the council's 児童相談所 joins by itself (Council.child_guidance_auto_join;
# cases/ledger/services.py applies the rule when a case is registered or its abuse types change).
AUTO_JOIN_CHOICES = (
    ("abuse", "虐待の種別が入力されたケース（標準）"),
    ("all", "登録されたすべてのケース"),
    ("none", "自動では加えない（ケースごとに追加する）"),
)

# How the figures of the 代表者会議 take a child's age, and where they hide counts of 1–2
# (Council.figures_age_basis and figures_small_counts; figures/rules.py applies them).
AGE_BASIS_CHOICES = (
    ("year_end", "年度末日（3月31日）の年齢（標準）"),
    ("year_start", "年度初日（4月1日）の年齢"),
)
SMALL_COUNT_CHOICES = (
    ("exports", "Word・Excelの写しで「3未満」と表示する（標準）"),
    ("everywhere", "画面でも「3未満」と表示する"),
    ("never", "表示しない（正確な数を出す）"),
)

# 部会 (sections of the practitioner meeting): each name fits Case.section and Meeting.section.
SECTION_MAX_LENGTH = 40
SECTIONS_MAX = 20


def section_lines(value):
    """Keep one 部会 name a line: each trimmed, blank lines dropped, one kind of line break."""
    if not isinstance(value, str):
        return value
    return "\n".join(line.strip() for line in value.splitlines() if line.strip())


def check_sections(form, field) -> None:
    """Refuse a 部会 list with a name too long, a name twice, or too many names."""
    names = field.data.splitlines() if field.data else []
    problems = [
        f"部会「{name[:20]}…」は{SECTION_MAX_LENGTH}文字以内で入力してください。"
        for name in names
        if len(name) > SECTION_MAX_LENGTH
    ]
    twice = [name for name in dict.fromkeys(names) if names.count(name) > 1]
    problems += [f"部会「{name}」が2回以上入力されています。" for name in twice]
    if "-" in names:  # the ledger's filter uses "-" for cases without a 部会
        problems.append("「-」は部会の名前に使えません。")
    if len(names) > SECTIONS_MAX:
        problems.append(f"部会は{SECTIONS_MAX}までにしてください（{len(names)}入力されています）。")
    if problems:
        field.errors.extend(problems[:-1])
        raise ValidationError(problems[-1])


def _tier(label: str, default: str) -> StringField:
    """Return the field for one meeting tier's local name."""
    return StringField(label, [required("名称"), at_most(40)], default=default, filters=[strip])


class CouncilForm(FlaskForm):
    """Create or edit a council (要対協) and its settings."""

    name = StringField("協議会名", [required("協議会名"), at_most(120)], filters=[strip])
    municipality = StringField("市区町村", [required("市区町村"), at_most(60)], filters=[strip])
    coordinating_agency_id = SelectField("調整機関", coerce=int, default=0)
    tier_representative = _tier("代表者会議の名称", "代表者会議")
    tier_practitioner = _tier("実務者会議の名称", "実務者会議")
    tier_individual = _tier("個別ケース検討会議の名称", "個別ケース検討会議")
    tier_joint = _tier("合同ケース会議の名称", "合同ケース会議")
    tier_progress = _tier("進行管理会議の名称", "進行管理会議")
    report_due_day = IntegerField(
        "月次報告の提出期限（翌月の日）",
        [
            InputRequired("提出期限の日を入力してください。"),
            NumberRange(1, 28, "1から28までの日を入力してください。"),
        ],
        default=10,
    )
    child_guidance_auto_join = SelectField(
        "児童相談所が自動で加わるケース",
        [chosen("児童相談所が自動で加わるケース")],
        choices=choices(*AUTO_JOIN_CHOICES),
        default="abuse",
    )
    sections = TextAreaField("部会（1行に1つ）", [check_sections], filters=[section_lines])
    two_factor_for_members = BooleanField("関係機関の職員にも二段階認証を求める", default=False)
    figures_age_basis = SelectField(
        "統計の年齢の基準",
        [chosen("統計の年齢の基準")],
        choices=choices(*AGE_BASIS_CHOICES),
        default="year_end",
    )
    figures_small_counts = SelectField(
        "統計の1〜2の数", [chosen("統計の1〜2の数")], choices=choices(*SMALL_COUNT_CHOICES), default="exports"
    )
    active = BooleanField("利用中", default=True)

    def __init__(self, *args, current_agency_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.coordinating_agency_id.choices = agency_choices(current_agency_id, "（未設定）")

    def values(self) -> dict:
        """Return the typed values as model attributes."""
        data = {name: getattr(self, name).data for name in COUNCIL_FIELDS}
        agency_id = self.coordinating_agency_id.data
        data["coordinating_agency"] = db.session.get(Agency, agency_id) if agency_id else None
        return data


COUNCIL_FIELDS = (
    "name",
    "municipality",
    "tier_representative",
    "tier_practitioner",
    "tier_individual",
    "tier_joint",
    "tier_progress",
    "report_due_day",
    "child_guidance_auto_join",
    "sections",
    "two_factor_for_members",
    "figures_age_basis",
    "figures_small_counts",
    "active",
)


class KindForm(FlaskForm):
    """Create or edit an agency kind (機関種別)."""

    name = StringField("種別名", [required("種別名"), at_most(40)], filters=[strip])
    category = SelectField(
        "区分",
        [chosen("区分")],
        choices=choices(*((c.value, c.label) for c in AgencyCategory)),
        default=AgencyCategory.OTHER.value,
    )
    sort_order = IntegerField(
        "表示順",
        [
            InputRequired("表示順を入力してください。"),
            NumberRange(0, 9999, "0から9999までの数を入力してください。"),
        ],
        default=100,
    )
    active = BooleanField("利用中", default=True)

    def values(self) -> dict:
        """Return the typed values as model attributes."""
        return {name: getattr(self, name).data for name in ("name", "category", "sort_order", "active")}


class AgencyForm(FlaskForm):
    """Create or edit an agency (関係機関) and the councils it belongs to."""

    name = StringField("機関名", [required("機関名"), at_most(120)], filters=[strip])
    kind_id = SelectField("機関種別", [chosen("機関種別")], coerce=int, default=0)
    address = StringField("所在地", [at_most(200)], filters=[strip])
    phone = StringField(
        "電話番号",
        [at_most(40), Regexp(r"^[0-9()+\- ]*$", message="電話番号は数字とハイフンで入力してください。")],
        filters=[nfkc],
    )
    council_ids = MultiCheckboxField("所属する協議会", coerce=int)
    active = BooleanField("利用中", default=True)

    def __init__(self, *args, current_kind_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_id.choices = kind_choices(current_kind_id, "（選択してください）")
        self.council_ids.choices = choices(*council_choices())

    def values(self) -> dict:
        """Return the typed values as model attributes."""
        ids = self.council_ids.data or []
        councils = db.session.scalars(select(Council).where(Council.id.in_(ids))).all() if ids else []
        return {
            "name": self.name.data,
            "kind": db.session.get(AgencyKind, self.kind_id.data),
            "address": self.address.data or "",
            "phone": self.phone.data or "",
            "councils": list(councils),
            "active": self.active.data,
        }


class AgencyFilterForm(FilterForm):
    """Filter the agency list by council and kind."""

    council = SelectField("協議会", coerce=int_or_none, validate_choice=False)
    kind = SelectField("機関種別", coerce=int_or_none, validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.council.choices = choices((ANY, ALL), *council_choices())
        self.kind.choices = kind_choices(self.kind.data, ALL, empty=ANY)
