"""Demo 行政执法公示 content (issue 21 "Demo content"), written through the enforcement services
as SYSTEM, deterministic for a given day (the plan's seed is secret and random by design).

Two bodies (市场监管局, 交通运输局): 12 officers (1 expired), 8 matters (2 with ≥3 裁量 levels);
this year 30 licences (all 6 categories, 4 natural persons, 3 长期, 2 late, 1 withdrawn), 24
penalties (6 natural persons, ≥5 types, 2 late, 1 withdrawn within 3 working days, 1 past its
公示截止期), 6 coercion decisions, 4 fee items; a 名录库 of 200 targets, 10 inspectors, 1 recusal,
a plan drawn at 5 % with 10 results (1 late) and one committed but not drawn.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from gongkai.accounts.permissions import SYSTEM
from gongkai.enforcement import clock, services
from gongkai.lib.creditcode import check_character
from gongkai.lib.pii.checks import id_check_character
from gongkai.organizations.models import Organization

REGION = "990100"


def _credit(n: int) -> str:
    body = f"91{REGION}{n:09d}"
    return body + check_character(body)


def _id(n: int, born: str = "19850315") -> str:
    body = f"110101{born}{n % 1000:03d}"  # a real region: the demo city 990100 is not one
    return body + id_check_character(body)


def _authority(org: Organization, n: int) -> dict[str, str]:
    code = org.credit_code or _credit(900 + n)
    return {
        "authority": org.name,
        "authority_credit_code": code,
        "source": org.name,
        "source_credit_code": code,
    }


def build(
    orgs: dict[str, Organization], out: Callable[[str], Any] = print, today: dt.date | None = None
) -> None:
    today = today or dt.date.today()
    first, second = (
        orgs.get("scj") or next(iter(orgs.values())),
        orgs.get("jtj") or next(iter(orgs.values())),
    )
    jan1 = dt.date(today.year, 1, 1)

    def day(back: int) -> dt.date:
        return max(jan1, today - dt.timedelta(days=back))

    for org in (first, second):
        services.save_body(by=SYSTEM, org=org, data={
            "basis": f"依据《中华人民共和国行政处罚法》《中华人民共和国行政许可法》及“三定”规定，{org.name}在本行政区域内依法实施行政许可、行政处罚、行政强制和行政检查。",
            "remedies": "对行政执法决定不服的，可以自收到决定书之日起六十日内向示范市人民政府申请行政复议，或者在六个月内向示范市人民法院提起行政诉讼。投诉电话：0999-12345。",
            "procedure": "立案—调查取证—法制审核—告知—听证（依申请）—决定—送达—执行。",
        }, today=today)  # fmt: skip
    officers = []
    for i in range(12):
        org = first if i < 10 else second
        officers.append(services.save_officer(by=SYSTEM, org=org, data={
            "name": f"{'赵钱孙李周吴郑王冯陈褚卫'[i]}执法", "cert_no": f"99010{i + 1:05d}",
            "field": "市场监督管理" if org == first else "交通运输", "issued_by": "示范市人民政府",
            "valid_until": today - dt.timedelta(days=30) if i == 11 else dt.date(today.year + 3, 12, 31),
        }, today=today))  # fmt: skip
    levels = [
        {"level": "minor", "conditions": "初次违法且危害后果轻微并及时改正", "range": "不予处罚"},
        {
            "level": "general",
            "conditions": "违法货值金额一万元以下",
            "range": "罚款五万元以上十万元以下",
        },
        {
            "level": "serious",
            "conditions": "违法货值金额一万元以上",
            "range": "货值金额十倍以上二十倍以下罚款",
        },
        {
            "level": "grave",
            "conditions": "造成人身伤害或者拒不改正",
            "range": "二十倍以上三十倍以下罚款，吊销许可证",
        },
    ]
    for i, (name, kind) in enumerate([
        ("对经营超过保质期食品的行政处罚", "penalty"), ("对未取得许可从事食品经营的行政处罚", "penalty"),
        ("食品经营许可", "licence"), ("特种设备使用登记", "licence"), ("查封、扣押不符合安全标准的食品", "coercion"),
        ("食品经营者监督检查", "inspection"), ("道路运输经营许可", "licence"), ("对超限运输的行政处罚", "penalty"),
    ]):  # fmt: skip
        services.save_matter(by=SYSTEM, org=first if i < 6 else second, data={
            "name": name, "kind": kind, "basis": "《中华人民共和国食品安全法》" if i < 6 else "《中华人民共和国道路运输条例》",
            "time_limit": "20个工作日" if kind == "licence" else "", "flowchart": "受理—审查—决定—送达",
        }, discretion=levels if i in (0, 7) else (levels[:3] if i == 1 else []))  # fmt: skip
    categories = ["01", "02", "03", "04", "05", "其他-备案"]
    licences = []
    for i in range(30):
        org = first if i % 3 else second
        decided = day(5 + i * 6)
        person = i in (3, 11, 19, 27)
        data: dict[str, Any] = {
            "subject_name": f"示范市{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{i + 1}号商贸有限公司", "subject_type": "02",
            "credit_code": _credit(1000 + i), "legal_rep": "刘某", "decision_title": "准予行政许可决定书",
            "decision_no": f"示{'市监' if org == first else '交'}许〔{today.year}〕{i + 1}号",
            "category_code": categories[i % 6], "licence_name": "食品经营许可证" if org == first else "道路运输经营许可证",
            "licence_no": f"JY{REGION}{i + 1:06d}", "content": "预包装食品（含冷藏冷冻食品）销售",
            "decided_on": decided, "valid_from": decided,
            "valid_to": clock.add_months(decided, 60) if i not in (2, 9, 16) else dt.date(2099, 12, 31),
            **_authority(org, 0 if org == first else 1),
        }  # fmt: skip
        if person:
            data.update({"subject_name": f"{'张王李赵'[i % 4]}某{i}", "subject_type": "01", "credit_code": "",
                         "legal_rep": "", "id_type": "01", "id_number": _id(100 + i), "contact": f"1390000{i:04d}"})  # fmt: skip
        published = today if i in (4, 13) else min(today, decided + dt.timedelta(days=1))  # 2 late
        licences.append(services.record_licence(by=SYSTEM, org=org, data=data, today=published))
    services.withdraw(
        licences[7],
        by=SYSTEM,
        changed_on=day(1),
        reason="被许可人申请注销，依法撤回许可",
        cause="changed",
        today=today,
    )
    types = [["01"], ["03"], ["01", "03"], ["03", "04"], ["08"], ["10"], ["03", "05"]]
    penalties = []
    for i in range(24):
        org = first if i % 4 else second
        decided = day(3 + i * 7) if i != 23 else today - dt.timedelta(days=120)
        person = i in (1, 5, 9, 13, 17, 21)
        tc = types[i % len(types)]
        data = {
            "subject_name": f"示范市{i + 1}号餐饮管理有限公司", "subject_type": "02", "credit_code": _credit(5000 + i),
            "decision_no": f"示{'市监' if org == first else '交'}罚〔{today.year}〕{i + 1}号",
            "violation_type": "经营超过保质期的食品" if org == first else "超限运输",
            "facts": "经查，当事人经营超过保质期的预包装食品，货值金额较小。" if org == first else "经查，当事人车辆超限运输。",
            "basis": "《中华人民共和国食品安全法》第一百二十四条" if org == first else "《公路安全保护条例》第六十四条",
            "type_codes": tc, "content": "、".join({"01": "警告", "03": "罚款", "04": "没收违法所得", "05": "没收非法财物",
                                                   "08": "吊销许可证件", "10": "责令停产停业"}[c] for c in tc),
            "fine_wan": "0.5" if "03" in tc else None, "confiscated_wan": "0.12" if ("04" in tc or "05" in tc) else None,
            "decided_on": decided, "valid_until": clock.add_months(decided, 12),
            "publicity_months": 3 if i == 23 else None, **_authority(org, 0 if org == first else 1),
        }  # fmt: skip
        if person:
            data.update({"subject_name": f"{'陈林黄周吴徐'[i % 6]}某{i}", "subject_type": "01", "credit_code": "",
                         "id_type": "01", "id_number": _id(300 + i), "contact": f"1380000{i:04d}"})  # fmt: skip
        published = today if i in (6, 14) else min(today, decided + dt.timedelta(days=1))  # 2 late
        penalties.append(services.record_penalty(by=SYSTEM, org=org, data=data, today=published))
    services.withdraw(
        penalties[2],
        by=SYSTEM,
        changed_on=day(2),
        reason="经行政复议决定撤销原处罚决定",
        today=today,
    )
    services.expire(today=today)
    for i in range(6):
        kind = "measure" if i < 4 else "execution"
        services.record_coercion(by=SYSTEM, org=first, data={
            "kind": kind, "measure": "扣押财物" if kind == "measure" else "代履行",
            "decision_no": f"示市监强〔{today.year}〕{i + 1}号", "subject_name": f"示范市{i + 1}号食品店",
            "decided_on": day(10 + i * 9), "basis": "《中华人民共和国食品安全法》第一百一十条",
        }, today=today)  # fmt: skip
    for i, name in enumerate(
        ["特种设备检验检测费", "计量器具检定费", "道路运输证工本费", "机动车检测费"]
    ):
        item = services.save_fee_item(
            by=SYSTEM,
            org=first if i < 2 else second,
            data={"name": name, "basis": "发改价格〔2020〕1号"},
        )
        for month in range(1, today.month + 1):
            services.set_fee_amount(
                by=SYSTEM,
                item=item,
                year=today.year,
                month=month,
                amount_wan=f"{1 + i}.{month:02d}",
            )
    services.bulk_targets(by=SYSTEM, org=first, rows=[
        {"name": f"示范市第{i + 1}食品经营部", "key": _credit(20000 + i), "legal_rep": "某某", "address": "示范市人民路",
         "contact": f"0999-6{i:06d}"} for i in range(200)
    ])  # fmt: skip
    inspectors = officers[:10]
    matter = services.save_spot_matter(by=SYSTEM, org=first, data={
        "name": "食品经营者落实食品安全主体责任情况检查", "category": "食品安全", "target_kind": "食品经营者",
        "importance": "重点", "method": "现场检查", "basis": "《中华人民共和国食品安全法》第一百一十条",
    })  # fmt: skip
    from gongkai.enforcement.models import Target

    services.add_recusal(by=SYSTEM, target=Target.objects.get(org=first, key=_credit(20000)), officer=inspectors[0],
                         reason="检查人员与该经营者负责人系近亲属")  # fmt: skip
    ends = today - dt.timedelta(days=40)
    plan = services.create_plan(by=SYSTEM, org=first, matter=matter, inspectors=inspectors, data={
        "name": f"{today.year}年食品经营者“双随机、一公开”抽查", "year": today.year, "ratio_percent": "5",
        "inspectors_per_target": 2, "check_ends_on": ends,
    })  # fmt: skip
    services.approve_plan(plan, by=SYSTEM)
    drawn = services.draw(plan, by=SYSTEM)
    for i, row in enumerate(drawn.drawn):
        on = today if i == 9 else ends + dt.timedelta(days=3)  # the tenth is published late
        services.record_result(drawn, by=SYSTEM, target_key=row["target"], checked_on=ends - dt.timedelta(days=i),
                               outcome_code="01" if i % 3 else "05", today=on)  # fmt: skip
    later = services.create_plan(by=SYSTEM, org=first, matter=matter, inspectors=inspectors, data={
        "name": f"{today.year}年第二批食品经营者抽查", "year": today.year, "ratio_percent": "5",
        "inspectors_per_target": 2, "check_ends_on": today + dt.timedelta(days=60),
    })  # fmt: skip
    services.approve_plan(later, by=SYSTEM)
    out(
        f"行政执法公示：{len(officers)} 名执法人员，30 件行政许可，24 件行政处罚，1 个已抽取计划（{len(drawn.drawn)} 户）"
    )
