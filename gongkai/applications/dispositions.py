"""The legal reply types of an on-request disclosure application (依申请公开) and their report rows.

Pure data, no Django. Each closed application carries exactly one `Disposition` (办理结果), one of
the 21 leaf rows of section 三 of the annual report (国办公开办函〔2021〕30号, spec §4), and each
disposition has its legal ground in 《政府信息公开条例》 (2019). The mapping is one to one: the
reply letter and the annual report count the same thing.

`needs_reason`: the reply must state why (Art. 36(三) — a refusal says so with the reason; a
partial disclosure explains the withheld part, Art. 37; 无法提供 and 不予处理 tell the applicant
why, Art. 36(四)–(七), 35, 38, 39). Only 予以公开 (Art. 36(一)(二)) stands without a stated reason.
"""

from dataclasses import dataclass
from enum import StrEnum


class ApplicantType(StrEnum):
    """申请人情况 — the six columns of section 三 (自然人; 法人或其他组织 and its five kinds)."""

    NATURAL = "natural"  # 自然人
    BUSINESS = "business"  # 法人或其他组织 · 商业企业
    RESEARCH = "research"  # 法人或其他组织 · 科研机构
    NONPROFIT = "nonprofit"  # 法人或其他组织 · 社会公益组织
    LEGAL_SERVICE = "legal_service"  # 法人或其他组织 · 法律服务机构
    OTHER = "other"  # 法人或其他组织 · 其他


APPLICANT_TYPE_LABELS: dict[ApplicantType, str] = {
    ApplicantType.NATURAL: "自然人",
    ApplicantType.BUSINESS: "商业企业",
    ApplicantType.RESEARCH: "科研机构",
    ApplicantType.NONPROFIT: "社会公益组织",
    ApplicantType.LEGAL_SERVICE: "法律服务机构",
    ApplicantType.OTHER: "其他",
}
ORGANISATION_TYPES = frozenset(APPLICANT_TYPE_LABELS) - {ApplicantType.NATURAL}


class Disposition(StrEnum):
    """办理结果: the 21 leaf rows of section 三（一）–（六）, in the template's order."""

    DISCLOSED = "disclosed"  # （一）予以公开
    PARTIAL = "partial"  # （二）部分公开
    WITHHELD_STATE_SECRET = "withheld_state_secret"  # noqa: S105 — （三）1, not a password
    WITHHELD_BY_LAW = "withheld_by_law"  # （三）2
    WITHHELD_SECURITY = "withheld_security"  # （三）3
    WITHHELD_THIRD_PARTY = "withheld_third_party"  # （三）4
    WITHHELD_INTERNAL = "withheld_internal"  # （三）5
    WITHHELD_PROCESS = "withheld_process"  # （三）6
    WITHHELD_ENFORCEMENT = "withheld_enforcement"  # （三）7
    WITHHELD_QUERY = "withheld_query"  # （三）8
    UNAVAILABLE_NOT_HELD = "unavailable_not_held"  # （四）1
    UNAVAILABLE_NEEDS_CREATION = "unavailable_needs_creation"  # （四）2
    UNAVAILABLE_STILL_UNCLEAR = "unavailable_still_unclear"  # （四）3
    NOT_PROCESSED_PETITION = "not_processed_petition"  # （五）1
    NOT_PROCESSED_REPEAT = "not_processed_repeat"  # （五）2
    NOT_PROCESSED_PUBLICATION = "not_processed_publication"  # （五）3
    NOT_PROCESSED_EXCESSIVE = "not_processed_excessive"  # （五）4
    NOT_PROCESSED_CONFIRMATION = "not_processed_confirmation"  # （五）5
    OTHER_NO_CORRECTION = "other_no_correction"  # （六）1
    OTHER_UNPAID = "other_unpaid"  # （六）2
    OTHER = "other"  # （六）3


@dataclass(frozen=True)
class DispositionInfo:
    group: str  # the row group of section 三, verbatim ("" for （一）（二）, which are leaves)
    label: str  # the leaf row label, verbatim
    name: str  # a short name for lists and letters
    ground: str  # the legal ground cited in the reply
    needs_reason: bool = True


G3 = "（三）不予公开"
G4 = "（四）无法提供"
G5 = "（五）不予处理"
G6 = "（六）其他处理"

