"""Demo cases of 依申请公开 for the demo city: two years of applications through the services.

Deterministic for a given `today` (one seeded `random.Random`; only the tracking numbers and
query codes, drawn by `secrets` in the services, differ between runs). Every case goes through
the services with the dates of its events, so the statutory clock, the audit trail and the
annual report are the real ones:
- last year and this year, in every organisation: closed cases with every one of the 21 legal
  reply types in the demo city government (and a realistic mix elsewhere), with 补正,
  third-party consultation, fees and extensions along the way, over all four channels;
- cases received late last December and answered in January (上年结转), one still open;
- open cases in every state as of `today`: awaiting receipt (online, Art. 31), in progress, due
  within 3 working days, overdue, waiting for a 补正, in consultation, waiting for a fee, extended;
- 行政复议 / 行政诉讼 records with their outcomes (section 四).
Dates the calendar does not know (a year without a holiday schedule) skip that case's remaining
steps and are counted, never guessed.
"""

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from gongkai.accounts.permissions import SYSTEM
from gongkai.lib.creditcode import check_character
from gongkai.lib.errors import Conflict
from gongkai.lib.workdays import UnknownYear, WorkCalendar
from gongkai.organizations.models import Organization

from . import clock, exports, selectors, services
from .dispositions import DISPOSITIONS, Disposition
from .models import Application

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ORGS = ("city", "fgw", "zrj", "jyj", "dcq")
SUBJECTS = ["2024年城市更新项目的立项批复", "某路段拓宽工程的征收补偿方案", "本区义务教育学区划分依据",
            "2025年部门预算中的专项资金明细", "某小区规划许可证及附图", "环境影响评价批复文件",
            "老旧小区改造项目清单", "某地块土地出让合同", "政府购买服务项目的合同文本",
            "行政处罚决定书", "城市道路命名的批复", "惠企政策兑现资金发放名单"]  # fmt: skip
REASONS = {
    Disposition.DISCLOSED: "所申请信息已在本机关门户网站“政府信息公开”栏目公开，现一并提供。",
    Disposition.PARTIAL: "第3页涉及第三方商业秘密，已作区分处理（第三十七条）。",
    Disposition.WITHHELD_STATE_SECRET: "所申请信息经依法确定为国家秘密。",
    Disposition.WITHHELD_BY_LAW: "相关法律、行政法规禁止公开该信息。",
    Disposition.WITHHELD_SECURITY: "公开后可能危及公共安全。",
    Disposition.WITHHELD_THIRD_PARTY: "涉及第三方商业秘密，经征求意见第三方不同意公开。",
    Disposition.WITHHELD_INTERNAL: "所申请信息属于人事管理等内部事务信息（第十六条第一款）。",
    Disposition.WITHHELD_PROCESS: "所申请信息为讨论记录、过程稿等过程性信息（第十六条第二款）。",
    Disposition.WITHHELD_ENFORCEMENT: "所申请信息属于行政执法案卷信息。",
    Disposition.WITHHELD_QUERY: "所申请事项属于行政查询事项，可按不动产登记查询规定办理。",
    Disposition.UNAVAILABLE_NOT_HELD: "经检索，本机关未制作或获取该信息；该信息可能由市住房和城乡建设局掌握。",
    Disposition.UNAVAILABLE_NEEDS_CREATION: "需要对现有信息进行加工、分析（第三十八条）。",
    Disposition.UNAVAILABLE_STILL_UNCLEAR: "补正后仍无法确定所需信息的名称或文号。",
    Disposition.NOT_PROCESSED_PETITION: "所提事项属于投诉举报，已转信访渠道办理（第三十九条）。",
    Disposition.NOT_PROCESSED_REPEAT: "与本机关已答复的申请内容相同。",
    Disposition.NOT_PROCESSED_PUBLICATION: "所申请信息为公开出版物，可通过图书馆或书店获取。",
    Disposition.NOT_PROCESSED_EXCESSIVE: "申请人无正当理由大量、反复申请（第三十五条）。",
    Disposition.NOT_PROCESSED_CONFIRMATION: "要求确认已获取信息的真伪，不属于政府信息公开申请。",
    Disposition.OTHER_NO_CORRECTION: "",
    Disposition.OTHER_UNPAID: "",
    Disposition.OTHER: "申请人书面撤回申请。",
}
# How often each reply type occurs outside the scripted full set (roughly as in real reports).
MIX = [(Disposition.DISCLOSED, 30), (Disposition.PARTIAL, 8), (Disposition.UNAVAILABLE_NOT_HELD, 12),
       (Disposition.WITHHELD_PROCESS, 3), (Disposition.WITHHELD_THIRD_PARTY, 2),
       (Disposition.UNAVAILABLE_NEEDS_CREATION, 3), (Disposition.NOT_PROCESSED_PETITION, 3),
       (Disposition.NOT_PROCESSED_REPEAT, 2), (Disposition.OTHER_NO_CORRECTION, 2),
       (Disposition.OTHER, 2)]  # fmt: skip
