"""A deterministic demo city: a city government, a dozen departments, two districts with their
streets, a 主动公开基本目录 for each, and a few hundred documents across categories, years,
validity states, disclosure attributes and lifecycle states — all written through the services,
so the demo has index numbers, versions and an audit trail like real use.
"""

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from gongkai.accounts.permissions import SYSTEM
from gongkai.documents import services as documents
from gongkai.documents.models import DirectoryItem, Document, InfoCategory, TopicCategory
from gongkai.organizations.models import Organization
from gongkai.organizations.services import create_organization

SEED = 20261123
CITY = "示范市"
CITY_CODE = "990100"


@dataclass(frozen=True)
class Dept:
    code: str
    name: str
    abbr: str  # 发文机关代字
    topic: str  # main 主题分类 (full name)
    subjects: tuple[str, ...]


DEPARTMENTS = [
    Dept(
        "bgs",
        "示范市人民政府办公室",
        "示政办发",
        "综合政务\\政务公开",
        ("政务公开", "政务服务", "营商环境", "一网通办"),
    ),
    Dept(
        "fgw",
        "示范市发展和改革委员会",
        "示发改",
        "国民经济管理、国有资产监管\\发展规划",
        ("重点项目", "价格监测", "节能降耗", "社会信用体系"),
    ),
    Dept(
        "jyj",
        "示范市教育局",
        "示教发",
        "科技、教育\\教育",
        ("义务教育招生", "校外培训治理", "学前教育", "教师队伍建设"),
    ),
    Dept(
        "czj",
        "示范市财政局",
        "示财发",
        "财政、金融、审计\\财政",
        ("预算管理", "政府采购", "专项资金", "国有资产"),
    ),
    Dept(
        "rsj",
        "示范市人力资源和社会保障局",
        "示人社发",
        "劳动、人事、监察\\劳动就业",
        ("稳岗就业", "社会保险", "技能培训", "根治欠薪"),
    ),
    Dept(
        "zrj",
        "示范市自然资源和规划局",
        "示自然资发",
        "国土资源、能源\\土地",
        ("国土空间规划", "耕地保护", "不动产登记", "土地供应"),
    ),
    Dept(
        "sthj",
        "示范市生态环境局",
        "示环发",
        "城乡建设、环境保护\\环境监测、保护与治理",
        ("大气污染防治", "河长制", "排污许可", "环境监测"),
    ),
    Dept(
        "zjj",
        "示范市住房和城乡建设局",
        "示建发",
        "城乡建设、环境保护\\城乡建设（含住房）",
        ("保障性住房", "老旧小区改造", "建筑市场", "物业管理"),
    ),
    Dept(
        "jtj",
        "示范市交通运输局",
        "示交发",
        "工业、交通\\交通",
        ("公共交通", "农村公路", "网约车管理", "道路运输"),
    ),
    Dept(
        "wjw",
        "示范市卫生健康委员会",
        "示卫健发",
        "卫生、体育\\卫生",
        ("基本公共卫生", "医疗服务", "疾病预防控制", "健康示范市"),
    ),
    Dept(
        "scj",
        "示范市市场监督管理局",
        "示市监发",
        "市场监管、安全生产监管\\市场监管",
        ("食品安全", "市场主体登记", "价格监督", "特种设备"),
    ),
    Dept(
        "yjj",
        "示范市应急管理局",
        "示应急发",
        "综合政务\\应急管理",
        ("安全生产", "防汛抗旱", "森林防火", "应急预案"),
    ),
]
DISTRICTS = [
    (
        "dcq",
        "示范市东城区人民政府",
        "东城区",
        "990102",
        "示东政发",
        ("dcq-jd1", "东城区人民街道办事处"),
        ("dcq-jd2", "东城区和平街道办事处"),
    ),
    (
        "xhq",
        "示范市西湖区人民政府",
        "西湖区",
        "990103",
        "示西政发",
        ("xhq-jd1", "西湖区湖滨街道办事处"),
        ("xhq-jd2", "西湖区青山镇人民政府"),
    ),
]
DIRECTORY = [
    ("机构职能", "《中华人民共和国政府信息公开条例》第二十条第（一）项", "办公室", ["news"]),
    (
        "法规文件",
        "《中华人民共和国政府信息公开条例》第二十条第（一）项",
        "法规科",
        ["normative", "policy", "notice", "announcement"],
    ),
    ("政策解读", "国办发〔2016〕80号", "起草部门", ["interpretation"]),
    ("规划计划", "《中华人民共和国政府信息公开条例》第二十条第（二）项", "规划科", ["plan"]),
    ("财政预决算", "《中华人民共和国预算法》第十四条", "财务科", ["budget"]),
    ("人事信息", "《中华人民共和国政府信息公开条例》第二十条第（十五）项", "人事科", ["personnel"]),
    ("统计信息", "《中华人民共和国政府信息公开条例》第二十条第（四）项", "综合科", ["statistics"]),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国志强晓明秀英海燕丽华文杰思远春梅国华建华德明玉兰"


def _body(rng: random.Random, subject: str, org: str, year: int) -> str:
    paras = [
        f"为深入贯彻落实党中央、国务院决策部署，进一步做好{subject}工作，经{org}研究，现将有关事项通知如下。",
        f"一、总体要求。坚持以人民为中心的发展思想，围绕{subject}的重点任务，到{year + 1}年底基本建成制度完备、运行高效的工作机制。",
        f"二、主要任务。（一）健全工作机制。各区、各部门要明确责任分工，建立{subject}工作台账，实行清单化管理。"
        f"（二）强化信息公开。依法依规做好{subject}相关政府信息主动公开，及时回应社会关切。",
        "三、保障措施。各单位要加强组织领导，落实经费保障，定期报送工作进展情况。",
        f"本文件自印发之日起施行。联系电话：0{rng.randint(100, 999)}-{rng.randint(2000000, 8999999)}（工作日9:00-17:00）。",
    ]
    return "".join(f"<p>{p}</p>" for p in paras)


def _title(rng: random.Random, category: str, subject: str, year: int, dept: Dept) -> str:
    short = dept.name.removeprefix("示范市")
    options = {
        "notice": [f"关于做好{year}年{subject}工作的通知", f"关于开展{subject}专项检查的通知"],
        "announcement": [f"关于{subject}有关事项的公告", f"{year}年{subject}结果公告"],
        "normative": [
            f"示范市{subject}管理办法",
            f"关于进一步加强{subject}的实施意见",
            f"示范市{subject}实施细则",
        ],
        "policy": [
            f"示范市{subject}三年行动方案（{year}—{year + 2}年）",
            f"关于支持{subject}高质量发展的若干措施",
        ],
        "news": [
            f"{short}召开{subject}工作推进会",
            f"{short}扎实推进{subject}工作",
            f"{short}开展{subject}宣传活动",
        ],
        "personnel": [f"{short}{year}年公开招聘工作人员公告", f"{short}关于领导干部任前公示的公告"],
        "budget": [f"{dept.name}{year}年部门预算公开", f"{dept.name}{year - 1}年部门决算公开"],
        "plan": [f"{short}{year}年工作要点", f"{short}{year - 1}年工作总结和{year}年工作计划"],
        "statistics": [f"{year}年{subject}统计数据", f"{year}年上半年{subject}情况通报"],
    }
    return rng.choice(options[category])


def _users() -> list[tuple[str, str, str, str, str]]:
    """(username, full name, org code, role, password); passwords generated, printed once."""
    import secrets

    def pw() -> str:
        return "Gk-" + secrets.token_urlsafe(12)

    return [
        ("fgw_editor", "李编辑", "fgw", "editor", pw()),
        ("fgw_reviewer", "王审核", "fgw", "reviewer", pw()),
        ("city_admin", "赵管理", "city", "admin", pw()),
    ]


def _clear_office_numbers(doc: Document) -> None:
    """The demo bodies end with the department's office number: public information (单位电话),
    kept on the review record as such, as a reviewer would."""
    from gongkai.review import selectors as review_selectors

    for finding in review_selectors.blocking_findings(doc):
        documents.resolve_finding(
            doc, finding, by=SYSTEM, action="keep", reason="organization", note="部门办公电话"
        )


@transaction.atomic
def build(out: Any = print) -> bool:
    """Create the demo city; returns False (and changes nothing) when it already exists."""
    if Organization.objects.filter(code="city").exists():
        return False
    from gongkai.accounts import services as accounts
    from gongkai.accounts.models import User

    rng = random.Random(SEED)
    today = dt.date.today()
    city = create_organization(
        by=SYSTEM, level="city", code="city", name="示范市人民政府", short_name="示范市",
        region_code=CITY_CODE, org_code="001", credit_code="", order=0,
        intro="示范市人民政府是示范市的行政机关，负责本行政区域内的经济、教育、科学、文化、卫生、体育、城乡建设等行政工作。",
        functions="执行市人民代表大会及其常务委员会的决议；规定行政措施，发布决定和命令；领导所属各工作部门和下级人民政府的工作。",
        leadership="市长：主持市政府全面工作。常务副市长：负责市政府常务工作，分管政务公开工作。",
        disclosure_leader="常务副市长", address="示范市人民路1号", office_hours="工作日 上午9:00-12:00，下午13:30-17:30",
        phone="0999-12345678", complaint_phone="0999-12345", postcode="999000",
    )  # fmt: skip
    orgs: dict[str, Organization] = {"city": city}
    for i, d in enumerate(DEPARTMENTS):
        orgs[d.code] = create_organization(
            by=SYSTEM, parent=city, level="department", code=d.code, name=d.name,
            short_name=d.name.removeprefix("示范市"), region_code=CITY_CODE, org_code=f"{101 + i:03d}",
            order=i + 1, intro=f"{d.name}是示范市人民政府工作部门，负责全市{d.subjects[0]}等工作。",
            functions=f"负责{'、'.join(d.subjects)}等方面的政策拟订和组织实施。",
            leadership="局长（主任）：主持全面工作。副局长：分管政务公开、办公室工作。",
            disclosure_leader="副局长", address=f"示范市人民路{10 + i}号", office_hours="工作日 9:00-17:30",
            phone=f"0999-8{i:02d}10000", complaint_phone=f"0999-8{i:02d}10001", postcode="999000",
        )  # fmt: skip
    for code, name, short, region, _, *streets in DISTRICTS:
        district = create_organization(
            by=SYSTEM, parent=city, level="district", code=code, name=name, short_name=short,
            region_code=region, org_code="001", intro=f"{name}负责本区行政工作。",
            address=f"示范市{short}政府路1号", office_hours="工作日 9:00-17:30", phone="0999-66660000",
            complaint_phone="0999-12345",
        )  # fmt: skip
        orgs[code] = district
        for j, (scode, sname) in enumerate(streets):
            orgs[scode] = create_organization(
                by=SYSTEM, parent=district, level="township", code=scode, name=sname,
                short_name=sname.removeprefix(short), region_code=region, org_code=f"2{j:02d}",
                intro=f"{sname}负责辖区内社区治理和公共服务工作。",
            )  # fmt: skip

    items: dict[tuple[str, str], DirectoryItem] = {}
    for code, org in orgs.items():
        for order, (name, basis, responsible, cats) in enumerate(DIRECTORY):
            item = documents.save_directory_item(
                DirectoryItem(org=org, name=name, basis=basis, responsible=f"{org.short_name or org.name}{responsible}",
                              order=order),
                by=SYSTEM,
            )  # fmt: skip
            for c in cats:
                items[(code, c)] = item

    categories = {c.code: c for c in InfoCategory.objects.all()}
    topics = {t.full_name: t for t in TopicCategory.objects.all()}
    publishers = [*DEPARTMENTS, Dept("city", "示范市人民政府", "示政发", "综合政务\\政务公开", ("政务公开", "优化营商环境", "乡村振兴")),
                  Dept("dcq", "示范市东城区人民政府", "示东政发", "综合政务\\政务公开", ("社区治理", "旧城改造")),
                  Dept("xhq", "示范市西湖区人民政府", "示西政发", "城乡建设、环境保护\\环境监测、保护与治理", ("湖区保护", "文旅融合"))]  # fmt: skip
    weights = {"notice": 14, "announcement": 8, "normative": 8, "policy": 6, "news": 22, "personnel": 5,
               "budget": 4, "plan": 4, "statistics": 4}  # fmt: skip
    plan: list[dict[str, Any]] = []
    serials: dict[tuple[str, int], int] = {}
    for _ in range(330):
        dept = rng.choice(publishers)
        cat = rng.choices(list(weights), weights=list(weights.values()))[0]
        year = rng.choice([2019, 2020, 2021, 2022, 2023, 2024, 2025, 2025, 2026, 2026, 2026])
        published = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        if published > today:
            published = today - dt.timedelta(days=rng.randint(1, 60))
        written = published - dt.timedelta(days=rng.randint(0, 10))
        subject = rng.choice(dept.subjects)
        data: dict[str, Any] = {
            "title": _title(rng, cat, subject, published.year, dept),
            "body_html": _body(rng, subject, dept.name, published.year),
            "category": categories[cat],
            "topic": topics.get(dept.topic),
            "written_on": written,
            "published_on": published,
            "keywords": f"{subject}，{categories[cat].name}",
            "summary": f"{dept.name}关于{subject}的{categories[cat].name}。",
            "department": dept.name.removeprefix("示范市") if cat != "news" else "",
            "directory_item": items.get((dept.code, cat)),
        }
        if cat in ("normative", "policy", "notice"):
            key = (dept.code, published.year)
            serials[key] = serials.get(key, 0) + rng.randint(1, 6)
            data["doc_number"] = f"{dept.abbr}〔{published.year}〕{serials[key]}号"
        if cat in ("normative", "policy"):
            data["effective_on"] = published + dt.timedelta(days=30)
            roll = rng.random()
            if roll < 0.15:
                data["validity"] = "repealed"
            elif roll < 0.25:
                data["validity"] = "amended"
            else:
                data["validity"] = "valid"
                # normative documents run 5 years (some 2): older ones lapse by date
                data["expires_on"] = published + dt.timedelta(days=365 * rng.choice([2, 5, 5]))
        roll = rng.random()
        if roll < 0.05:
            data["disclosure_attribute"] = "on_request"
            data["disclosure_reason"] = "涉及内部管理事务，依申请公开（条例第十六条）"
            data["disclosure_ground"] = "internal"
        elif roll < 0.08:
            data["disclosure_attribute"] = "withheld"
            data["disclosure_reason"] = "属于过程性信息，不予公开（条例第十六条第二款）"
            data["disclosure_ground"] = "process"
        elif roll < 0.12:
            data["disclosure_attribute"] = "redacted"
            data["disclosure_reason"] = "含个人信息，删减后公开（条例第十五条）"
            data["public_body_html"] = "<p>（本文已对个人信息作删减处理）</p>" + data["body_html"]
        state = rng.random()
        plan.append({"org": orgs[dept.code], "data": data, "state": state})

    for doc_plan in sorted(plan, key=lambda p: p["data"]["published_on"]):
        doc = documents.create_document(by=SYSTEM, org=doc_plan["org"], data=doc_plan["data"])
        state = doc_plan["state"]
        if state < 0.04:
            continue  # 草稿
        documents.submit(doc, by=SYSTEM)
        _clear_office_numbers(doc)
        if state < 0.08:
            continue  # 待审核
        documents.publish(doc, by=SYSTEM, today=doc_plan["data"]["published_on"])
        if state < 0.10:
            documents.withdraw(doc, by=SYSTEM, reason="内容已调整，撤回后重新发布")
    # 政策解读: most policies get an interpretation, published with them or within 3 days (三同步)
    policies = Document.objects.filter(
        status=Document.Status.PUBLISHED, category__code__in=["normative", "policy"]
    ).order_by("published_on", "id")
    org_codes = {o.pk: code for code, o in orgs.items()}
    for policy in policies:
        if rng.random() > 0.6 or policy.published_on is None:
            continue
        on = min(policy.published_on + dt.timedelta(days=rng.randint(0, 3)), today)
        data = {
            "title": f"《{policy.title}》政策解读",
            "body_html": "<p>一、起草背景。</p><p>二、主要内容。</p><p>三、创新举措。</p>"
            f"<p>《{policy.title}》由{policy.org.name}起草，本解读由起草部门负责（谁起草、谁解读）。</p>",
            "category": categories["interpretation"],
            "topic": policy.topic,
            "written_on": on,
            "published_on": on,
            "keywords": f"政策解读，{policy.keywords.split('，')[0]}",
            "summary": f"对《{policy.title}》的文字解读。",
            "interprets": policy,
            "directory_item": items.get((org_codes[policy.org_id], "interpretation")),
        }
        interpretation = documents.create_document(by=SYSTEM, org=policy.org, data=data)
        documents.submit(interpretation, by=SYSTEM)
        documents.publish(interpretation, by=SYSTEM, today=on)
    lapsed = documents.lapse_validity()
    from gongkai.portal.models import SiteSettings
    from gongkai.portal.services import save_site_settings

    save_site_settings(
        SiteSettings(
            site_name="示范市人民政府门户网站",
            host="示范市人民政府办公室",
            organizer="示范市大数据发展管理局",
            operator="示范市政务信息中心",
            site_code="9901000001",
            icp="示ICP备12345678号",
            police_record="示公网安备 99010002000001号",
            contact="地址：示范市人民路1号　邮编：999000\n电话：0999-12345678　电子邮箱：webmaster@example.gov.cn",
            statement="本网站由示范市人民政府办公室主办。除特别注明外，本网站内容可自由转载，转载时请注明来源。",
            correction_url="mailto:jiucuo@example.gov.cn",
            hotline="12345",
        ),
        by=SYSTEM,
    )

    for username, full_name, org_code, role, password in _users():
        user = User(username=username, full_name=full_name, is_staff=True)
        user.set_password(password)
        accounts.save_user(by=SYSTEM, user=user)
        accounts.grant_role(by=SYSTEM, user=user, organization=orgs[org_code], role=role)
        out(
            f"  演示账号 {username}（{full_name}，{orgs[org_code].short_name or orgs[org_code].name}·{role}）密码：{password}"
        )
    from gongkai.applications import demo as applications_demo

    applications_demo.build(orgs, out=out, today=today)
    from gongkai.participation import demo as participation_demo

    participation_demo.build(orgs, out=out, today=today)
    from gongkai.demo import enforcement_demo

    enforcement_demo.build(orgs, out=out, today=today)
    from gongkai.demo import lists_demo

    lists_demo.build(orgs, out=out, today=today)
    from gongkai.demo import execution_demo

    execution_demo.build(orgs, out=out, today=today)
    from gongkai.opendata import demo as opendata_demo

    opendata_demo.build(orgs, out=out, year=today.year - 1)
    from gongkai.demo import monitoring_demo

    monitoring_demo.build(orgs, out=out, today=today)
    # what a visitor will see first, then how the rest of the rows stand
    from gongkai.documents.selectors import public_documents

    n_all = Document.objects.count()
    from gongkai.demo import gazette_demo

    gazette_demo.build(orgs, out=out, today=today)
    n_published = Document.objects.filter(status=Document.Status.PUBLISHED).count()
    n_public = public_documents().count()
    out(
        f"演示数据：{len(orgs)} 个机构，政府信息 {n_all} 条，公众可见 {n_public} 条"
        f"（已发布 {n_published} 条，其中依申请公开或不予公开 {n_published - n_public} 条不在网站显示；"
        f"未发布 {n_all - n_published} 条；已到期失效 {lapsed} 条）"
    )
    return True
