"""Build eval.jsonl: the labelled evaluation set of the PII gate (bench/pii.py --eval).

Run: .venv/bin/python bench/data/pii/make_eval.py   (deterministic: seed 17, writes eval.jsonl)

Each line: {"id", "shape", "text", "labels": [[type, start, end, near]]}. `near` is true for a
person name that shares a sentence (。！？；or a line) with a personal identifier. The texts
follow the layouts of real 公示 and replies (低保/临时救助 公示 tables, 行政处罚决定书,
依申请公开 registration, 信访 replies, company lists); identifiers carry valid check digits
(GB 11643, Luhn, GB 32100 with GB 11714) computed here, independently of gongkai.lib.pii.
Look-alikes (索引号, 文号, amounts, dates, hotlines, serial numbers, officials in their role) are
planted unlabelled. This set is never used by the unit tests.
"""

import json
import random
import re
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).with_name("eval.jsonl")
SEED = 17

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
RARE_SURNAMES = ["訾", "逄", "笪", "仉", "郗", "欧阳", "司马", "诸葛"]
GIVEN = (  # noqa: SIM905
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 辉 鹏 华 飞 玲 桂英 秀英 "
    "秀兰 建华 国强 志强 海燕 春梅 建国 建军 晓明 晓燕 文静 玉兰 红梅 丽娟 子涵 浩然 "
    "雨桐 思远 振华 德福 金花 小红 家豪 俊杰 婷婷 宇航 立新 永强 淑珍 凤英 桂芳 玉梅 "
    "志刚 海涛 春生 秋菊 冬梅 学文 卫东 红军 建平 成林 有才 福贵 长江 兰芳"
).split()
PLACES = [
    "兴庆区胜利街道",
    "金凤区良田镇",
    "西夏区兴泾镇",
    "永宁县望远镇",
    "贺兰县习岗镇",
    "灵武市崇兴镇",
]
VILLAGES = ["红星村", "丰登村", "新华村", "和平村", "光明社区", "团结社区"]
ROADS = ["北京中路", "解放西街", "文化东路", "湖滨街", "民族北街", "上海西路"]
COMPANIES = [
    "宁夏某某建设工程有限公司",
    "银川市某某商贸有限公司",
    "某某物业服务有限公司",
    "宁夏某某农业科技有限公司",
    "某某餐饮管理有限公司",
    "银川某某环保科技有限公司",
]
BANKS = ["中国农业银行", "中国工商银行", "宁夏银行", "黄河农村商业银行", "中国邮政储蓄银行"]
OFFICIAL_TITLES = ["主任", "局长", "副局长", "科长", "书记", "副主任"]
REGIONS = [
    "640104",
    "640105",
    "640106",
    "640121",
    "640122",
    "640181",
    "640100",
    "640000",
    "110105",
    "520102",
    "330106",
    "440305",
]
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def id_number(rng: random.Random) -> str:
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65))
    body = rng.choice(REGIONS) + born.strftime("%Y%m%d") + digits(rng, 3)
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def luhn_complete(body: str) -> str:
    for last in "0123456789":
        total = 0
        for i, ch in enumerate(reversed(body + last)):
            n = int(ch) * (2 if i % 2 else 1)
            total += n - 9 if n > 9 else n
        if total % 10 == 0:
            return body + last
    raise AssertionError


def card(rng: random.Random) -> str:
    length = rng.choice((16, 16, 17, 18, 19, 19))
    prefix = rng.choice(("62", "62", "62", "4", "5", "95"))
    return luhn_complete(prefix + digits(rng, length - len(prefix) - 1))