OPEN_STATES = ["awaiting", "in_progress", "due_soon", "overdue", "correction", "consultation",
               "fee", "extended"]  # fmt: skip


def _id_card(rng: random.Random) -> str:
    body = f"110101{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    return (
        body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]
    )


def _applicant(rng: random.Random) -> dict[str, Any]:
    kind = rng.choices(["natural", "business", "research", "nonprofit", "legal_service", "other"],
                       weights=[60, 18, 5, 5, 8, 4])[0]  # fmt: skip
    subject = rng.choice(SUBJECTS)
    if kind == "natural":
        return {
            "applicant_type": kind, "name": rng.choice(["张某某", "李某", "王某某", "赵某", "陈某某"]),
            "id_type": "id_card", "id_number": _id_card(rng),
            "phone": f"139{rng.randint(10000000, 99999999)}", "description": f"申请公开{subject}",
            "form": rng.choice(["electronic", "paper"]), "delivery": "email",
            "email": "applicant@example.com",
        }  # fmt: skip
    names = {"business": "示范市某某建设有限公司", "research": "示范市某某研究院",
             "nonprofit": "示范市某某环保公益基金会", "legal_service": "示范市某某律师事务所",
             "other": "示范市某某业主委员会"}  # fmt: skip
    base = "91990100MA" + f"{rng.randint(0, 9999999):07d}"
    return {
        "applicant_type": kind, "name": names[kind], "id_type": "credit_code",
        "id_number": base + check_character(base), "contact_person": "刘经理",
        "phone": f"0999-{rng.randint(1000000, 9999999)}", "description": f"申请公开{subject}",
        "form": "paper", "delivery": "post", "address": "示范市人民路88号", "postcode": "999000",
    }  # fmt: skip


def _back(cal: WorkCalendar, day: dt.date, n: int) -> dt.date:
    """The day n working days before `day`."""
    d, count = day, 0
    while count < n:
        d -= dt.timedelta(days=1)
        if cal.is_working_day(d):
            count += 1
    return d


