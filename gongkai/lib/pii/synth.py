"""Synthetic identifiers and labelled government-style text, for tests and the benchmark.

Every generated identifier passes its check (GB 11643 check character, Luhn, GB 32100 check
character) unless asked not to, and every labelled document carries the exact spans of what was
planted, next to the look-alikes government pages are full of (索引号, 文号, dates, amounts,
hotlines, postcodes, office numbers, officials' names, 18-digit numbers with a wrong check).
None of the values belongs to a real person: the region codes are real, the rest is random.
"""

import random
from collections.abc import Callable
from datetime import date, timedelta

from gongkai.lib.creditcode import ALPHABET, check_character
from gongkai.lib.pii.checks import id_check_character, luhn_ok, org_code_check


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


REGIONS = _words(
    "110105 120101 130102 140105 150102 210102 220102 230102 310115 320106 330106 340104 "
    "350102 360102 370102 410105 420106 430104 440305 450103 460106 500103 510107 520102 "
    "520103 530102 540102 610113 620102 630102 640104 640100 650102"
)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛"
_RARE_SURNAMES = "訾逄笪仉郗"
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏飞斌宇浩凯健俊帆琳晨欣雪梅"
)
_PROVINCE_CHARS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_AREAS = ("010", "020", "021", "023", "0851", "0951", "0371", "0571", "0731", "0898")
_DOMAINS = ("163.com", "qq.com", "126.com", "sina.com", "gmail.com", "foxmail.com")
_PINYIN = _words("zhang wang li liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin")
_ROADS = _words("中华北路 解放路 人民大道 北京路 延安东路 黄河路 长江路 建设街 文化巷 花果园大街")
_CITIES = (
    "贵州省贵阳市云岩区",
    "贵州省贵阳市南明区",
    "宁夏回族自治区银川市兴庆区",
    "广东省广州市天河区",
    "北京市朝阳区",
    "四川省成都市武侯区",
)

_FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)} | {" ": "\u3000"})


def fullwidth(value: str) -> str:
    """`value` with ASCII letters, digits and punctuation in their full-width forms."""
    return value.translate(_FULLWIDTH)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def birth_date(rng: random.Random) -> date:
    return date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65))


def id_card(rng: random.Random, *, valid: bool = True) -> str:
    """An 18-character 居民身份证号码; `valid=False` gives the same with a wrong check character."""
    first17 = rng.choice(REGIONS) + birth_date(rng).strftime("%Y%m%d") + _digits(rng, 3)
    check = id_check_character(first17)
    if not valid:
        check = rng.choice([c for c in "0123456789X" if c != check])
    return first17 + check


def id_card_15(rng: random.Random) -> str:
    born = date(1930, 1, 1) + timedelta(days=rng.randrange(365 * 65))
    return rng.choice(REGIONS) + born.strftime("%y%m%d") + _digits(rng, 3)


def mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + _digits(rng, 9)


def landline(rng: random.Random) -> str:
    area = rng.choice(_AREAS)
    local = rng.choice("2345678") + _digits(rng, 7 if len(area) == 3 else rng.choice((6, 7)))
    return f"{area}-{local}"


def bank_card(rng: random.Random, length: int | None = None) -> str:
    length = length or rng.choice((16, 19))
    body = "62" + _digits(rng, length - 3)
    for last in "0123456789":
        if luhn_ok(body + last):
            return body + last
    raise AssertionError("unreachable: one check digit always fits")


def credit_code(rng: random.Random) -> str:
    letters = ALPHABET
    first17 = (
        rng.choice("9159")
        + rng.choice("123")
        + rng.choice(REGIONS)
        + "".join(rng.choice(letters) for _ in range(8))
    )
    first17 += org_code_check(first17[8:])  # the embedded 组织机构代码 carries its own check
    return first17 + check_character(first17)


def email(rng: random.Random) -> str:
    return f"{rng.choice(_PINYIN)}{rng.choice(_PINYIN)}{_digits(rng, 3)}@{rng.choice(_DOMAINS)}"


def passport(rng: random.Random) -> str:
    return rng.choice("EG") + _digits(rng, 8)


