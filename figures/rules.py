"""The counting rules of the council's figures: which dates put a case in a 年度, how age is taken,
the age bands, and the rule text each table shows beside its numbers."""

from dataclasses import dataclass
from datetime import date, datetime, time

from portal.dates import TOKYO, fiscal_year_bounds, fiscal_year_label, wareki
from portal.models import Council

AGE_BASES = {"year_end": "年度末日（3月31日）", "year_start": "年度初日（4月1日）"}
SMALL_COUNTS = {
    "exports": "Word・Excelの写しで伏せる",
    "everywhere": "画面でも伏せる",
    "never": "伏せない",
}
# (label, the lowest age in full years on the basis day, or None for the first band)
AGE_BANDS = [
    ("0–3歳未満", 0),
    ("3歳–学齢前", 3),
    ("小学生", 6),
    ("中学生", 12),
    ("高校生・その他", 15),
]
UNKNOWN_AGE = "生年月日未入力"
SMALL = "3未満"
WITHHELD = "＊"
SMALL_NOTE = (
    "1〜2の数は「3未満」と表示します。計から割り出せないよう、同じ列のほかの数を一つ「＊」として伏せます"
    "（計はそのまま）。"
)


@dataclass(frozen=True)
class Year:
    """One 年度 of a council: its first and last day, the day ages are taken on, and its name."""

    year: int
    age_basis: str = "year_end"

    @property
    def first(self) -> date:
        """Return April 1."""
        return fiscal_year_bounds(self.year)[0]

    @property
    def last(self) -> date:
        """Return March 31 of the next calendar year."""
        return fiscal_year_bounds(self.year)[1]

    @property
    def label(self) -> str:
        """Return the name in 和暦, such as 令和7年度."""
        return fiscal_year_label(self.year)

    @property
    def basis_day(self) -> date:
        """Return the day on which a child's age is taken."""
        return self.last if self.age_basis == "year_end" else self.first

    @property
    def starts_at(self) -> datetime:
        """Return the first moment of the 年度 in Japan."""
        return datetime.combine(self.first, time.min, tzinfo=TOKYO)

    @property
    def ends_before(self) -> datetime:
        """Return the first moment after the 年度 in Japan."""
        return datetime.combine(fiscal_year_bounds(self.year + 1)[0], time.min, tzinfo=TOKYO)

    def born_by(self, age: int) -> date:
        """Return the last birth date of a child who is at least `age` years old on the basis day."""
        day = self.basis_day
        return day.replace(year=day.year - age)

    def months(self) -> list[tuple[int, int]]:
        """Return (year, month) of the twelve months, April first."""
        return [(self.year + (m < 4), m) for m in (*range(4, 13), 1, 2, 3)]

    def previous(self) -> "Year":
        """Return the year before, counted by the same rule."""
        return Year(self.year - 1, self.age_basis)


def year_of(council: Council, year: int) -> Year:
    """Return a 年度 counted by the council's setting."""
    return Year(year, council.figures_age_basis if council.figures_age_basis in AGE_BASES else "year_end")


def age_band(year: Year, birth: date | None) -> str:
    """Return the age band of a child born on `birth` (the plain rule; the queries use born_by)."""
    if birth is None:
        return UNKNOWN_AGE
    label = AGE_BANDS[0][0]
    for name, lowest in AGE_BANDS:
        if birth <= year.born_by(lowest):
            label = name
    return label


def hides_small(council: Council, copy: str) -> bool:
    """Tell whether counts of 1–2 are hidden in this copy ("page", "xlsx" or "docx")."""
    setting = council.figures_small_counts
    if setting == "never":
        return False
    return setting == "everywhere" or copy != "page"


def rules(year: Year) -> dict[str, str]:
    """Return the rule text of each table, for this 年度."""
    span = f"{wareki(year.first, weekday=False)}〜{wareki(year.last, weekday=False)}"
    end = wareki(year.last, weekday=False)
    basis = wareki(year.basis_day, weekday=False)
    registered = f"{end}に登録中のケース（登録日が{end}以前で、終結日がないか{end}より後）"
    return {
        "registered": f"{registered}。虐待は虐待種別が一つ以上あるケース。"
        "子どもは各ケースの子どもの人数の計。",
        "flow": f"新規登録は登録日が{span}のケース、終結は登録したケースで終結日がこの期間のもの。"
        "受理のまま終結したケースは数えません。",
        "closures": f"終結日が{span}の登録ケースを、終結理由ごとに数えます。",
        "ages": f"{registered}の子ども。年齢は{basis}時点の満年齢（誕生日にその年齢になる）。"
        "0〜2歳＝0–3歳未満、3〜5歳＝3歳–学齢前、6〜11歳＝小学生、12〜14歳＝中学生、15歳以上＝高校生・その他"
        "（学年ではなく満年齢で分けます）。",
        "abuse_types": f"{registered}のうち虐待のあるもの。"
        "種別を複数持つケースはそれぞれに数えます（重複計上）。",
        "abusers": f"{registered}のうち虐待のあるケースを、台帳の主たる虐待者ごとに数えます。",
        "routes": f"登録日が{span}の新規登録ケースを、台帳の相談経路ごとに数えます。",
        "sections": f"{registered}を、台帳の部会ごとに数えます。",
        "meetings": f"開始日時が{span}で終了した会議。検討ケース数は各会議で扱ったケース（議題のケースと"
        "あわせて扱うケース）の延べ数。平均出席は出席と回答した招待（機関・個人）の会議あたりの数。",
        "reports": f"定期報告は{span}の各月分。提出予定数は、期限（翌月の報告期限日）が過ぎた月ごとの、"
        "現在の構成機関のうち報告する種類の機関の数の計。提出数は一度でも提出された報告の数。"
        "至急の情報提供とアラートは受け付けた日時がこの期間のもの。確認までの時間は確認済みのアラートの"
        "作成から確認までの時間（中央値、90パーセンタイルは最近順位法）。",
        "months": f"新規登録は登録日、終結は終結日（登録したケース）の月で数えます（{span}）。",
    }