def grouped(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def credit_code(rng: random.Random, numeric: bool) -> str:
    alphabet = "0123456789" if numeric else "0123456789ABCDEFGHJKLMNPQRTUWXY"
    pair = rng.choice(("91", "91", "92", "93", "12", "11", "52", "51", "31"))
    while True:
        body = "".join(rng.choice(alphabet) for _ in range(8))
        total = sum(
            (int(c) if c.isdigit() else ord(c) - 55) * w
            for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
        )
        check = 11 - total % 11
        org = body + ("X" if check == 10 else "0" if check == 11 else str(check))
        first17 = pair + rng.choice(REGIONS) + org
        total = sum(CREDIT_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
        last = CREDIT_ALPHABET[(31 - total % 31) % 31]
        code = first17 + last
        if not numeric or code.isdigit():
            return code


def mobile(rng: random.Random) -> str:
    return rng.choice(("13", "15", "17", "18", "19")) + digits(rng, 9)


def name(rng: random.Random) -> str:
    surname = rng.choice(RARE_SURNAMES) if rng.random() < 0.03 else rng.choice(SURNAMES)
    return surname + rng.choice(GIVEN)


def amount(rng: random.Random) -> str:
    return str(rng.choice((300, 450, 500, 620, 780, 1000, 1200, 1500, 2000, 3000)))


def when(rng: random.Random) -> str:
    d = date(2023, 1, 1) + timedelta(days=rng.randrange(700))
    return f"{d.year}年{d.month}月{d.day}日"


DECOYS = [
    lambda r: f"索引号：640100-{r.randrange(100, 999)}/2024-{r.randrange(1, 9999):05d}。",
    lambda r: f"文号：银政办发〔2024〕{r.randrange(1, 200)}号。",
    lambda r: (
        f"本年度累计发放资金{r.randrange(10, 9999)}.{r.randrange(10, 99)}万元，惠及{r.randrange(100, 9999)}户。"
    ),
    lambda r: f"公示期为{when(r)}至{when(r)}，共7个工作日。",
    lambda r: "如有异议，请拨打12345政务服务便民热线或监督电话0951-6888123反映。",
    lambda r: f"邮政编码：750{r.randrange(100, 999)}。",
    lambda r: (
        f"项目编号：NXZC-2024-{r.randrange(10000, 99999)}，预算金额{r.randrange(10, 999)}万元。"
    ),
    lambda r: f"业务流水号：{luhn_complete('62' + digits(r, 16))}。",
    lambda r: f"市民政局{r.choice(OFFICIAL_TITLES)}{name(r)}出席会议并讲话。",
    lambda r: f"发布人：{name(r)}　审核：{name(r)}",
    lambda r: "各乡镇（街道）要严格落实“三公开”制度，做到应保尽保、应退尽退。",
    lambda r: f"全市{r.randrange(10, 99)}个社区已完成年度核查工作。",
]

P = tuple  # a planted part: (type, value)


def t_dibao_table(r: random.Random) -> list:
    with_id = r.random() < 0.4
    sep = "\t" if r.random() < 0.6 else "  "
    head = [
        "序号",
        r.choice(("户主姓名", "姓名", "户主", "救助对象")),
        "家庭人口",
        "保障金额（元）",
    ]
    if with_id:
        head.insert(2, "身份证号码")
    parts: list = [f"{r.choice(PLACES)}{when(r)[:5]}最低生活保障对象公示\n", sep.join(head) + "\n"]
    for i in range(r.randrange(3, 8)):
        parts += [f"{i + 1}{sep}", ("person_name", name(r))]
        if with_id:
            parts += [sep, ("id_card", id_number(r))]
        parts += [f"{sep}{r.randrange(1, 6)}{sep}{amount(r)}\n"]
    return parts


def t_dibao_prose(r: random.Random) -> list:
    return [
        f"经村（居）民委员会初审、{r.choice(PLACES)}人民政府审核，拟将",
        ("person_name", name(r)),
        f"户（{r.randrange(1, 6)}人）纳入最低生活保障范围，月保障金{amount(r)}元。",
    ]


def t_relief_card(r: random.Random) -> list:
    number = card(r)
    shown = grouped(number) if r.random() < 0.3 else number
    label = r.choice(("银行卡", "银行卡号：", "银行账户", "收款账户：", "卡号"))
    return [
        "临时救助资金已于",
        when(r),
        "发放至",
        ("person_name", name(r)),
        f"名下{label}",
        ("bank_card", shown),
        "。",
    ]


def t_relief_pay(r: random.Random) -> list:
    return [
        "向",
        ("person_name", name(r)),
        f"发放临时救助金{amount(r)}元，资金由{r.choice(BANKS)}代发至其银行账户",
        ("bank_card", card(r)),
        "。",
    ]


def t_group(r: random.Random) -> list:
    return [
        ("person_name", name(r)),
        f"等{r.randrange(2, 9)}人申请公共租赁住房补贴，经审核符合条件，现予公示。",
    ]


def t_holder(r: random.Random) -> list:
    return [
        "经查，",
        ("person_name", name(r)),
        "持有的身份证",
        ("id_card", id_number(r)),
        "已于",
        when(r),
        "挂失。",
    ]


def t_penalty(r: random.Random) -> list:
    return [
        "当事人：",
        ("person_name", name(r)),
        f"，{r.choice('男女')}，身份证号码：",
        ("id_card", id_number(r)),
        "，住址：",
        ("address", f"银川市{r.choice(PLACES)}{r.choice(ROADS)}{r.randrange(1, 300)}号"),
        "。",
    ]


def t_penalty_plate(r: random.Random) -> list:
    plate = "宁A" + r.choice("BCDEFGHJK") + digits(r, 4)
    return [
        "经查，",
        ("person_name", name(r)),
        "于",
        when(r),
        "驾驶",
        ("license_plate", plate),
        "号小型轿车在城区道路违法停车，依法处以罚款200元。",
    ]


def t_register(r: random.Random) -> list:
    return [
        "申请人：",
        ("person_name", name(r)),
        "　联系电话：",
        ("mobile", mobile(r)),
        "　证件号码：",
        ("id_card", id_number(r)),
        "　申请内容：",
        r.choice(("某路段改造项目批复文件", "2023年度部门预算", "征收补偿方案")),
        "。",
    ]


def t_register_prose(r: random.Random) -> list:
    return [
        when(r),
        "，",
        ("person_name", name(r)),
        "通过信函方式申请公开",
        r.choice(("某项目环评批复", "某地块征收决定")),
        "，联系电话",
        ("mobile", mobile(r)),
        "。",
    ]


def t_letter_reply(r: random.Random) -> list:
    return [
        ("person_name", name(r)),
        "：您好！您于",
        when(r),
        "通过网上信访反映的",
        r.choice(("小区供暖不达标", "道路破损", "噪声扰民")),
        "问题收悉。经调查，情况基本属实，现答复如下。",
    ]


def t_letter_fact(r: random.Random) -> list:
    return [
        "经调查，",
        ("person_name", name(r)),
        "反映的",
        r.choice(("征地补偿款未到位", "拖欠工资")),
        "问题，经",
        r.choice(PLACES),
        "协调已于",
        when(r),
        "解决。",
    ]


def t_company_cue(r: random.Random) -> list:
    numeric = r.random() < 0.5
    return [
        r.choice(COMPANIES),
        "（统一社会信用代码：",
        ("credit_code", credit_code(r, numeric)),
        "）被列入经营异常名录。",
    ]


def t_company_table(r: random.Random) -> list:
    parts: list = ["序号\t企业名称\t统一社会信用代码\t处罚金额（万元）\n"]
    for i in range(r.randrange(2, 5)):
        parts += [
            f"{i + 1}\t{r.choice(COMPANIES)}\t",
            ("credit_code", credit_code(r, r.random() < 0.6)),
            f"\t{r.randrange(1, 50)}\n",
        ]
    return parts


def t_card_not_code(r: random.Random) -> list:
    # the failure class of the report: an 18-digit numeric UnionPay card right after the label
    number = luhn_complete("62" + digits(r, 15))
    return [
        "补助资金已打入",
        ("person_name", name(r)),
        r.choice(("的银行卡", "的银行账户", "名下卡号")),
        ("bank_card", number),
        "，请注意查收。",
    ]


def t_account(r: random.Random) -> list:
    return [
        "收款人：",
        ("person_name", name(r)),
        "，开户行：",
        r.choice(BANKS),
        "，账号：",
        ("bank_card", card(r)),
        "。",
    ]


def t_petition_mobile(r: random.Random) -> list:
    return [
        "来访人",
        ("person_name", name(r)),
        "反映拆迁补偿问题，联系手机",
        ("mobile", mobile(r)),
        f"，已转{r.choice(PLACES)}办理，信访办{r.choice(OFFICIAL_TITLES)}",
        name(r),
        "督办。",
    ]


def t_official(r: random.Random) -> list:
    return [
        f"{r.choice(PLACES)}党工委{r.choice(OFFICIAL_TITLES)}",
        name(r),
        "带队检查了低保资金发放情况，办公电话0951-",
        digits(r, 7),
        "。",
    ]


def t_spaced_table(r: random.Random) -> list:
    parts: list = ["序号 姓名 性别 补助类别 金额\n"]
    for i in range(r.randrange(2, 6)):
        parts += [
            f"{i + 1} ",
            ("person_name", name(r)),
            f" {r.choice('男女')} {r.choice(('特困供养', '临时救助', '残疾人补贴'))} {amount(r)}\n",
        ]
    return parts


def t_email(r: random.Random) -> list:
    mail = f"{r.choice(('zhang', 'li', 'wang', 'liu'))}{digits(r, 4)}@{r.choice(('163.com', 'qq.com', '126.com'))}"
    return [
        "申请人",
        ("person_name", name(r)),
        "要求以电子邮件方式获取信息，邮箱：",
        ("email", mail),
        "。",
    ]


TEMPLATES = [
    t_dibao_table,
    t_dibao_prose,
    t_relief_card,
    t_relief_pay,
    t_group,
    t_holder,
    t_penalty,
    t_penalty_plate,
    t_register,
    t_register_prose,
    t_letter_reply,
    t_letter_fact,
    t_company_cue,
    t_company_table,
    t_card_not_code,
    t_account,
    t_petition_mobile,
    t_official,
    t_spaced_table,
    t_email,
]
PERSONAL = {"id_card", "mobile", "landline", "bank_card", "email", "passport", "license_plate"}
_SENTENCE = re.compile(r"[。！？；\n]")


def build(r: random.Random, template) -> tuple[str, list]:
    parts = []
    for _ in range(r.randrange(0, 3)):
        parts.append(r.choice(DECOYS)(r))
    parts += template(r)
    for _ in range(r.randrange(0, 3)):
        parts.append(r.choice(DECOYS)(r))
    text: list[str] = []
    labels: list[list] = []
    pos = 0
    for part in parts:
        value = part if isinstance(part, str) else part[1]
        if not isinstance(part, str):
            labels.append([part[0], pos, pos + len(value)])
        text.append(value)
        pos += len(value)
    full = "".join(text)
    bounds = [0] + [m.end() for m in _SENTENCE.finditer(full)] + [len(full) + 1]

    def sentence(at: int) -> int:
        return sum(1 for b in bounds if b <= at)

    personal = {sentence(s) for t, s, _ in labels if t in PERSONAL}
    for label in labels:
        label.append(label[0] == "person_name" and sentence(label[1]) in personal)
    return full, labels


def main() -> None:
    r = random.Random(SEED)
    with OUT.open("w", encoding="utf-8") as f:
        n = 0
        for _ in range(24):
            for template in TEMPLATES:
                text, labels = build(r, template)
                row = {"id": n, "shape": template.__name__[2:], "text": text, "labels": labels}
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
    print(f"{n} texts -> {OUT}")


if __name__ == "__main__":
    main()
