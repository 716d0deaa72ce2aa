"""Demo cases of 依申请公开 for the demo city: two years of applications, answered with the
legal reply types, so the annual report and the staff lists show realistic figures."""

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from gongkai.accounts.permissions import SYSTEM
from gongkai.lib.creditcode import check_character
from gongkai.organizations.models import Organization

from . import services
from .dispositions import Disposition

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def _id_card(rng: random.Random) -> str:
    body = f"110101{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    return (
        body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]
    )


WEIGHTED = [
    (Disposition.DISCLOSED, 10, ""),
    (Disposition.PARTIAL, 3, "部分内容涉及第三方商业秘密，已作区分处理（第三十七条）"),
    (Disposition.WITHHELD_PROCESS, 1, "所申请信息为过程性信息（第十六条第二款）"),
    (Disposition.UNAVAILABLE_NOT_HELD, 4, "经检索，本机关未制作或获取该信息"),
    (Disposition.UNAVAILABLE_NEEDS_CREATION, 1, "需要另行加工、分析（第三十八条）"),
    (Disposition.NOT_PROCESSED_PETITION, 1, "属于信访举报投诉类申请（第三十九条）"),
    (Disposition.OTHER, 1, "申请人撤回申请"),
]
SUBJECTS = ["2024年城市更新项目的立项批复", "某路段拓宽工程的征收补偿方案", "本区义务教育学区划分依据",
            "2025年部门预算中的专项资金明细", "某小区规划许可证及附图", "环境影响评价批复文件"]  # fmt: skip


def build(
    orgs: dict[str, Organization], out: Callable[[str], Any] = print, today: dt.date | None = None
) -> int:
    rng = random.Random(7)
    today = today or dt.date.today()
    created = 0
    for code in ("city", "fgw", "zrj", "jyj", "dcq"):
        org = orgs[code]
        for year in (today.year - 1, today.year):
            for _ in range(rng.randint(6, 14)):
                submitted = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
                if submitted >= today - dt.timedelta(days=3):
                    continue
                business = rng.random() < 0.3
                data = {
                    "applicant_type": rng.choice(["business", "legal_service", "research"])
                    if business
                    else "natural",
                    "name": "示范市某某建设有限公司"
                    if business
                    else rng.choice(["张某某", "李某", "王某某"]),
                    "id_type": "credit_code" if business else "id_card",
                    "id_number": (lambda b: b + check_character(b))(
                        "91990100MA" + f"{rng.randint(0, 9999999):07d}"
                    )
                    if business
                    else _id_card(rng),
                    "contact_person": "赵经理" if business else "",
                    "phone": f"139{rng.randint(10000000, 99999999)}",
                    "description": f"申请公开{rng.choice(SUBJECTS)}",
                    "form": "electronic",
                    "delivery": "email",
                    "email": "applicant@example.com",
                }
                app, _ = services.register(
                    by=SYSTEM,
                    org=org,
                    data=data,
                    channel="in_person",
                    submitted_on=submitted,
                    today=submitted,
                )
                created += 1
                answer_on = submitted + dt.timedelta(days=rng.randint(5, 20))
                if answer_on >= today:
                    continue  # still open: carried over into the next year
                disposition, _, reason = rng.choices(WEIGHTED, weights=[w for _, w, _ in WEIGHTED])[
                    0
                ]
                services.answer(
                    app,
                    by=SYSTEM,
                    on=answer_on,
                    disposition=disposition,
                    reason=reason,
                    today=answer_on,
                )
    out(f"依申请公开演示案件：{created} 件")
    return created