def license_plate(rng: random.Random) -> str:
    tail = [rng.choice("0123456789") for _ in range(5)]
    tail[rng.randrange(2)] = rng.choice(_PLATE_LETTERS + "0123456789")
    return rng.choice(_PROVINCE_CHARS) + rng.choice(_PLATE_LETTERS) + "".join(tail)


def person_name(rng: random.Random) -> str:
    # A few rare surnames the detector's list lacks, so that name recall is measured honestly.
    surname = rng.choice(_RARE_SURNAMES if rng.random() < 0.03 else _SURNAMES)
    return surname + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def address(rng: random.Random) -> str:
    return f"{rng.choice(_CITIES)}{rng.choice(_ROADS)}{rng.randrange(1, 999)}号"


FILLER = (
    "为深入贯彻落实《中华人民共和国政府信息公开条例》，进一步做好政务公开工作，现将有关事项通知如下。",
    "各县（市、区）人民政府，市政府各部门，各直属机构：",
    "坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开。",
    "2019年7月19日，市政府常务会议审议通过了《实施意见》，共提出1966项目标任务。",
    "索引号：640100-141/2019-00064，发布日期：2019-07-19，文号：银政办发〔2019〕76号。",
    "全年财政预算支出138001380万元，同比增长12.5%，其中民生支出占比达到75.3%。",
    "群众可拨打12345政务服务便民热线、12315消费者投诉热线或12369环保举报热线反映问题。",
    "单位地址：银川市金凤区北京中路，邮政编码：750001。",
    "咨询电话：0951-5555555，传真：0951-6666666，监督邮箱：xxgk@yinchuan.gov.cn。",
    "领导小组组长为中心党组书记、主任王川，副组长为中心副主任马皓。",
    "序号 1 2 3 4 5，合计 15 项；第10条第2项“提升大数据推动公开水平”。",
    "附件：2019年度政务公开工作要点（共12页），批次号201907190001。",
    "本级共受理政府信息公开申请138件，办结率100%，行政复议纠错2件。",
    "（此件公开发布）",
)
PROSE = (
    "政务公开是建设法治政府的重要举措，全面推进政务公开，让权力在阳光下运行，对于提升政府治理能力具有重要意义。",
    "各级行政机关要严格落实“谁公开、谁审查、谁负责”的原则，做好政府信息公开前的保密审查工作。",
    "对涉及个人隐私的政府信息，除惩戒公示、强制性信息披露外，公开时做好去标识化处理，依法保护好相关人员个人信息。",
    "加强政策解读，实行“谁起草、谁解读”原则，政策解读材料原则上与政策文件同步在政府网站发布。",
    "拓宽公众参与渠道，重大决策出台前应当向社会公开征求意见，并及时反馈意见采纳情况。",
    "推进决策公开、执行公开、管理公开、服务公开和结果公开，提升政务公开的针对性和实效性。",
    "加快推进“互联网+政务服务”，依托全国一体化在线政务服务平台，实现政务服务事项网上可办。",
    "健全政务舆情回应机制，对涉及群众切身利益、社会关注度高的热点问题及时作出回应。",
    "加强政府网站和政务新媒体建设管理，规范信息发布、审核和更新流程，确保内容准确权威。",
    "各地区各部门要将政务公开工作纳入绩效考核体系，加强督促检查，确保各项任务落到实处。",
    "依法依规做好依申请公开工作，规范受理、审查、处理、答复等环节，提高答复质量。",
    "深化重点领域信息公开，细化财政预决算、公共资源配置、重大建设项目批准和实施等领域的公开内容。",
)


def decoy_sentence(rng: random.Random) -> str:
    """Plain prose most of the time, else a sentence of numbers that are not personal information."""
    if rng.random() < 0.6:
        return rng.choice(PROSE)
    kind = rng.randrange(4)
    if kind == 0:
        return f"编号{id_card(rng, valid=False)}的档案已移交归档。"
    if kind == 1:
        return f"流水号{_digits(rng, 20)}，金额{rng.randrange(1, 99999)}.00元。"
    if kind == 2:
        return f"{rng.randrange(2015, 2025)}年第{rng.randrange(1, 99)}期，案号（2019）宁01行初{rng.randrange(1, 999)}号。"
    return rng.choice(FILLER)


