"""Demo support plans and local resources of みどり市 (SCENARIOS.md §5), made through the services.

Runs after the demo cases: 佐藤 keeps the town's resource list and writes a few plans, so the
review board has an overdue plan, one due soon, a reviewed plan with two versions, and many
registered cases still without a plan.
"""

from datetime import timedelta

from sqlalchemy import select

from cases.choices import CONSENT_WORDING
from cases.models import Case, Child, Status
from cases.plans import resources
from cases.plans import services as plans
from cases.plans.resources import ResourceInput
from cases.plans.services import ConsentInput, PlanInput, SupportInput
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Agency, Council, User

# (name, kind, contact)
RESOURCES = [
    ("みどり市家庭児童相談室", "consultation", "みどり市役所2階 0120-000-101"),
    ("みどり市子育て支援センター", "community", "みどり市中央2-1 0120-000-102"),
    ("ファミリー・サポート・センター", "housework", "社会福祉協議会内 0120-000-103"),
    ("子育て世帯訪問支援（ヘルパー派遣）", "housework", "こども家庭センター 0120-000-104"),
    ("産後ケア事業（通所型）", "respite", "みどり市民病院 産科 0120-000-105"),
    ("子どもショートステイ", "respite", "みどり乳児院 0120-000-106"),
    ("みどり子ども食堂", "childcare", "NPO法人みどりのわ 0120-000-107"),
    ("学習支援教室", "childcare", "みどり市教育委員会 0120-000-108"),
    ("児童扶養手当", "money", "みどり市役所 子育て支援課"),
]


def seed_plans() -> None:
    """Add the town's local resources and the demo plans (nothing when the demo town is missing)."""
    council = db.session.scalar(select(Council).where(Council.municipality == "みどり市"))
    sato = db.session.scalar(select(User).where(User.login_id == "sato"))
    if council is None or sato is None:
        return
    made = {
        name: resources.save_resource(sato, ResourceInput(council.id, name, kind, contact))
        for name, kind, contact in RESOURCES
    }
    today = today_in_japan()
    hikari = db.session.scalar(select(Agency).where(Agency.name == "ひかり保育園"))

    def write(child_name: str | None, case_of: str, made_days_ago: int, review_in: int, **content):
        """Write a plan for a child (or, with None, the household of `case_of`'s case)."""
        child = db.session.scalar(select(Child).where(Child.name == case_of))
        if child is None:
            return None
        case = db.session.get(Case, child.case_id)
        if case.status == Status.CLOSED.value:
            return None
        made_on = today - timedelta(days=made_days_ago)
        return plans.create_plan(
            sato,
            case,
            child_id=child.id if child_name else None,
            caseworker_id=sato.id,
            data=PlanInput(made_on=made_on, next_review_on=today + timedelta(days=review_in), **content),
        )

    def uses(*names: str, frequency: str = "") -> list[SupportInput]:
        """Return supports that use the named resources."""
        return [SupportInput(resource_id=made[n].id, frequency=frequency) for n in names]

    write(
        "山本 ゆい",
        "山本 ゆい",
        95,
        -7,
        child_wish="ほいくえんで、おともだちとあそびたい",
        guardian_wish="朝、怒らずに子どもを送り出したい",
        guardian_worries="夫が手をあげることがあり、止められない",
        issues="朝の登園が遅れがちで、家庭での叱責が続いている",
        family_actions="毎朝8時半までに登園する。困ったらセンターに電話する。",
        short_term_goal="週5日、時間どおりに登園する",
        long_term_goal="家族が安心して暮らせる",
        satisfaction=30,
        supports=uses("ファミリー・サポート・センター", "みどり市家庭児童相談室", frequency="週1回"),
        consent=ConsentInput("山本 亜紀", "mother", today - timedelta(days=95), [hikari.id], CONSENT_WORDING)
        if hikari
        else None,
    )
    write(
        None,
        "小林 そら",
        50,
        25,
        guardian_wish="出産まで安心して過ごしたい。上の子の送り迎えが心配。",
        guardian_worries="頼れる人が近くにいない",
        guardian_hopes="産後に少し休める時間がほしい",
        issues="出産前後の支え手がいない",
        family_actions="妊婦健診を欠かさず受ける",
        short_term_goal="出産までの準備を整える",
        long_term_goal="親子で地域とつながって暮らす",
        supports=uses("産後ケア事業（通所型）", "子育て世帯訪問支援（ヘルパー派遣）"),
    )
    reviewed = write(
        "坂本 蓮",
        "坂本 蓮",
        120,
        -30,
        child_wish="放課後に行ける場所がほしい",
        guardian_wish="仕事の間、子どもが安心して過ごせるようにしたい",
        issues="放課後に子どもだけで過ごす時間が長い",
        supports=uses("みどり子ども食堂", "学習支援教室", frequency="週2回"),
    )
    if reviewed is not None:
        plans.review_plan(
            sato,
            reviewed,
            PlanInput(
                made_on=today - timedelta(days=28),
                next_review_on=today + timedelta(days=60),
                evaluation="子ども食堂に週2回通えるようになった。学習支援は続いていない。",
                child_wish="食堂のともだちと宿題をしたい",
                guardian_wish="学習の遅れを取り戻させたい",
                issues="学習の遅れ",
                supports=uses("みどり子ども食堂", "学習支援教室", frequency="週2回"),
            ),
        )
