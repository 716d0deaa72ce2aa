"""Demo 权责清单, 公共服务事项, 办事指南 and 中介服务 for the demo city (issue 20 "Demo content"),
written through `gongkai.lists.services` as SYSTEM, deterministic (no randomness):

- `scj`, `zjj`, `wjw`, `dcq`: 30 public power items each (120), all 10 types, 19 处罚 each (76),
  3 行政许可 each (12, every one with a guide), and 2 secret items at `scj`.
- 5 adjustments in the last two months, one of each kind and two 变更: the 下放 published late,
  one 变更 applied and not approved past its review due date (overdue), the other 变更 published
  so that `?on=` before it shows the older name.
- 24 service items (two full 主项→子项→办理项 trees), 20 guides: 3 with missing classes (1 missing
  ≥ 4), 2 即办件, 3 with 特殊环节 (1 not counted in the legal limit), 2 charging.
- 6 intermediaries serving 4 许可 items (2 政府定价, 1 free).
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from gongkai.accounts.permissions import SYSTEM
from gongkai.lists import services
from gongkai.lists.models import PowerItem, ServiceItem
from gongkai.organizations.models import Organization

ORGS = ("scj", "zjj", "wjw", "dcq")
LICENCES = {
    "scj": ["食品经营许可", "食品生产许可", "特种设备检验检测机构核准"],
    "zjj": ["建筑工程施工许可", "商品房预售许可", "建筑业企业资质核准"],
    "wjw": ["医疗机构执业许可", "放射诊疗许可", "公共场所卫生许可"],
    "dcq": ["食品经营许可", "建筑工程施工许可", "公共场所卫生许可"],  # 2号: names of the city list
}
LAWS = {
    "scj": ("法律", "中华人民共和国食品安全法"), "zjj": ("法律", "中华人民共和国建筑法"),
    "wjw": ("行政法规", "医疗机构管理条例"), "dcq": ("行政法规", "城市市容和环境卫生管理条例"),
}  # fmt: skip
OFFENCES = [
    "未按规定公示信息", "未取得许可从事经营活动", "伪造变造许可证件", "拒绝接受监督检查", "未建立台账",
    "未按规定报告", "使用不合格原料", "超范围经营", "未履行告知义务", "提供虚假材料", "未按规定备案",
    "擅自改变用途", "未按规定保存记录", "未落实安全责任", "违规收取费用", "未按规定标注", "拒不改正",
    "未配备专业人员", "未按期年检",
]  # fmt: skip
OTHER_TYPES = [
    ("03", "查封、扣押相关场所、设施或者财物"), ("04", "征收行政事业性收费"), ("05", "发放补助资金"),
    ("06", "日常监督检查"), ("07", "资格确认"), ("08", "先进单位和个人表彰奖励"),
    ("09", "权属争议裁决"), ("10", "投诉举报处理"),
]  # fmt: skip
DUTIES = [
    ("立案", "对发现的违法行为在10个工作日内决定是否立案"), ("调查取证", "全面、客观、公正地调查，收集证据"),
    ("审理", "对案件事实、证据、程序、法律适用进行审查"), ("告知", "作出决定前告知当事人事实、理由、依据和权利"),
    ("决定", "依法作出处理决定"), ("送达", "依法送达法律文书"), ("执行", "监督当事人履行决定"),
]  # fmt: skip


def _power_data(
    org: Organization, dept: int, type_code: str, serial: int, name: str
) -> dict[str, Any]:
    rank, law = LAWS[org.code]
    return {
        "code": f"{org.region_code}-{dept:03d}-{type_code}-{serial:03d}-00", "type_code": type_code,
        "name": name, "subject": org.name, "subject_nature": "法定行政机关",
        "handling_unit": "政策法规科" if type_code != "02" else "执法稽查科",
        "levels": ["市", "县"] if org.code != "dcq" else ["县"],
        "basis": [{"rank": rank, "title": law, "article": f"第{serial + 10}条",
                   "text": f"有关行政机关依照本法规定履行职责（第{serial + 10}条摘录）。"}],
        "responsibilities": [{"stage": s, "text": t} for s, t in (DUTIES if type_code == "02" else DUTIES[4:6])],
        "accountability": ["不履行或者不正确履行职责的", "违反法定程序实施的"],
        "supervision": "示范市司法局行政执法监督科", "supervision_phone": "0999-12345600",
        "remedy": "行政复议：示范市人民政府；行政诉讼：示范市中级人民法院",
    }  # fmt: skip


def _guide(name: str, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "basis": [f"《{name}管理办法》第五条"],
        "conditions": ["申请人具有相应的民事行为能力", "具有与申请事项相适应的场所和设施"],
        "materials": [
            {"name": f"{name}申请表", "form": "原件", "count": 1, "source": "申请人自备",
             "requirements": "填写完整并签字盖章", "template_url": "https://www.example.gov.cn/forms/apply.docx"},
            {"name": "营业执照", "form": "复印件", "count": 1, "source": "政府部门核发", "requirements": "加盖公章"},
        ],
        "process": "申请—受理—审查—决定—送达", "legal_days": 20, "promised_days": 10,
        "place": "示范市政务服务中心一楼综合窗口", "hours": "工作日 9:00-12:00，13:30-17:00", "visits": 1,
        "consult_phone": "0999-12345678", "complaint_phone": "0999-12345679",
        "online_url": "https://zwfw.example.gov.cn/", "query_url": "https://zwfw.example.gov.cn/query",
        "faq": [{"q": "可以网上办理吗？", "a": "可以，登录政务服务网提交申请。"}],
    }  # fmt: skip
    data.update(over)
    return data


def build(
    orgs: dict[str, Organization], out: Callable[[str], Any] = print, today: dt.date | None = None
) -> None:
    from django.utils import timezone

    today = today or timezone.localdate()
    if PowerItem.objects.exists():
        return
    chosen = [orgs[c] for c in ORGS if c in orgs]
    first_day = today - dt.timedelta(days=365)
    licences: list[PowerItem] = []
    fines: dict[str, list[PowerItem]] = {}
    for dept, org in enumerate(chosen, start=1):
        rows: list[tuple[str, str]] = [("01", n) for n in LICENCES[org.code]]
        rows += [("02", f"对{o}的处罚") for o in OFFENCES]
        rows += [(t, n) for t, n in OTHER_TYPES]
        for serial, (type_code, name) in enumerate(rows, start=1):
            item = services.draft_power(
                by=SYSTEM, org=org, data=_power_data(org, dept, type_code, serial, name)
            )
            services.publish_power(item, by=SYSTEM, on=first_day, today=today)
            if type_code == "01":
                licences.append(item)
            elif type_code == "02":
                fines.setdefault(org.code, []).append(item)
        if org.code == "scj":
            for n, name in ((90, "涉密专项检查"), (91, "涉密物资征用")):
                data = {**_power_data(org, dept, "06", n, name), "secret": True}
                services.publish_power(services.draft_power(by=SYSTEM, org=org, data=data), by=SYSTEM,
                                       on=first_day, today=today)  # fmt: skip
    _adjustments(chosen, fines, today)
    _services(chosen, licences, today)
    _intermediaries(chosen, licences)
    out(f"  权责清单：{PowerItem.objects.filter(secret=False).count()} 项公开事项，"
        f"{ServiceItem.objects.count()} 项公共服务事项")  # fmt: skip


def _adjustments(
    orgs: list[Organization], fines: dict[str, list[PowerItem]], today: dt.date
) -> None:
    scj = next(o for o in orgs if o.code == "scj")
    dept = [o.code for o in orgs].index("scj") + 1
    trigger = today - dt.timedelta(days=60)
    applied = trigger + dt.timedelta(days=5)
    approved = applied + dt.timedelta(days=7)

    def run(item: PowerItem, change: str, *, publish_after: int | None, changes: dict | None = None,
            applied_on: dt.date = applied, trigger_on: dt.date = trigger) -> None:  # fmt: skip
        a = services.create_adjustment(by=SYSTEM, today=today, data={
            "item_code": item.code, "change": change, "trigger": "law", "trigger_on": trigger_on,
            "basis_doc": "《示范市人民政府关于调整部分行政权力事项的决定》（示政发〔2026〕1号）",
            "applied_on": applied_on, "changes": changes or {}})  # fmt: skip
        if publish_after is None:
            return
        services.approve_adjustment(a, by=SYSTEM, approved_on=approved, today=today,
                                    opinion="经审改办、司法局审核，同意调整。")  # fmt: skip
        services.publish_adjustment(a, by=SYSTEM, published_on=approved + dt.timedelta(days=publish_after),
                                    today=today)  # fmt: skip

    new = services.draft_power(by=SYSTEM, org=scj, data=_power_data(
        scj, dept, "02", 80, "对未按规定落实食品安全追溯制度的处罚"))  # fmt: skip
    run(new, "add", publish_after=1)
    run(fines["scj"][-1], "cancel", publish_after=1)
    run(fines["zjj"][-1], "delegate", publish_after=12, changes={"levels": ["县", "乡"]})  # late
    run(fines["scj"][0], "modify", publish_after=1,
        changes={"name": "对未按规定公示年度报告信息的处罚"})  # fmt: skip
    # applied 40 days ago and never approved: past its review due date (overdue)
    late_applied = today - dt.timedelta(days=40)
    run(fines["wjw"][0], "modify", publish_after=None, applied_on=late_applied,
        trigger_on=late_applied - dt.timedelta(days=3), changes={"name": "对未按规定报告传染病疫情的处罚"})  # fmt: skip


def _services(orgs: list[Organization], licences: list[PowerItem], today: dt.date) -> None:
    by_code = {o.code: o for o in orgs}
    for i, lic in enumerate(licences, start=1):
        org = lic.org
        item = services.save_service_item(by=SYSTEM, org=org, data={
            "base_code": f"XK{i:05d}000", "impl_code": f"XK{i:05d}000-{org.region_code}-{org.code}",
            "type_code": "XK", "name": lic.name, "audience": "legal", "power_code": lic.code})  # fmt: skip
        services.publish_service_item(item, by=SYSTEM)
        over: dict[str, Any] = {}
        if i == 1:
            over = {"steps": [{"name": "现场核查", "days": 5, "basis": "《食品经营许可管理办法》第二十一条",
                               "fee": False, "counted_in_legal_limit": True}]}  # fmt: skip
        elif i == 2:
            over = {"steps": [{"name": "专家评审", "days": 10, "basis": "《食品生产许可管理办法》第二十条",
                               "fee": False, "counted_in_legal_limit": False}]}  # fmt: skip
        elif i == 4:
            over = {"steps": [{"name": "施工图审查", "days": 15, "basis": "《建筑工程施工许可管理办法》第四条",
                               "fee": True, "counted_in_legal_limit": True}]}  # fmt: skip
        elif i == 7:
            over = {
                "charged": True,
                "fee_basis": ["《医疗机构管理条例实施细则》"],
                "fee_standard": ["校验费 100 元/次"],
            }
        elif i == 8:
            over = {
                "charged": True,
                "fee_basis": ["《放射诊疗管理规定》"],
                "fee_standard": ["检测费按物价部门核定标准"],
            }
        services.publish_guide(services.save_guide(item, by=SYSTEM, data=_guide(lic.name, **over)),
                               by=SYSTEM, today=today)  # fmt: skip
    dcq = by_code.get("dcq", orgs[-1])
    wjw = by_code.get("wjw", orgs[0])
    trees = [
        (dcq, "GG00101", "社会保障卡服务", "社会保障卡申领", "社会保障卡首次申领", "person"),
        (wjw, "GG00102", "出生医学证明服务", "出生医学证明签发", "出生医学证明首次签发", "person"),
    ]
    guides: list[tuple[ServiceItem, dict[str, Any]]] = []
    for org, base, main_name, sub_name, handling_name, audience in trees:
        main = _svc(org, base, "000", main_name, audience, "main")
        sub = _svc(org, base, "001", sub_name, audience, "sub", parent=main)
        handling = _svc(org, base, "001-01", handling_name, audience, "handling", parent=sub)
        guides.append((handling, {}))
    singles: list[tuple[Organization, str, str, dict[str, Any]]] = [
        (dcq, "GG00201", "老年人优待证办理", {"instant": True, "legal_days": 0, "promised_days": 0, "visits": 0}),
        (dcq, "GG00202", "居住证签注", {"instant": True, "legal_days": 0, "promised_days": 0}),
        (wjw, "GG00203", "预防接种证补办", {"place": ""}),
        (wjw, "GG00204", "母婴保健技术服务咨询", {"hours": ""}),
        (dcq, "GG00205", "社区养老服务咨询",
         {"place": "", "hours": "", "consult_phone": "", "process": "", "basis": []}),
        (dcq, "GG00206", "残疾人证办理", {}),
    ]  # fmt: skip
    for org, base, name, over in singles:
        guides.append((_svc(org, base, "000", name, "person", "main"), over))
    for item, over in guides:
        services.publish_guide(services.save_guide(item, by=SYSTEM, data=_guide(item.name, **over)),
                               by=SYSTEM, today=today)  # fmt: skip


def _svc(org: Organization, base: str, sub: str, name: str, audience: str, node: str,
         parent: ServiceItem | None = None) -> ServiceItem:  # fmt: skip
    item = services.save_service_item(by=SYSTEM, org=org, data={
        "base_code": f"{base}{sub[:3]}", "impl_code": f"{base}{sub}-{org.region_code}-{org.code}",
        "type_code": "GG", "name": name, "audience": audience, "node": node,
        "parent_code": parent.impl_code if parent else ""})  # fmt: skip
    services.publish_service_item(item, by=SYSTEM)
    return item


def _intermediaries(orgs: list[Organization], licences: list[PowerItem]) -> None:
    served = licences[:2] + licences[3:5]  # 4 licences of scj and zjj
    rows = [
        ("食品检验检测", [served[0]], True, "市场调节价", ""),
        ("特种设备型式试验", [served[1]], True, "政府定价或政府指导价", "按省发展改革委核定标准收取"),
        ("建设工程施工图设计文件审查", [served[2]], True, "政府定价或政府指导价", "按工程概算的 0.1% 收取"),
        ("建设工程质量检测", [served[2], served[3]], True, "市场调节价", ""),
        ("房产测绘", [served[3]], True, "市场调节价", ""),
        ("食品经营场所卫生条件评估", [served[0], served[1]], False, "", ""),
    ]  # fmt: skip
    for n, (name, items, charged, nature, standard) in enumerate(rows, start=1):
        org = items[0].org
        services.save_intermediary(by=SYSTEM, org=org, publish=True, data={
            "code": f"ZJ-{org.region_code}-{n:03d}", "name": name,
            "approval_codes": [p.code for p in items], "approval_dept": org.name,
            "basis": "《国务院关于第二批清理规范国务院部门行政审批中介服务事项的决定》",
            "provider_requirements": "具备相应资质的检验检测或技术服务机构", "charged": charged,
            "fee_nature": nature, "fee_basis": "《中华人民共和国价格法》" if charged else "",
            "fee_standard": standard})  # fmt: skip
