"""Code lists of the 双公示 exchange (shared/spec/enforcement.md §3) and the spot-check outcomes (§6).

Exchange files carry a code or its name; `code_of` accepts both. The penalty order is 处罚法
art.9 (2021) as used for statistics: a case counts once under its heaviest type. `99` 其他 is
ranked lowest (our reading: a type the law does not grade never outweighs a graded one).
"""

import datetime as dt

SUBJECT_TYPES = {"01": "自然人", "02": "法人", "03": "非法人组织", "04": "个体工商户"}
NATURAL_PERSON = "01"
SELF_EMPLOYED = "04"
SUBJECT_ALIASES = {"法人及非法人组织": "02"}

ID_TYPES = {
    "01": "身份证",
    "02": "护照",
    "03": "港澳居民来往内地通行证",
    "04": "台湾居民来往大陆通行证",
    "05": "外国人永久居留身份证",
}
ID_CARD = "01"

LICENCE_CATEGORIES = {
    "01": "普通",
    "02": "特许",
    "03": "认可",
    "04": "核准",
    "05": "登记",
    "06": "其他",
}
LICENCE_OTHER = "06"

PENALTY_TYPES = {
    "01": "警告",
    "02": "通报批评",
    "03": "罚款",
    "04": "没收违法所得",
    "05": "没收非法财物",
    "06": "暂扣许可证件",
    "07": "降低资质等级",
    "08": "吊销许可证件",
    "09": "限制开展生产经营活动",
    "10": "责令停产停业",
    "11": "责令关闭",
    "12": "限制从业",
    "13": "行政拘留",
    "99": "其他",
}
# severity rank for statistics (spec §3.4 order); 其他 lowest, see the module docstring
SEVERITY = {
    code: rank for rank, code in enumerate(["99", *[c for c in PENALTY_TYPES if c != "99"]])
}

COERCION_MEASURES = [
    "限制公民人身自由",
    "查封场所、设施或者财物",
    "扣押财物",
    "冻结存款、汇款",
    "其他",
]
COERCION_EXECUTIONS = [
    "加处罚款或者滞纳金",
    "划拨存款、汇款",
    "拍卖或者依法处理查封、扣押的场所、设施或者财物",
    "排除妨碍、恢复原状",
    "代履行",
    "其他",
]

OUTCOMES = {
    "01": "未发现问题",
    "02": "未按规定公示应当公示的信息",
    "03": "公示信息隐瞒真实情况弄虚作假",
    "04": "通过登记的住所（经营场所）无法联系",
    "05": "发现问题已责令改正",
    "06": "发现问题待后续处理",
    "07": "不配合检查情节严重",
    "08": "未发现开展本次抽查涉及的经营活动",
}

LONG_TERM = dt.date(2099, 12, 31)  # 有效期至 2099/12/31 = 长期 (spec §2.1)


def code_of(table: dict[str, str], value: str, aliases: dict[str, str] | None = None) -> str | None:
    """The code for `value` given as a code or as its name; None when it is neither."""
    value = (value or "").strip()
    if value in table:
        return value
    for code, name in table.items():
        if name == value:
            return code
    return (aliases or {}).get(value)


def heaviest(type_codes: list[str]) -> str:
    return max(type_codes, key=lambda c: SEVERITY[c])
