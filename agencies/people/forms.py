"""Forms for people (利用者): profile, agency and roles, a new account, a password reset, the list filter."""

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, Optional, Regexp

from portal.extensions import db
from portal.forms import (
    ALL,
    ANY,
    AtLeastOne,
    FilterForm,
    MultiCheckboxField,
    agency_choices,
    at_most,
    choices,
    chosen,
    int_or_none,
    nfkc,
    required,
    strip,
)
from portal.models import Agency, Role

KANA = r"^[\u3040-\u309f\u30a0-\u30ff\s・ー]*$"
ROLE_CHOICES = [(r.value, r.label) for r in Role]


class PersonForm(FlaskForm):
    """Edit a person's profile, agency and roles."""

    name = StringField("氏名", [required("氏名"), at_most(60)], filters=[strip])
    name_kana = StringField(
        "ふりがな",
        [at_most(60), Regexp(KANA, message="ふりがなはひらがなかカタカナで入力してください。")],
        filters=[nfkc],
    )
    email = StringField(
        "メールアドレス",
        [
            Optional(),
            at_most(120),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="メールアドレスの形式が正しくありません。"),
        ],
        filters=[nfkc],
    )
    title = StringField("職名", [at_most(60)], filters=[strip])
    agency_id = SelectField("所属機関", [chosen("所属機関")], coerce=int, default=0)
    roles = MultiCheckboxField(
        "役割（1つ以上）", [AtLeastOne("役割を1つ以上選んでください。")], choices=choices(*ROLE_CHOICES)
    )

    def __init__(self, *args, current_agency_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency_id.choices = agency_choices(current_agency_id, "（選択してください）")

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
            required("ログインID"),
            at_most(60),
            Regexp(
                r"^[A-Za-z0-9._@-]+$",
                message="ログインIDは半角英数字と . _ @ - で入力してください。",
            ),
        ],
        filters=[nfkc],
    )
    password = PasswordField("初期パスワード", [required("初期パスワード"), at_most(200)])
    confirm = PasswordField(
        "初期パスワード（確認）",
        [required("確認のためもう一度"), EqualTo("password", "確認用のパスワードが一致しません。")],
    )


class PasswordResetForm(FlaskForm):
    """Set a new initial password for a person."""

    password = PasswordField("新しい初期パスワード", [required("新しい初期パスワード"), at_most(200)])
    confirm = PasswordField(
        "新しい初期パスワード（確認）",
        [required("確認のためもう一度"), EqualTo("password", "確認用のパスワードが一致しません。")],
    )


class PersonFilterForm(FilterForm):
    """Filter the people list by agency, role, status and a name or login id."""

    q = StringField("氏名・ふりがな・ログインID", filters=[strip])
    agency = SelectField("所属機関", coerce=int_or_none, validate_choice=False)
    role = SelectField("役割", choices=choices((ANY, ALL), *ROLE_CHOICES), validate_choice=False)
    status = SelectField(
        "状態",
        choices=choices((ANY, ALL), ("active", "利用中"), ("inactive", "停止中"), ("locked", "ロック中")),
        validate_choice=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = db.session.scalars(select(Agency).order_by(Agency.name)).all()
        self.agency.choices = choices((ANY, ALL), *((a.id, a.name) for a in agencies))
