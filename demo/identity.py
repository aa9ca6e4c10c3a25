"""The fictional town of みどり市 (and あおば町): councils, agencies and people for the demo.

Every name here is made up. Demo accounts share one password, written in the README.
"""

from sqlalchemy import select

from portal import audit
from portal.auth import two_factor
from portal.extensions import db
from portal.models import Agency, AgencyKind, Council, Role, User, UserRole
from portal.passwords import hash_password
from portal.transaction import transaction
from portal.types import utcnow

DEMO_PASSWORD = "Midori-Demo-2025"  # noqa: S105 - the demo's published password (README)
# The demo's published authenticator key (README): every demo account whose work needs a second
# factor has it enrolled, so `flask demo-code` (or an app given this key) shows their code.
DEMO_TOTP_SECRET = "MIDORIDEMOSECRETFORTHEDEMOTOWN22"  # noqa: S105

# (name, kind, councils: "m" みどり市, "a" あおば町)
AGENCIES = [
    ("みどり市こども家庭センター", "こども家庭センター", "m"),
    ("みどり第一小学校", "小学校", "m"),
    ("みどり第二小学校", "小学校", "m"),
    ("みどり中学校", "中学校", "m"),
    ("ひかり保育園", "保育所", "m"),
    ("さくらこども園", "認定こども園", "m"),
    ("みどり市保健センター", "保健センター", "m"),
    ("みどり市民病院", "医療機関", "m"),
    ("みどり警察署", "警察", "m"),
    ("みどり市教育委員会", "教育委員会", "m"),
    ("みどり市民生児童委員協議会", "民生児童委員", "m"),
    ("県中央児童相談所", "児童相談所", "ma"),
    ("あおば町子ども家庭センター", "こども家庭センター", "a"),
    ("あおば町立あおば小学校", "小学校", "a"),
    ("あおば町立あおば保育所", "保育所", "a"),
    ("みどり市情報政策課", "その他", ""),
    ("みどり福祉大学", "その他", "m"),
]

# (login id, name, kana, agency, title, roles, must change password)
PEOPLE = [
    (
        "sato",
        "佐藤 美咲",
        "さとう みさき",
        "みどり市こども家庭センター",
        "調整機関担当",
        [Role.COORDINATOR],
        False,
    ),
    (
        "suzuki",
        "鈴木 恵子",
        "すずき けいこ",
        "みどり市こども家庭センター",
        "統括支援員",
        [Role.FACILITATOR, Role.COORDINATOR],
        False,
    ),
    (
        "nakamura",
        "中村 優子",
        "なかむら ゆうこ",
        "みどり市こども家庭センター",
        "保健師（母子保健）",
        [Role.AGENCY_MEMBER],
        False,
    ),
    ("takahashi", "高橋 直子", "たかはし なおこ", "みどり第一小学校", "教諭", [Role.AGENCY_MEMBER], False),
    ("kimura", "木村 健一", "きむら けんいち", "みどり第二小学校", "教頭", [Role.AGENCY_MEMBER], False),
    ("tanaka", "田中 由美", "たなか ゆみ", "ひかり保育園", "園長", [Role.AGENCY_MEMBER], False),
    ("morita", "森田 香織", "もりた かおり", "さくらこども園", "園長", [Role.AGENCY_MEMBER], False),
    ("ogawa", "小川 浩", "おがわ ひろし", "みどり市保健センター", "保健師", [Role.AGENCY_MEMBER], False),
    ("ito", "伊藤 大輔", "いとう だいすけ", "県中央児童相談所", "児童福祉司", [Role.CASEWORKER], False),
    ("watanabe", "渡辺 誠", "わたなべ まこと", "みどり福祉大学", "スーパーバイザー", [Role.ADVISOR], False),
    (
        "yamada",
        "山田 花子",
        "やまだ はなこ",
        "あおば町子ども家庭センター",
        "調整機関担当",
        [Role.COORDINATOR],
        False,
    ),
    ("admin", "加藤 翔太", "かとう しょうた", "みどり市情報政策課", "システム管理者", [Role.ADMIN], False),
    ("auditor", "吉田 綾", "よしだ あや", "みどり市情報政策課", "監査担当", [Role.AUDITOR], False),
    ("hayashi", "林 孝之", "はやし たかゆき", "みどり中学校", "教頭", [Role.AGENCY_MEMBER], False),
    ("newcomer", "松本 陽菜", "まつもと ひな", "みどり中学校", "養護教諭", [Role.AGENCY_MEMBER], True),
]


def seed_identity() -> None:
    """Create the councils, agencies and people of the demo town."""
    with transaction():
        kinds = {k.name: k for k in db.session.scalars(select(AgencyKind))}
        midori = Council(name="みどり市要保護児童対策地域協議会", municipality="みどり市", report_due_day=10)
        aoba = Council(name="あおば町要保護児童対策地域協議会", municipality="あおば町", report_due_day=15)
        db.session.add_all([midori, aoba])
        agencies = {}
        for name, kind, councils in AGENCIES:
            agency = Agency(name=name, kind=kinds[kind], address=_address(name))
            agency.councils = [c for key, c in (("m", midori), ("a", aoba)) if key in councils]
            agencies[name] = agency
            db.session.add(agency)
        midori.coordinating_agency = agencies["みどり市こども家庭センター"]
        aoba.coordinating_agency = agencies["あおば町子ども家庭センター"]
        password_hash = hash_password(DEMO_PASSWORD)
        for login_id, name, kana, agency, title, roles, must_change in PEOPLE:
            user = User(
                login_id=login_id,
                name=name,
                name_kana=kana,
                agency=agencies[agency],
                title=title,
                email=f"{login_id}@example.jp",
                password_hash=password_hash,
                must_change_password=must_change,
            )
            user.role_rows = [UserRole(role=r.value) for r in roles]
            if set(roles) & set(two_factor.ALWAYS):
                user.totp_secret = DEMO_TOTP_SECRET
                user.totp_confirmed_at = utcnow()
            db.session.add(user)
        db.session.flush()
        audit.record("demo.seed", target_type="councils", detail={"part": "identity", "people": len(PEOPLE)})


def _address(name: str) -> str:
    """Make up an address in the town the agency belongs to."""
    town = "あおば町" if name.startswith("あおば") else "みどり市"
    return f"{town}中央1-2-3" if "センター" in name else f"{town}"