class _Builder:
    def __init__(self, today: dt.date) -> None:
        self.rng = random.Random(7)
        self.today = today
        self.cal = clock.work_calendar()
        self.skipped = 0

    def wd(self, day: dt.date, n: int) -> dt.date:
        return self.cal.add_working_days(day, n)

    def receive(self, org: Organization, on: dt.date) -> Application:
        """A case received on `on` through one of the four channels (Art. 31)."""
        data = _applicant(self.rng)
        channel = self.rng.choices(["in_person", "post", "online", "fax"], weights=[4, 3, 4, 1])[0]
        if channel == "online":
            app, _ = services.submit_online(org=org, data=data, today=on)
            services.confirm_receipt(app, by=SYSTEM, on=on, today=on)
            return app
        submitted = on - dt.timedelta(days=2) if channel == "post" else on
        app, _ = services.register(
            by=SYSTEM, org=org, data=data, channel=channel, submitted_on=submitted,
            signed_for_on=on if channel == "post" else None,
            confirmed_on=on if channel == "fax" else None, today=on,
        )  # fmt: skip
        return app

    def close(self, app: Application, r: dt.date, d: Disposition) -> None:
        """Take a case received on `r` to its reply of type `d`, the way such cases go."""
        rng, t = self.rng, self.today
        answer_from = r
        if d is Disposition.OTHER_NO_CORRECTION or d is Disposition.UNAVAILABLE_STILL_UNCLEAR:
            n = self.wd(r, rng.randint(1, 5))
            deadline = n + dt.timedelta(days=15)
            if deadline + dt.timedelta(days=1) > t:
                return
            services.request_correction(app, by=SYSTEM, on=n, deadline=deadline, today=n,
                                        notice="请写明所需信息的名称、文号或形成时间。")  # fmt: skip
            if d is Disposition.OTHER_NO_CORRECTION:
                services.answer(app, by=SYSTEM, on=deadline + dt.timedelta(days=1),
                                disposition=d, today=deadline + dt.timedelta(days=1))  # fmt: skip
                return
            answer_from = self.wd(n, rng.randint(2, 6))
            services.receive_correction(app, by=SYSTEM, on=answer_from, today=answer_from)
        elif d is Disposition.OTHER_UNPAID:
            n = self.wd(r, 3)
            by = self.wd(n, 20) + dt.timedelta(days=1)
            if by > t:
                return
            services.send_fee_notice(app, by=SYSTEM, on=n, amount=Decimal(100), today=n,
                                     notice="本月第11件申请，按件收费100元。")  # fmt: skip
            services.answer(app, by=SYSTEM, on=by, disposition=d, today=by)
            return
        elif d is Disposition.WITHHELD_THIRD_PARTY or rng.random() < 0.12:
            start = self.wd(r, rng.randint(2, 5))
            end = self.wd(start, rng.randint(4, 15))
            if end > t:
                return
            services.start_consultation(app, by=SYSTEM, on=start, today=start,
                                        third_party="示范市某某置业有限公司")  # fmt: skip
            services.end_consultation(app, by=SYSTEM, on=end, today=end, note="第三方书面回复")
            answer_from = end
        extended = rng.random() < 0.12
        if extended:
            on = self.wd(r, 18) if answer_from == r else answer_from
            if on > t:
                return
            services.extend(app, by=SYSTEM, on=on, days=rng.choice([10, 15, 20]), today=on,
                            approver="市政府办公室政务公开科科长")  # fmt: skip
            answer_from = on
        answer_on = self.wd(answer_from, rng.randint(2, 15 if not extended else 8))
        if answer_on > t:
            return  # not answered yet: carried over, or still open today
        services.answer(app, by=SYSTEM, on=answer_on, disposition=d, reason=REASONS[d],
                        today=answer_on)  # fmt: skip
        if self.rng.random() < 0.8:
            delivered = min(answer_on + dt.timedelta(days=rng.randint(0, 3)), t)
            services.record_delivery(app, by=SYSTEM, on=delivered, today=delivered,
                                     notice="通过电子邮件送达" if app.delivery == "email" else "邮寄送达")  # fmt: skip

    def open_case(self, org: Organization, state: str) -> None:
        """A case that is, as of today, in `state`."""
        t = self.today
        if state == "awaiting":
            services.submit_online(
                org=org, data=_applicant(self.rng), today=t - dt.timedelta(days=1)
            )
            return
        received = {"in_progress": 5, "due_soon": 18, "overdue": 22, "correction": 4,
                    "consultation": 8, "fee": 6, "extended": 25}[state]  # fmt: skip
        r = _back(self.cal, t, received)
        app = self.receive(org, r)
        if state == "correction":
            n = _back(self.cal, t, 2)
            services.request_correction(app, by=SYSTEM, on=n, deadline=t + dt.timedelta(days=10),
                                        notice="请补充所需信息的文号或形成时间。", today=n)  # fmt: skip
        elif state == "consultation":
            n = _back(self.cal, t, 5)
            services.start_consultation(app, by=SYSTEM, on=n, today=n,
                                        third_party="示范市某某科技有限公司")  # fmt: skip
        elif state == "fee":
            n = _back(self.cal, t, 3)
            services.send_fee_notice(app, by=SYSTEM, on=n, amount=Decimal(200), today=n,
                                     notice="本月第21件申请，按件收费200元。")  # fmt: skip
        elif state == "extended":
            n = _back(self.cal, t, 6)
            services.extend(app, by=SYSTEM, on=n, days=15, approver="市政府办公室政务公开科科长",
                            today=n)  # fmt: skip

    def closed_case(self, org: Organization, on: dt.date, d: Disposition) -> None:
        on = on if self.cal.is_working_day(on) else self.wd(on, 1)
        self.close(self.receive(org, on), on, d)

    def safely(self, step: Callable[..., Any], *args: Any) -> None:
        try:
            step(*args)
        except (UnknownYear, Conflict, ValidationError):
            # A year without a holiday schedule (or a date the clock cannot take): the case
            # keeps what was done so far, nothing is guessed.
            self.skipped += 1


