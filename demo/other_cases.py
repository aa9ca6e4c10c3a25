"""Demo cases off the active ledger: received (受理), closed (終結), and the households of あおば町."""

from demo.households import Household, Kid, Note

# fmt: off
OTHER_CASES = [
    Household(
        "hirano", "protection", 1, "neighbor", [Kid("平野 蒼空", "ひらの そら", "男", 1, "s2", "1")],
        [("mother", "平野 真由", "ひらの まゆ")], status="intake", abuse=["physical"], abuser="other", risk=3,
        note="近隣から「夜に子どもの泣き声と怒鳴り声」との通告。受理会議前。",
        notes=[Note("kimura", 0, "observation", "<p>緊急共有を受けて登校時に確認。顔と腕にけがなし。</p>")],
    ),
    Household(
        "sugimoto", "protection", 2, "police",
        [Kid("杉本 心春", "すぎもと こはる", "女", -1, "sakura", "ぞう組")],
        [("mother", "杉本 恵美", "すぎもと えみ")], status="intake", abuse=["psychological"],
        abuser="stepfather",
        note="警察から面前DVの通告（心理的虐待）。",
    ),
    Household(
        "kudo", "support", 5, "family", [Kid("工藤 湊", "くどう みなと", "男", 2, "s1", "3")],
        [("mother", "工藤 玲奈", "くどう れな")], status="intake", note="母から子育ての相談。",
    ),
    Household(
        "kubo", "pregnant", 3, "medical", [], [("self", "久保 さやか", "くぼ さやか")], status="intake",
        delivery_in=70, note="妊婦健診未受診のまま病院を受診。",
    ),
    Household(
        "endo", "protection", 400, "school", [Kid("遠藤 颯太", "えんどう そうた", "男", 6, "s1", "1")],
        [("father", "遠藤 剛志", "えんどう つよし")], status="closed", abuse=["physical"], abuser="father",
        closed_days_ago=60, closure="improved",
        notes=[Note("takahashi", 200, "observation", "<p>けがは見られなくなった。</p>", "遠藤 颯太")],
    ),
    Household(
        "ikeda", "protection", 300, "nursery",
        [Kid("池田 ひより", "いけだ ひより", "女", -1, "hikari", "きりん組")],
        [("mother", "池田 里美", "いけだ さとみ")], status="closed", abuse=["neglect"], abuser="mother",
        closed_days_ago=90, closure="moved_out",
    ),
    Household(
        "hashimoto", "support", 250, "school", [Kid("橋本 快", "はしもと かい", "男", 7, "jh", "2")],
        [("mother", "橋本 千尋", "はしもと ちひろ")], status="closed", closed_days_ago=30, closure="improved",
    ),
    Household(
        "abe", "protection", 330, "child_guidance", [Kid("阿部 陸", "あべ りく", "男", 5, "s2", "1")],
        [("mother", "阿部 直美", "あべ なおみ")], status="closed", abuse=["psychological", "neglect"],
        abuser="mother", lead="cgc", closed_days_ago=45, closure="placement",
    ),
    Household(
        "saito", "pregnant", 280, "health", [], [("self", "斎藤 真央", "さいとう まお")], status="closed",
        closed_days_ago=40, closure="improved", policy="<p>出産後、母子保健の継続支援へ移行。</p>",
    ),
    Household(
        "ogura", "protection", 90, "school", [Kid("小倉 陽太", "おぐら ひなた", "男", 2, "aoba_school", "1")],
        [("mother", "小倉 愛", "おぐら あい")], abuse=["physical"], abuser="mother", review_in=20,
        confirmed_days_ago=20, council="aoba",
        notes=[Note("ito", 60, "visit", "<p>あおば町と同行訪問。母と面接。</p>")],
    ),
    Household(
        "miyamoto", "protection", 140, "nursery",
        [Kid("宮本 結菜", "みやもと ゆいな", "女", -2, "aoba_nursery", "もも組")],
        [("father", "宮本 崇", "みやもと たかし")], abuse=["neglect"], abuser="father", review_in=-6,
        confirmed_days_ago=50, council="aoba",
    ),
    Household(
        "matsuo", "support", 4, "family", [Kid("松尾 莉央", "まつお りお", "女", 3, "aoba_school", "2")],
        [("mother", "松尾 恵理", "まつお えり")], status="intake", council="aoba",
    ),
]
# fmt: on
