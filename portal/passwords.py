"""Password hashing (argon2) and the password strength rule."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

_hasher = PasswordHasher()

MIN_LENGTH = 10

# Passwords seen in every leaked list; refused whatever their length.
_COMMON = {
    "password12",
    "password123",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "abcdefghij",
    "passw0rd12",
    "iloveyou12",
    "administrator",
    "0123456789",
    "aaaaaaaaaa",
}


def hash_password(password: str) -> str:
    """Return the argon2 hash of a password."""
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    """Tell whether the password matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash of nothing in particular, checked when the login id is unknown so that a wrong
# login id takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("dummy-password-for-timing")


def burn_time(password: str) -> None:
    """Spend the time of one verification, for unknown login ids."""
    check_password(_DUMMY_HASH, password)


def password_problems(password: str, login_id: str = "", name: str = "") -> list[str]:
    """Return what is wrong with a new password, in Japanese; empty when it is strong enough."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("パスワードは%(n)d文字以上にしてください。", n=MIN_LENGTH))
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    if sum(classes) < 3:
        problems.append(_("英小文字・英大文字・数字・記号のうち3種類以上を組み合わせてください。"))
    lowered = password.lower()
    if lowered in _COMMON or len(set(password)) < 5:
        problems.append(_("推測されやすいパスワードは使えません。"))
    if login_id and login_id.lower() in lowered:
        problems.append(_("ログインIDを含むパスワードは使えません。"))
    if name and name in password:
        problems.append(_("氏名を含むパスワードは使えません。"))
    return problems