def _received_dates(rng: random.Random, year: int, n: int, until: dt.date) -> list[dt.date]:
    last = min(dt.date(year, 12, 20), until)
    span = (last - dt.date(year, 1, 5)).days
    if span <= 0:
        return []
    return sorted(dt.date(year, 1, 5) + dt.timedelta(days=rng.randrange(span)) for _ in range(n))


def build(
    orgs: dict[str, Organization], out: Callable[[str], Any] = print, today: dt.date | None = None
) -> int:
    """Load the demo cases as of `today`; the number of cases created."""
    t = today or dt.date.today()
    b = _Builder(t)
    before = Application.objects.count()
    for code in ORGS:
        org = orgs[code]
        for year in (t.year - 1, t.year):
            # closed cases: the whole set of 21 reply types in the city government, a mix elsewhere
            plan = list(Disposition) if code == "city" else []
            plan += [b.rng.choices([d for d, _ in MIX], weights=[w for _, w in MIX])[0]
                     for _ in range(b.rng.randint(8, 16) if code == "city" else b.rng.randint(6, 12))]  # fmt: skip
            b.rng.shuffle(plan)
            stop = _back(b.cal, t, 45) if year == t.year else dt.date(year, 11, 30)
            for on, d in zip(_received_dates(b.rng, year, len(plan), stop), plan, strict=False):
                b.safely(b.closed_case, org, on, d)
        # carried over from last December into this year (上年结转)
        for day in (17, 22, 29) if code in ("city", "fgw") else (24,):
            d = b.rng.choice([Disposition.DISCLOSED, Disposition.PARTIAL,
                              Disposition.UNAVAILABLE_NOT_HELD])  # fmt: skip
            b.safely(b.closed_case, org, dt.date(t.year - 1, 12, day), d)
        # open today, in every state (all of them in the city government)
        states = OPEN_STATES if code == "city" else b.rng.sample(OPEN_STATES, 3)
        for state in states:
            if state == "overdue" and code != "city":
                continue  # one overdue case in the city is enough to show the flag
            b.safely(b.open_case, org, state)
    _remedies(b, orgs["city"])
    created = Application.objects.count() - before
    status = Counter(Application.objects.values_list("status", flat=True))
    out(
        f"依申请公开演示案件：{created} 件（"
        + "，".join(f"{Application.Status(s).label} {n}" for s, n in sorted(status.items()))
        + (f"；{b.skipped} 件因缺少节假日安排未能继续办理" if b.skipped else "")
        + "）"
    )
    out(exports.text_table(selectors.annual_report(orgs["city"], t.year)))
    return created


def _remedies(b: _Builder, org: Organization) -> None:
    """行政复议 / 行政诉讼 about refusals of the city government, with outcomes (section 四)."""
    refusals = list(
        Application.objects.filter(org=org, status=Application.Status.CLOSED)
        .exclude(disposition__in=[Disposition.DISCLOSED, Disposition.OTHER])
        .order_by("closed_on", "pk")
    )
    plan = [("review", "upheld"), ("review", "corrected"), ("review", "pending"),
            ("litigation_direct", "upheld"), ("litigation_direct", "pending"),
            ("review", "other")]  # fmt: skip
    for app, (kind, outcome) in zip(refusals[:: max(1, len(refusals) // 6)], plan, strict=False):
        if app.closed_on is None:
            continue
        filed = app.closed_on + dt.timedelta(days=b.rng.randint(10, 50))
        if filed > b.today:
            continue
        body = "示范市人民政府" if kind == "review" else "示范市某区人民法院"
        name = DISPOSITIONS[Disposition(app.disposition)].name
        remedy = services.record_remedy(app, by=SYSTEM, kind=kind, filed_on=filed, body=body,
                                        note=f"申请人对“{name}”答复不服", today=filed)  # fmt: skip
        decided = filed + dt.timedelta(days=b.rng.randint(40, 80))
        if outcome != "pending" and decided <= b.today:
            services.decide_remedy(remedy, by=SYSTEM, outcome=outcome, decided_on=decided,
                                   today=decided)  # fmt: skip
