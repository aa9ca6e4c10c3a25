"""Password hashing (argon2) and the password strength rule."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import gettext as _

# argon2-cffi's defaults: RFC 9106's second recommended profile (t=3, 64 MiB, 4 lanes), ~0.1-0.3 s.
STRONG = PasswordHasher()
# For the test suite only (TESTING with PASSWORD_HASHER="fast"): the same algorithm at its cheapest,
# so a thousand logins do not cost minutes. A verification reads the parameters from the hash itself.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_DUMMY_HASHES: dict[int, str] = {}


def hasher() -> PasswordHasher:
    """Return the hasher new hashes are made with: the strong one, unless a test app asked for speed."""
    if has_app_context() and current_app.testing and current_app.config.get("PASSWORD_HASHER") == "fast":
        return FAST
    return STRONG


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
    return hasher().hash(password)


def check_password(password_hash: str, password: str) -> bool:
    """Tell whether the password matches the stored hash (whose parameters it carries)."""
    try:
        return STRONG.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def burn_time(password: str) -> None:
    """Spend the time of one verification for an unknown login id (it costs what a wrong password does)."""
    current = hasher()
    if id(current) not in _DUMMY_HASHES:
        _DUMMY_HASHES[id(current)] = current.hash("dummy-password-for-timing")
    check_password(_DUMMY_HASHES[id(current)], password)


def password_problems(password: str, login_id: str = "", name: str = "", kana: str = "") -> list[str]:
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
    if any(part in lowered for part in _name_forms(name, kana)):
        problems.append(_("氏名を含むパスワードは使えません。"))
    return problems


_SPACES = str.maketrans("", "", " \u3000\t")


def _name_forms(name: str, kana: str) -> set[str]:
    """Return the ways a name can be typed into a password: with and without spaces, in either kana."""
    forms = set()
    for written in (name, kana, _to_katakana(kana), _to_hiragana(kana)):
        if not written:
            continue
        forms.add(written.strip().lower())
        forms.add(written.translate(_SPACES).lower())
        forms.update(part.lower() for part in written.split() if len(part) >= 2)
    return {form for form in forms if len(form) >= 2}


def _to_katakana(text: str) -> str:
    """Return the text with hiragana turned to katakana."""
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


def _to_hiragana(text: str) -> str:
    """Return the text with katakana turned to hiragana."""
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)
