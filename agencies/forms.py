"""Forms for councils, agency kinds, agencies and people, with Japanese messages."""

import unicodedata

from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
)
from wtforms.widgets import CheckboxInput, ListWidget

from portal.extensions import db
from portal.models import Agency, AgencyCategory, AgencyKind, Council, Role

ANY = ""  # the value of the "all" choice of a filter
ALL = "すべて"


def _strip(value):
    """Trim surrounding spaces (full-width ones too) from typed text."""
    return value.strip() if isinstance(value, str) else value


def _nfkc(value):
    """Fold full-width digits and half-width kana to their usual forms."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


def _required(what: str) -> DataRequired:
    """Require a typed value, saying which one is missing."""
    return DataRequired(f"{what}を入力してください。")


def _chosen(what: str) -> DataRequired:
    """Require a choice, saying which one is missing."""
    return DataRequired(f"{what}を選んでください。")


def _max(n: int) -> Length:
    """Limit the length of typed text to what the column holds."""
    return Length(max=n, message=f"{n}文字以内で入力してください。")


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AtLeastOne:
    """Require one checked box; unlike DataRequired it marks no single checkbox `required`."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field) -> None:
        """Stop validation when no box is checked."""
        if not field.data:
            raise StopValidation(self.message)


def _choices(*pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def _agency_choices(current_id: int | None, placeholder: str) -> list[SelectChoice]:
    """Return active agencies (and the current one, even if inactive) as select choices."""
    query = select(Agency).where(or_(Agency.active.is_(True), Agency.id == (current_id or 0)))
    agencies = db.session.scalars(query.order_by(Agency.name)).all()
    return _choices((0, placeholder), *((a.id, f"{a.name}（{a.kind.name}）") for a in agencies))


def _kind_choices(current_id: int | None, placeholder: str, empty: int | str = 0) -> list[SelectChoice]:
    """Return active agency kinds (and the current one) in their sort order."""
    query = select(AgencyKind).where(or_(AgencyKind.active.is_(True), AgencyKind.id == (current_id or 0)))
    kinds = db.session.scalars(query.order_by(AgencyKind.sort_order, AgencyKind.name)).all()
    return _choices((empty, placeholder), *((k.id, k.name) for k in kinds))


def _council_choices() -> list[tuple[int, str]]:
    """Return every council, active ones first."""
    councils = db.session.scalars(select(Council).order_by(Council.active.desc(), Council.name)).all()
    return [(c.id, c.name if c.active else f"{c.name}（休止中）") for c in councils]


class CouncilForm(FlaskForm):
    """Create or edit a council (要対協) and its settings."""

    name = StringField("協議会名", [_required("協議会名"), _max(120)], filters=[_strip])
    municipality = StringField("市区町村", [_required("市区町村"), _max(60)], filters=[_strip])
    coordinating_agency_id = SelectField("調整機関", coerce=int, default=0)
    tier_representative = StringField(
        "代表者会議の名称", [_required("名称"), _max(40)], default="代表者会議", filters=[_strip]
    )
    tier_practitioner = StringField(
        "実務者会議の名称", [_required("名称"), _max(40)], default="実務者会議", filters=[_strip]
    )
    tier_individual = StringField(
        "個別ケース検討会議の名称",
        [_required("名称"), _max(40)],
        default="個別ケース検討会議",
        filters=[_strip],
    )
    tier_joint = StringField(
        "合同ケース会議の名称", [_required("名称"), _max(40)], default="合同ケース会議", filters=[_strip]
    )
    tier_progress = StringField(
        "進行管理会議の名称", [_required("名称"), _max(40)], default="進行管理会議", filters=[_strip]
    )
    report_due_day = IntegerField(
        "月次報告の提出期限（翌月の日）",
        [
            InputRequired("提出期限の日を入力してください。"),
            NumberRange(1, 28, "1から28までの日を入力してください。"),
        ],
        default=10,
    )
    active = BooleanField("利用中", default=True)

    def __init__(self, *args, current_agency_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.coordinating_agency_id.choices = _agency_choices(current_agency_id, "（未設定）")

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
    "active",
)


class KindForm(FlaskForm):
    """Create or edit an agency kind (機関種別)."""

    name = StringField("種別名", [_required("種別名"), _max(40)], filters=[_strip])
    category = SelectField(
        "区分",
        [_chosen("区分")],
        choices=_choices(*((c.value, c.label) for c in AgencyCategory)),
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

    name = StringField("機関名", [_required("機関名"), _max(120)], filters=[_strip])
    kind_id = SelectField("機関種別", [_chosen("機関種別")], coerce=int, default=0)
    address = StringField("所在地", [_max(200)], filters=[_strip])
    phone = StringField(
        "電話番号",
        [_max(40), Regexp(r"^[0-9()+\- ]*$", message="電話番号は数字とハイフンで入力してください。")],
        filters=[_nfkc],
    )
    council_ids = MultiCheckboxField("所属する協議会", coerce=int)
    active = BooleanField("利用中", default=True)

    def __init__(self, *args, current_kind_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_id.choices = _kind_choices(current_kind_id, "（選択してください）")
        self.council_ids.choices = _choices(*_council_choices())

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


KANA = r"^[\u3040-\u309f\u30a0-\u30ff\s・ー]*$"
ROLE_CHOICES = [(r.value, r.label) for r in Role]


class PersonForm(FlaskForm):
    """Edit a person's profile, agency and roles."""

    name = StringField("氏名", [_required("氏名"), _max(60)], filters=[_strip])
    name_kana = StringField(
        "ふりがな",
        [_max(60), Regexp(KANA, message="ふりがなはひらがなかカタカナで入力してください。")],
        filters=[_nfkc],
    )
    email = StringField(
        "メールアドレス",
        [
            Optional(),
            _max(120),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="メールアドレスの形式が正しくありません。"),
        ],
        filters=[_nfkc],
    )
    title = StringField("職名", [_max(60)], filters=[_strip])
    agency_id = SelectField("所属機関", [_chosen("所属機関")], coerce=int, default=0)
    roles = MultiCheckboxField(
        "役割（1つ以上）", [AtLeastOne("役割を1つ以上選んでください。")], choices=_choices(*ROLE_CHOICES)
    )

    def __init__(self, *args, current_agency_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency_id.choices = _agency_choices(current_agency_id, "（選択してください）")

    def values(self) -> dict:
        """Return the typed values as model attributes (roles as a set of Role)."""
        return {
            "name": self.name.data,
            "name_kana": self.name_kana.data or "",
            "email": self.email.data or "",
            "title": self.title.data or "",
            "agency": db.session.get(Agency, self.agency_id.data),
            "roles": {Role(r) for r in self.roles.data or []},
        }


class NewPersonForm(PersonForm):
    """Create a person with a login id and an initial password."""

    login_id = StringField(
        "ログインID",
        [
            _required("ログインID"),
            _max(60),
            Regexp(
                r"^[A-Za-z0-9._@-]+$",
                message="ログインIDは半角英数字と . _ @ - で入力してください。",
            ),
        ],
        filters=[_nfkc],
    )
    password = PasswordField("初期パスワード", [_required("初期パスワード"), _max(200)])
    confirm = PasswordField(
        "初期パスワード（確認）",
        [_required("確認のためもう一度"), EqualTo("password", "確認用のパスワードが一致しません。")],
    )


class PasswordResetForm(FlaskForm):
    """Set a new initial password for a person."""

    password = PasswordField("新しい初期パスワード", [_required("新しい初期パスワード"), _max(200)])
    confirm = PasswordField(
        "新しい初期パスワード（確認）",
        [_required("確認のためもう一度"), EqualTo("password", "確認用のパスワードが一致しません。")],
    )


class _FilterForm(FlaskForm):
    """Filters read from the query string; GET needs no CSRF token."""

    class Meta:
        csrf = False


def _int_or_none(value):
    """Read an optional id from the query string; anything else means "all"."""
    try:
        return int(value) if value not in (None, ANY) else None
    except (TypeError, ValueError):
        return None


class AgencyFilterForm(_FilterForm):
    """Filter the agency list by council and kind."""

    council = SelectField("協議会", coerce=_int_or_none, validate_choice=False)
    kind = SelectField("機関種別", coerce=_int_or_none, validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.council.choices = _choices((ANY, ALL), *_council_choices())
        self.kind.choices = _kind_choices(self.kind.data, ALL, empty=ANY)


class PersonFilterForm(_FilterForm):
    """Filter the people list by agency, role, status and a name or login id."""

    q = StringField("氏名・ふりがな・ログインID", filters=[_strip])
    agency = SelectField("所属機関", coerce=_int_or_none, validate_choice=False)
    role = SelectField("役割", choices=_choices((ANY, ALL), *ROLE_CHOICES), validate_choice=False)
    status = SelectField(
        "状態",
        choices=_choices((ANY, ALL), ("active", "利用中"), ("inactive", "停止中"), ("locked", "ロック中")),
        validate_choice=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = db.session.scalars(select(Agency).order_by(Agency.name)).all()
        self.agency.choices = _choices((ANY, ALL), *((a.id, a.name) for a in agencies))
