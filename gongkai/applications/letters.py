"""Letters to the applicant (告知书) rendered from a case's events: the reply (答复告知书, one
wording per legal reply type with its ground, Art. 36–39), the 补正 notice (Art. 30), the
extension notice (Art. 33) and the fee notice (国办函〔2020〕109号).

The reply letter states the remedies (Art. 51): 行政复议 within 60 days of receipt
(《中华人民共和国行政复议法》第二十条) and 行政诉讼 within 6 months (《中华人民共和国行政诉讼法》
第四十六条). Two versions: `personal=True` (for staff to print and send) carries the
applicant's name and the description of the information; `personal=False` (shown on the
progress page and downloaded by whoever holds the tracking number and query code) carries
neither — nothing personal is shown on a public page.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from .dispositions import DISPOSITIONS, Disposition
from .docx import TITLE_FONT, TITLE_SIZE, Para, document_bytes
from .models import Application, ApplicationEvent

K = ApplicationEvent.Kind
TITLES = {
    K.ANSWERED: "政府信息公开申请答复告知书",
    K.CORRECTION_REQUESTED: "政府信息公开申请补正告知书",
    K.EXTENSION_GRANTED: "政府信息公开申请延期答复告知书",
    K.FEE_NOTICE_SENT: "政府信息公开信息处理费缴费通知书",
}
REMEDIES = (
    "如对本答复不服，可以自收到本告知书之日起六十日内依法申请行政复议，"
    "或者自收到本告知书之日起六个月内依法向人民法院提起行政诉讼"
    "（《中华人民共和国政府信息公开条例》第五十一条，《中华人民共和国行政复议法》第二十条，"
    "《中华人民共和国行政诉讼法》第四十六条）。"
)
YOU = "你（单位）"


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class Letter:
    seq: int  # the event's sequence number in the case file
    kind: str
    title: str
    number: str
    addressee: str
    paragraphs: list[str] = field(default_factory=list)
    org_name: str = ""
    on: dt.date | None = None

    @property
    def filename(self) -> str:
        return f"{self.number}-{self.seq}.docx"

    def docx(self) -> bytes:
        paras = [
            Para(self.title, align="center", size=TITLE_SIZE, font=TITLE_FONT, indent=False),
            Para(self.number, align="center", indent=False),
            Para("", indent=False),
            Para(f"{self.addressee}：", align="left", indent=False),
            *(Para(p) for p in self.paragraphs),
            Para("", indent=False),
            Para(self.org_name, align="right", indent=False),
            Para(cn_date(self.on) if self.on else "", align="right", indent=False),
        ]
        return document_bytes(paras)


def answer_prefix(d: Disposition) -> str:
    """How `services.answer` starts the reply's notice text; the staff's reason follows it."""
    info = DISPOSITIONS[d]
    return f"{info.name}。依据：{info.ground}。"


def _reason(e: ApplicationEvent) -> str:
    prefix = answer_prefix(Disposition(e.disposition))
    return e.notice[len(prefix) :].strip() if e.notice.startswith(prefix) else e.notice.strip()


def _decision(app: Application, e: ApplicationEvent, events: Sequence[ApplicationEvent]) -> str:
    d = Disposition(e.disposition)
    info, reason = DISPOSITIONS[d], _reason(e)
    why = f"理由：{reason}" if reason else ""
    if d is Disposition.DISCLOSED:
        how = (
            f"现按{YOU}要求的{app.get_form_display()}形式，以{app.get_delivery_display()}方式提供。"
        )
        return f"{YOU}申请获取的政府信息属于公开范围，本机关予以公开。{how}{reason}"
    if d is Disposition.PARTIAL:
        return (
            f"{YOU}申请获取的政府信息中含有依法不应当公开的内容，本机关作区分处理，"
            f"对可以公开的部分予以提供，其余部分不予公开。{why}"
        )
    if info.group.startswith("（三）"):
        return f"{YOU}申请获取的政府信息{info.label.split('.', 1)[1]}，依法不予公开。{why}"
    if d is Disposition.UNAVAILABLE_NOT_HELD:
        return f"经检索，本机关未制作或者获取{YOU}申请的政府信息，无法提供。{reason}"
    if d is Disposition.UNAVAILABLE_NEEDS_CREATION:
        return (
            f"{YOU}申请的政府信息需要本机关对现有政府信息进行加工、分析，本机关不予提供。{reason}"
        )
    if d is Disposition.UNAVAILABLE_STILL_UNCLEAR:
        return f"经补正，{YOU}申请的内容仍不明确，本机关无法确定所需政府信息，无法提供。{reason}"
    if info.group.startswith("（五）"):
        kind = info.label.split(".", 1)[1]
        return f"{YOU}的申请属于“{kind}”，本机关不作为政府信息公开申请处理。{why}"
    if d is Disposition.OTHER_NO_CORRECTION:
        notice = next((x for x in events if x.kind == K.CORRECTION_REQUESTED), None)
        when = (
            f"本机关于{cn_date(notice.on)}向{YOU}发出补正告知，补正期限至"
            f"{cn_date(notice.deadline)}。"
            if notice and notice.deadline
            else ""
        )
        return f"{when}{YOU}无正当理由逾期未补正，视为放弃申请，本机关不再处理该政府信息公开申请。"
    if d is Disposition.OTHER_UNPAID:
        notice = next((x for x in events if x.kind == K.FEE_NOTICE_SENT), None)
        when = f"本机关于{cn_date(notice.on)}向{YOU}发出收费通知，" if notice else ""
        return f"{when}{YOU}逾期未按收费通知要求缴纳信息处理费，本机关不再处理该政府信息公开申请。"
    return reason or "本机关已对该申请作出处理。"


def letter(
    app: Application, e: ApplicationEvent, events: Sequence[ApplicationEvent], personal: bool
) -> Letter | None:
    """The letter of event `e`, or None for an event that sends none."""
    if e.kind not in TITLES:
        return None
    addressee = app.name if personal else "申请人"
    asked = f"，申请获取“{app.description}”" if personal else ""
    received = app.received_on or app.submitted_on
    intro = (
        f"本机关于{cn_date(received)}收到{YOU}提出的政府信息公开申请"
        f"（申请编号：{app.tracking_no}）{asked}。"
    )
    paragraphs: list[str]
    if e.kind == K.ANSWERED:
        info = DISPOSITIONS[Disposition(e.disposition)]
        paragraphs = [
            f"{intro}经审查，现答复如下：",
            _decision(app, e, events),
            f"依据：{info.ground}。",
            REMEDIES,
        ]
    elif e.kind == K.CORRECTION_REQUESTED:
        by = f"请于{cn_date(e.deadline)}前" if e.deadline else "请在合理期限内"
        paragraphs = [
            f"{intro}经审查，{YOU}的申请内容不明确。根据《中华人民共和国政府信息公开条例》"
            f"第三十条，现一次性告知需要补正的事项如下：",
            e.notice,
            f"{by}补正。答复期限自本机关收到补正的申请之日起计算；"
            f"无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
        ]
    elif e.kind == K.EXTENSION_GRANTED:
        paragraphs = [
            intro,
            f"因正当理由，本机关不能在二十个工作日内作出答复。经本机关政府信息公开工作机构负责人同意，"
            f"根据《中华人民共和国政府信息公开条例》第三十三条第一款，答复期限延长{e.days}个工作日。",
            *([e.notice] if e.notice and "延长" not in e.notice else []),
            *(
                [f"延长后的答复期限至{cn_date(app.due_date)}（{app.due_basis}）。"]
                if app.due_basis and app.due_date and not app.is_closed
                else []
            ),
        ]
    else:
        paragraphs = [
            intro,
            f"根据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），{YOU}的申请需缴纳"
            f"信息处理费{e.amount}元。请自收到本通知之日起二十个工作日内缴纳；逾期未缴纳的，"
            f"视为放弃申请，本机关不再处理该政府信息公开申请。缴费期间不计入答复期限。",
            *([e.notice] if e.notice else []),
        ]
    return Letter(
        seq=e.seq, kind=e.kind, title=TITLES[K(e.kind)], number=f"（{app.tracking_no}）",
        addressee=addressee, paragraphs=[p for p in paragraphs if p], org_name=app.org.name,
        on=e.on,
    )  # fmt: skip


def letters(app: Application, events: Sequence[ApplicationEvent], personal: bool) -> list[Letter]:
    """Every letter of the case, in the order sent."""
    ordered = sorted(events, key=lambda x: x.seq)
    return [lt for e in ordered if (lt := letter(app, e, ordered, personal)) is not None]
