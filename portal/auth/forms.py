"""Login and password forms."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    """The login form."""

    login_id = StringField(
        "ログインID", validators=[DataRequired("ログインIDを入力してください。"), Length(max=60)]
    )
    password = PasswordField(
        "パスワード", validators=[DataRequired("パスワードを入力してください。"), Length(max=200)]
    )
    submit = SubmitField("ログイン")


class PasswordChangeForm(FlaskForm):
    """A person changes their own password."""

    current = PasswordField(
        "現在のパスワード", validators=[DataRequired("現在のパスワードを入力してください。")]
    )
    new = PasswordField(
        "新しいパスワード",
        validators=[DataRequired("新しいパスワードを入力してください。"), Length(max=200)],
    )
    confirm = PasswordField(
        "新しいパスワード（確認）",
        validators=[
            DataRequired("確認のためもう一度入力してください。"),
            EqualTo("new", "確認用のパスワードが一致しません。"),
        ],
    )
    submit = SubmitField("変更する")


class CodeForm(FlaskForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        "確認コード",
        validators=[
            DataRequired("確認コードを入力してください。"),
            Length(max=20, message="確認コードが長すぎます。"),
        ],
    )
    submit = SubmitField("確認する")