Planted = tuple[str, str]  # (type, value)
_Template = Callable[[random.Random], list[str | Planted]]


def _applicant(rng: random.Random) -> list[str | Planted]:
    number: str | Planted = ("mobile", mobile(rng))
    if rng.random() < 0.2:
        number = ("mobile", fullwidth(mobile(rng)))
    return [
        "申请人",
        ("person_name", person_name(rng)),
        f"，{rng.choice('男女')}，身份证号码",
        ("id_card", id_card(rng)),
        "，联系电话",
        number,
        "，住址：",
        ("address", address(rng)),
        "。",
    ]


def _bank(rng: random.Random) -> list[str | Planted]:
    card = bank_card(rng)
    if rng.random() < 0.5:
        card = " ".join(card[i : i + 4] for i in range(0, len(card), 4))
    return [
        "经核实，当事人",
        ("person_name", person_name(rng)),
        "名下银行卡号",
        ("bank_card", card),
        "已解除冻结。",
    ]


def _household(rng: random.Random) -> list[str | Planted]:
    return [
        "户主",
        ("person_name", person_name(rng)),
        "（家庭电话：",
        ("landline", landline(rng)),
        "）申请低保。",
    ]


def _complaint(rng: random.Random) -> list[str | Planted]:
    return [
        "投诉人",
        ("person_name", person_name(rng)),
        "通过电子邮箱",
        ("email", email(rng)),
        "反映噪声扰民问题。",
    ]


def _traveller(rng: random.Random) -> list[str | Planted]:
    return [
        "当事人",
        ("person_name", person_name(rng)),
        "持护照",
        ("passport", passport(rng)),
        "办理出入境手续。",
    ]


def _driver(rng: random.Random) -> list[str | Planted]:
    return [
        "车主",
        ("person_name", person_name(rng)),
        "驾驶",
        ("license_plate", license_plate(rng)),
        "号小型汽车违法停车。",
    ]


def _company(rng: random.Random) -> list[str | Planted]:
    return [
        "贵阳市某某科技有限公司（统一社会信用代码：",
        ("credit_code", credit_code(rng)),
        "）被列入经营异常名录。",
    ]


def _old_id(rng: random.Random) -> list[str | Planted]:
    return [
        "被处罚人",
        ("person_name", person_name(rng)),
        "，公民身份号码",
        ("id_card", id_card_15(rng)),
        "。",
    ]


def _petition(rng: random.Random) -> list[str | Planted]:
    return [
        "信访人",
        ("person_name", person_name(rng)),
        "来访反映拆迁补偿问题，联系手机",
        ("mobile", mobile(rng)),
        "，经办人为信访科主任王川。",
    ]


def _household_list(rng: random.Random) -> list[str | Planted]:
    return [
        "低保户：",
        ("person_name", person_name(rng)),
        "，女，",
        ("id_card", id_card(rng)),
        "；当事人张某某已注销，原户主李某另行安置。",
    ]


TEMPLATES: tuple[_Template, ...] = (
    _petition,
    _household_list,
    _applicant,
    _bank,
    _household,
    _complaint,
    _traveller,
    _driver,
    _company,
    _old_id,
)

Label = tuple[str, int, int]


def labelled_document(
    rng: random.Random, records: int = 6, filler: int = 12
) -> tuple[str, list[Label]]:
    """A page of government-style text and the (type, start, end) of every planted identifier."""
    parts: list[str | Planted] = []
    slots = ["record"] * records + ["filler"] * filler
    rng.shuffle(slots)
    for slot in slots:
        if slot == "record":
            parts.extend(rng.choice(TEMPLATES)(rng))
        else:
            parts.append(decoy_sentence(rng))
        parts.append("\n" if rng.random() < 0.3 else "")
    text: list[str] = []
    labels: list[Label] = []
    pos = 0
    for part in parts:
        value = part if isinstance(part, str) else part[1]
        if not isinstance(part, str):
            labels.append((part[0], pos, pos + len(value)))
        text.append(value)
        pos += len(value)
    return "".join(text), labels
