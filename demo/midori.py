"""The registered households of みどり市 (SCENARIOS.md), the active ledger of the demo council."""

from demo.households import ASSIGNED, MEETING, Extra, Household, Kid, Note

# The center's maternal-child health side (母子保健) takes a task in each 特定妊婦 case.
MCH = "母子保健機能（保健師）"


# Rich text as agencies paste it: the sanitizer keeps the paragraphs and emphasis and drops the rest.
HARUTO_BRUISES = (
    '<p style="color:red">登校時、左上腕に<strong>新しいあざ</strong>を確認（2回目）。</p>'
    "<ul><li>本人は「ころんだ」と説明</li><li>養護教諭が部位と大きさを記録</li></ul>"
    '<img src="x" onerror="alert(1)"><p>詳しくは<a href="https://example.jp/">校内記録</a>参照。</p>'
)


MIO_ATTENDANCE = (
    '<div class="mso-normal"><p><b>今月の出席状況</b></p>'
    "<ol><li>欠席 4日（うち連絡なし 2日）</li><li>遅刻 3日</li></ol>"
    '<p><font color="blue">着替えが数日同じ。</font>給食はよく食べる。</p></div>'
)


# fmt: off
MIDORI_REGISTERED = [
    Household(
        "yamamoto", "protection", 75, "school",
        [Kid("山本 はると", "やまもと はると", "男", 3, "s1", "2"),
         Kid("山本 ゆい", "やまもと ゆい", "女", -1, "hikari", "きりん組")],
        [("father", "山本 健", "やまもと けん"), ("mother", "山本 亜紀", "やまもと あき")],
        abuse=["physical"], abuser="father", risk=2, key_person="佐藤（こども家庭センター）",
        policy="<p>学校・保育園で毎日見守り、欠席時は当日中にセンターへ連絡。</p><p>児童相談所が父への指導を継続。</p>",
        note="父・母・本人・妹の4人世帯。父は夜勤のある仕事。", review_in=21, confirmed_days_ago=12,
        extras=[Extra("health", ASSIGNED, 40, "母への相談支援"),
                Extra("univ", MEETING, 40, "個別ケース検討会議（スーパーバイズ）")],
        notes=[Note("takahashi", 74, "observation", HARUTO_BRUISES, "山本 はると"),
               Note("tanaka", 60, "observation",
                    "<p>ゆいちゃん、降園時に父の迎えを嫌がる様子。身体に傷はなし。</p>", "山本 ゆい"),
               Note("ito", 30, "visit", "<p>家庭訪問。父と面接し、体罰によらない養育について指導。</p>"),
               Note("sato", 12, "meeting", "<p>実務者会議で状況確認。見守りを継続。</p>")],
    ),
    Household(
        "sakamoto", "protection", 150, "school",
        [Kid("坂本 蓮", "さかもと れん", "男", 5, "s1", "1"),
         Kid("坂本 芽依", "さかもと めい", "女", 8, "jh", "3")],
        [("mother", "坂本 由香", "さかもと ゆか")],
        abuse=["neglect"], abuser="mother", key_person="高橋（みどり第一小学校）",
        policy="<p>給食・学用品の状況を学校が確認。生活保護の相談につなぐ。</p>",
        note="母子3人世帯。母は昼夜の仕事を掛け持ち。", review_in=-12, confirmed_days_ago=70,
        notes=[Note("takahashi", 100, "report", "<p>蓮くん、上履きと体操服が2週間持ち帰られていない。</p>",
                    "坂本 蓮")],
    ),
    Household(
        "aoki", "protection", 120, "police",
        [Kid("青木 湊", "あおき みなと", "男", 2, "s2", "1"),
         Kid("青木 陽葵", "あおき ひまり", "女", 6, "s1", "2")],
        [("mother", "青木 美穂", "あおき みほ"), ("stepfather", "青木 拓也", "あおき たくや")],
        abuse=["psychological"], abuser="stepfather", risk=3, lead="cgc",
        key_person="伊藤（県中央児童相談所）",
        policy="<p>面前DVによる心理的虐待。母の避難の意思を確認し、警察と連携。</p>",
        review_in=9, confirmed_days_ago=12,
        extras=[Extra("police", ASSIGNED, 118, "DV事案の対応")],
        notes=[Note("takahashi", 40, "observation",
                    "<p>陽葵さん、授業中に居眠りが続く。「夜うるさくて眠れない」と話す。</p>", "青木 陽葵"),
               Note("kimura", 38, "call", "<p>湊くんの母から電話。しばらく祖母宅から登校するとのこと。</p>",
                    "青木 湊")],
    ),
    Household(
        "murakami", "protection", 95, "child",
        [Kid("村上 樹", "むらかみ いつき", "男", 9, "jh", "2")],
        [("father", "村上 誠司", "むらかみ せいじ")],
        abuse=["physical", "psychological"], abuser="father", lead="jh", key_person="みどり中学校 担任",
        policy="<p>本人の相談先を学校とセンターに確保。進路相談と並行して父と面談。</p>",
        review_in=35, confirmed_days_ago=12,
    ),
    Household(
        "fukuda", "protection", 60, "nursery",
        [Kid("福田 紬", "ふくだ つむぎ", "女", -3, "hikari", "りす組")],
        [("mother", "福田 彩", "ふくだ あや")],
        abuse=["neglect"], abuser="mother", review_in=28, confirmed_days_ago=12,
        policy="<p>保育園が登園状況と身体の清潔を毎日確認。保健師が母の育児相談に応じる。</p>",
        notes=[Note("tanaka", 55, "observation", "<p>おむつかぶれがひどい。登園は週3日程度。</p>", "福田 紬"),
               Note("tanaka", 20, "observation", "<p>登園が増え、表情が明るくなった。</p>", "福田 紬")],
    ),
    Household(
        "ota", "protection", 200, "health",
        [Kid("太田 朝陽", "おおた あさひ", "男", 0, "sakura", "らいおん組"),
         Kid("太田 澪", "おおた みお", "女", days_old=300)],
        [("mother", "太田 真理", "おおた まり")],
        abuse=["neglect", "psychological"], abuser="mother", review_in=26, confirmed_days_ago=40,
        policy="<p>こども園で朝陽くんの様子を見守り、保健師が澪ちゃんの乳児健診の受診を支える。</p>",
        notes=[Note("morita", 45, "report", MIO_ATTENDANCE, "太田 朝陽")],
    ),
    Household(
        "miura", "protection", 45, "child_guidance",
        [Kid("三浦 凛", "みうら りん", "女", 4, "s2", "3")],
        [("mother", "三浦 沙織", "みうら さおり")],
        abuse=["sexual"], abuser="other", risk=3, lead="cgc", key_person="伊藤（県中央児童相談所）",
        policy="<p>児童相談所が主担当。母の交際相手との接触を断つ。学校は本人の様子を見守る。</p>",
        review_in=14, confirmed_days_ago=12,
        extras=[Extra("hospital", ASSIGNED, 44, "受診・診察"),
                Extra("univ", MEETING, 30, "個別ケース検討会議（スーパーバイズ）")],
        notes=[Note("ito", 43, "meeting", "<p>児童相談所で援助方針会議。一時保護は行わず在宅で支援。</p>")],
    ),
    Household(
        "fujii", "protection", 110, "medical", [Kid("藤井 悠真", "ふじい ゆうま", "男", 1, "s1", "3")],
        [("mother", "藤井 恵", "ふじい めぐみ"), ("father", "藤井 大樹", "ふじい だいき")],
        abuse=["physical"], abuser="mother", registered_after=6, review_in=40, confirmed_days_ago=12,
        policy="<p>学校が登校時の様子とけがの有無を確認。母の育児の負担は保健センターが相談に応じる。</p>",
        notes=[Note("takahashi", 15, "observation", "<p>元気に登校。けがは見られない。</p>", "藤井 悠真")],
    ),
    Household(
        "okamoto", "protection", 180, "commissioner",
        [Kid("岡本 莉子", "おかもと りこ", "女", 7, "jh", "4"),
         Kid("岡本 律", "おかもと りつ", "男", 3, "s2", "1")],
        [("father", "岡本 浩二", "おかもと こうじ")],
        abuse=["neglect"], abuser="father", risk=1, review_in=50, confirmed_days_ago=12,
        policy="<p>民生委員と学校で見守り、父に家事支援の利用を勧める。</p>",
        extras=[Extra("commissioners", MEETING, 90, "個別ケース検討会議", ended_days_ago=90)],
    ),
    Household(
        "harada", "protection", 30, "neighbor",
        [Kid("原田 大翔", "はらだ ひろと", "男", -2, "hikari", "うさぎ組")],
        [("father", "原田 翔", "はらだ しょう"), ("mother", "原田 里奈", "はらだ りな")],
        abuse=["physical"], abuser="father", risk=3, lead="cgc", review_in=16, confirmed_days_ago=28,
        policy="<p>児童相談所が主担当。保育園が毎日身体を確認し、欠席の日は当日中にセンターへ連絡。</p>",
        notes=[Note("ito", 25, "visit", "<p>安全確認のため訪問。本人に会えた。父は不在。</p>")],
    ),
    Household(
        "nomura", "protection", 220, "school", [Kid("野村 結愛", "のむら ゆあ", "女", 4, "s1", "1")],
        [("mother", "野村 千夏", "のむら ちなつ")],
        abuse=["psychological"], abuser="mother", risk=1, review_in=60, confirmed_days_ago=12,
        policy="<p>学校で本人の話を聞く時間を定期的に設け、母には子育て相談を案内する。</p>",
    ),
    Household(
        "takeuchi", "protection", 130, "nursery",
        [Kid("竹内 咲良", "たけうち さくら", "女", -1, "sakura", "ぞう組"),
         Kid("竹内 蒼", "たけうち あおい", "男", 2, "s1", "2")],
        [("mother", "竹内 美紀", "たけうち みき")],
        abuse=["neglect"], abuser="mother", review_in=25, confirmed_days_ago=12,
        policy="<p>こども園が朝食と身なりを確認し、必要なときは補食を出す。学校は蒼くんの登校を見守る。</p>",
        notes=[Note("morita", 90, "observation", "<p>咲良ちゃん、朝食を食べずに登園する日が多い。</p>",
                    "竹内 咲良")],
    ),
    Household(
        "inoue", "support", 160, "health", [Kid("井上 陽向", "いのうえ ひなた", "男", 1, "s2", "2")],
        [("mother", "井上 智子", "いのうえ ともこ")],
        key_person="中村（こども家庭センター）", policy="<p>母の通院を支え、登校の様子を学校が見守る。</p>",
        note="母は精神科に通院中。祖母が時々手伝う。", review_in=30, confirmed_days_ago=12,
    ),
    Household(
        "ishikawa", "support", 430, "family",
        [Kid("石川 一花", "いしかわ いちか", "女", -2, "sakura", "うさぎ組")],
        [("mother", "石川 明日香", "いしかわ あすか")],
        policy="<p>ひとり親家庭の就労と保育の調整。</p>", review_in=45, confirmed_days_ago=12,
    ),
    Household(
        "nishimura", "support", 85, "school", [Kid("西村 葵", "にしむら あおい", "女", 8, "jh", "1")],
        [("mother", "西村 由紀", "にしむら ゆき")],
        policy="<p>ヤングケアラー。きょうだいの世話で欠席が続く。SSWが本人と面談し、家事支援を調整。</p>",
        review_in=20, confirmed_days_ago=12,
        extras=[Extra("board", ASSIGNED, 80, "スクールソーシャルワーカー派遣")],
        notes=[Note("sato", 70, "call",
                    "<p>みどり中学校から電話。葵さんは母と県外の祖父母宅へ移り、転校の手続き中とのこと。"
                    "学校の在籍としての関与は本日で終了。転居先の自治体・学校は未確認。</p>", "西村 葵")],
    ),
    Household(
        "kaneko", "support", 50, "health", [Kid("金子 颯", "かねこ はやて", "男", days_old=190)],
        [("mother", "金子 葉月", "かねこ はづき")],
        lead="health", key_person="小川（みどり市保健センター）",
        policy="<p>産後うつ。保健師が月2回訪問。ひかり保育園の入園を調整中。</p>",
        review_in=40, confirmed_days_ago=12,
        notes=[Note("ogawa", 35, "visit", "<p>新生児訪問。母はEPDS 12点。睡眠不足の訴えあり。</p>")],
    ),
    Household(
        "wada", "support", 140, "school", [Kid("和田 結衣", "わだ ゆい", "女", 5, "s2", "2")],
        [("mother", "和田 美香", "わだ みか"), ("father", "和田 剛", "わだ つよし")],
        policy="<p>発達障害の診断あり。放課後等デイサービスの利用を調整。</p>",
        review_in=55, confirmed_days_ago=12,
    ),
    Household(
        "nakano", "support", 100, "welfare",
        [Kid("中野 樹里", "なかの じゅり", "女", 0, "sakura", "らいおん組"),
         Kid("中野 大和", "なかの やまと", "男", 2, "s2", "3")],
        [("mother", "中野 美樹", "なかの みき")],
        policy="<p>経済的困窮。就学援助とこども食堂につなぐ。</p>", review_in=33, confirmed_days_ago=12,
    ),
    Household(
        "tamura", "support", 70, "police", [Kid("田村 奏", "たむら かなで", "男", 9, "jh", "3")],
        [("father", "田村 修", "たむら おさむ"), ("mother", "田村 京子", "たむら きょうこ")],
        lead="jh", policy="<p>深夜徘徊で補導。学校と警察で見守り、進路相談につなぐ。</p>",
        review_in=18, confirmed_days_ago=12, extras=[Extra("police", ASSIGNED, 70, "少年補導")],
    ),
    Household(
        "matsui", "support", 210, "family", [Kid("松井 美月", "まつい みづき", "女", -3, "hikari", "りす組")],
        [("father", "松井 達也", "まつい たつや")],
        policy="<p>父子家庭の育児不安。保育園が送迎時に声をかける。</p>", review_in=24, confirmed_days_ago=45,
        notes=[Note("tanaka", 50, "observation", "<p>父から「夜泣きで眠れない」と相談あり。</p>",
                    "松井 美月")],
    ),
    Household(
        "kobayashi", "pregnant", 55, "health",
        [Kid("小林 そら", "こばやし そら", "男", -2, "hikari", "うさぎ組")],
        [("self", "小林 あかり", "こばやし あかり")],
        key_person="中村（こども家庭センター）", delivery_in=140,
        policy="<p>妊婦健診の受診を確認し、出産後の養育を支援する。サポートプランを作成。</p>",
        note="妊娠20週。上の子はひかり保育園。パートナーとは別居中。", review_in=85, confirmed_days_ago=12,
        extras=[Extra("center", ASSIGNED, 55, MCH), Extra("health", ASSIGNED, 55, "妊婦訪問")],
        notes=[Note("nakamura", 50, "office",
                    "<p>サポートプランを本人と作成。<strong>同意書に署名</strong>。</p>"),
               Note("tanaka", 20, "observation",
                    "<p>そらくん、母の体調不良でお迎えが遅れがち。</p>", "小林 そら")],
    ),
    Household(
        "nishida", "pregnant", 40, "medical", [], [("self", "西田 美羽", "にしだ みう")],
        lead="health", key_person="小川（みどり市保健センター）", delivery_in=45,
        policy="<p>妊婦健診未受診。若年妊娠。保健師が同行受診。</p>", review_in=10, confirmed_days_ago=12,
        extras=[Extra("center", ASSIGNED, 40, MCH)],
        notes=[Note("ogawa", 30, "visit", "<p>自宅訪問。母子手帳を受け取りに行く約束をした。</p>")],
    ),
    Household(
        "ueda", "pregnant", 65, "police", [], [("self", "上田 かおる", "うえだ かおる")],
        delivery_in=90, policy="<p>パートナーからのDV。出産前後の避難先を確保する。</p>", review_in=15,
        confirmed_days_ago=12,
        extras=[Extra("police", ASSIGNED, 65, "DV相談"), Extra("center", ASSIGNED, 65, MCH)],
    ),
    Household(
        "kikuchi", "pregnant", 120, "welfare", [], [("self", "菊池 友美", "きくち ともみ")],
        delivery_in=160, policy="<p>経済的困窮。出産費用と住まいの相談。</p>",
        review_in=-8, confirmed_days_ago=50,
        extras=[Extra("center", ASSIGNED, 120, MCH), Extra("health", ASSIGNED, 110, "妊婦訪問")],
    ),
]
# fmt: on