DISPOSITIONS: dict[Disposition, DispositionInfo] = {
    Disposition.DISCLOSED: DispositionInfo(
        "", "（一）予以公开", "予以公开", "《政府信息公开条例》第三十六条第（一）项、第（二）项",
        needs_reason=False,
    ),
    Disposition.PARTIAL: DispositionInfo(
        "", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开",
        "《政府信息公开条例》第三十七条",
    ),
    Disposition.WITHHELD_STATE_SECRET: DispositionInfo(
        G3, "1.属于国家秘密", "不予公开（国家秘密）", "《政府信息公开条例》第十四条、第三十六条第（三）项"
    ),
    Disposition.WITHHELD_BY_LAW: DispositionInfo(
        G3, "2.其他法律行政法规禁止公开", "不予公开（法律行政法规禁止公开）",
        "《政府信息公开条例》第十四条、第三十六条第（三）项",
    ),
    Disposition.WITHHELD_SECURITY: DispositionInfo(
        G3, "3.危及“三安全一稳定”", "不予公开（危及“三安全一稳定”）",
        "《政府信息公开条例》第十四条、第三十六条第（三）项",
    ),
    Disposition.WITHHELD_THIRD_PARTY: DispositionInfo(
        G3, "4.保护第三方合法权益", "不予公开（保护第三方合法权益）",
        "《政府信息公开条例》第十五条、第三十二条、第三十六条第（三）项",
    ),
    Disposition.WITHHELD_INTERNAL: DispositionInfo(
        G3, "5.属于三类内部事务信息", "不予公开（内部事务信息）",
        "《政府信息公开条例》第十六条第一款、第三十六条第（三）项",
    ),
    Disposition.WITHHELD_PROCESS: DispositionInfo(
        G3, "6.属于四类过程性信息", "不予公开（过程性信息）",
        "《政府信息公开条例》第十六条第二款、第三十六条第（三）项",
    ),
    Disposition.WITHHELD_ENFORCEMENT: DispositionInfo(
        G3, "7.属于行政执法案卷", "不予公开（行政执法案卷）",
        "《政府信息公开条例》第十六条第二款、第三十六条第（三）项",
    ),
    Disposition.WITHHELD_QUERY: DispositionInfo(
        G3, "8.属于行政查询事项", "不予公开（行政查询事项）",
        "《政府信息公开条例》第三十六条第（七）项",
    ),
    Disposition.UNAVAILABLE_NOT_HELD: DispositionInfo(
        G4, "1.本机关不掌握相关政府信息", "无法提供（本机关不掌握）",
        "《政府信息公开条例》第三十六条第（四）项、第（五）项",
    ),
    Disposition.UNAVAILABLE_NEEDS_CREATION: DispositionInfo(
        G4, "2.没有现成信息需要另行制作", "无法提供（需另行制作）", "《政府信息公开条例》第三十八条"
    ),
    Disposition.UNAVAILABLE_STILL_UNCLEAR: DispositionInfo(
        G4, "3.补正后申请内容仍不明确", "无法提供（补正后仍不明确）", "《政府信息公开条例》第三十条"
    ),
    Disposition.NOT_PROCESSED_PETITION: DispositionInfo(
        G5, "1.信访举报投诉类申请", "不予处理（信访举报投诉）", "《政府信息公开条例》第三十九条第一款"
    ),
    Disposition.NOT_PROCESSED_REPEAT: DispositionInfo(
        G5, "2.重复申请", "不予处理（重复申请）", "《政府信息公开条例》第三十六条第（六）项"
    ),
    Disposition.NOT_PROCESSED_PUBLICATION: DispositionInfo(
        G5, "3.要求提供公开出版物", "不予处理（公开出版物）", "《政府信息公开条例》第三十九条第二款"
    ),
    Disposition.NOT_PROCESSED_EXCESSIVE: DispositionInfo(
        G5, "4.无正当理由大量反复申请", "不予处理（大量反复申请）", "《政府信息公开条例》第三十五条"
    ),
    Disposition.NOT_PROCESSED_CONFIRMATION: DispositionInfo(
        G5, "5.要求行政机关确认或重新出具已获取信息", "不予处理（要求确认或重新出具）",
        "《政府信息公开条例》第三十六条第（六）项、第三十九条",
    ),
    Disposition.OTHER_NO_CORRECTION: DispositionInfo(
        G6, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "逾期不补正，不再处理", "《政府信息公开条例》第三十条", needs_reason=False,
    ),
    Disposition.OTHER_UNPAID: DispositionInfo(
        G6, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "逾期未缴费，不再处理", "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
        needs_reason=False,
    ),
    Disposition.OTHER: DispositionInfo(G6, "3.其他", "其他处理", "《政府信息公开条例》第三十六条"),
}  # fmt: skip

assert list(DISPOSITIONS) == list(Disposition)
