"""Demo content of issue 24, deterministic and small: the 示范市人民政府公报 (monthly, 2025年第1期 to
last month, continuous 总期号 from 201, ≥3 sections and ≥5 entries an issue, every city-level
normative document of the month, two 规章 with 令号, a PDF that opens), renewals and trial terms of
normative documents, one published city 清理 and one draft, and the 基层政务公开标准目录 of 东城区
(26 domains × 5 entries) and of one street (30 entries, one 未涉及 domain). All through services."""

import datetime as dt
from typing import Any

from gongkai.accounts.permissions import SYSTEM
from gongkai.catalog import services as catalog
from gongkai.catalog.models import Domain
from gongkai.documents import services as documents
from gongkai.documents.models import Document, InfoCategory
from gongkai.gazette import services as gazette
from gongkai.organizations.models import Organization

SECTIONS = ["政府规章", "政府文件", "政府办公室文件", "部门文件", "人事任免"]


def _pdf(title: str) -> bytes:
    """A one-page PDF (ASCII text; the Chinese 目录 is the HTML page beside it)."""
    text = title.encode("ascii", "replace").decode()
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
            b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
            b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"]  # fmt: skip
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def _rules(city: Organization) -> list[Document]:
    rule = InfoCategory.objects.get(code="rule")
    out = []
    for n, (title, on) in enumerate([("示范市停车管理办法", dt.date(2025, 3, 10)),
                                     ("示范市政府信息公开规定", dt.date(2025, 9, 8))], start=12):  # fmt: skip
        doc = documents.create_document(by=SYSTEM, org=city, data={
            "title": title, "body_html": f"<p>《{title}》已经市人民政府常务会议通过，现予公布，自公布之日起30日后施行。</p>",
            "category": rule, "doc_number": f"示范市人民政府令第{n}号", "written_on": on,
            "published_on": on})  # fmt: skip
        documents.submit(doc, by=SYSTEM)
        documents.publish(doc, by=SYSTEM, today=on)
        out.append(doc)
    return out


def _issues(city: Organization, today: dt.date) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    g = gazette.save_gazette(by=SYSTEM, org=city, name="示范市人民政府公报")
    rules = {d.published_on.month if d.published_on else 0: d for d in _rules(city)}
    public = Document.objects.filter(
        status=Document.Status.PUBLISHED, disclosure_attribute__in=["active", "redacted"],
        org__path__startswith=city.path, published_on__gte=dt.date(2025, 1, 1),
    ).exclude(category__code="rule").select_related("category", "org")  # fmt: skip
    total, count = 200, 0
    year, month = 2025, 1
    while (year, month) < (today.year, today.month):
        total += 1
        issue = gazette.save_issue(by=SYSTEM, gazette=g, year=year, issue_no=month, total_no=total)
        sections = {
            name: gazette.add_section(by=SYSTEM, issue=issue, name=name) for name in SECTIONS
        }
        page = 1
        month_docs = [
            d
            for d in public
            if d.published_on and (d.published_on.year, d.published_on.month) == (year, month)
        ]
        normative = [d for d in month_docs if d.category.is_normative]
        others = [d for d in month_docs if not d.category.is_normative][
            : max(0, 4 - len(normative))
        ]
        picks: list[tuple[str, Any]] = []
        if year == 2025 and month in rules:
            picks.append(("政府规章", rules[month]))
        for d in normative:
            picks.append(("政府文件" if d.org_id == city.pk else "部门文件", d))
        for d in others:
            picks.append(("政府办公室文件" if d.org_id == city.pk else "部门文件", d))
        for section, d in picks:
            gazette.add_entry(
                by=SYSTEM, issue=issue, section=sections[section], page=page, document=d
            )
            page += 4
        for filler in (
            "政府办公室文件",
            "部门文件",
        ):  # ≥3 sections: printed without a document page
            if len({s for s, _ in picks}) >= 2 or filler in {s for s, _ in picks}:
                continue
            picks.append((filler, None))
            gazette.add_entry(by=SYSTEM, issue=issue, section=sections[filler], page=page,
                              title=f"{'示范市人民政府办公室' if filler == '政府办公室文件' else '示范市发展和改革委员会'}"
                                    f"关于{year}年{month}月重点工作安排的通知")  # fmt: skip
            page += 2
        n_entries = len(picks)
        for k in range(1, max(1, 5 - n_entries) + 1):  # 人事任免 entries have no document page
            gazette.add_entry(by=SYSTEM, issue=issue, section=sections["人事任免"], page=page,
                              title=f"示范市人民政府关于任免工作人员的通知（{year}年第{month}期之{k}）")  # fmt: skip
            page += 1
        gazette.attach_pdf(by=SYSTEM, issue=issue, upload=SimpleUploadedFile(
            "issue.pdf", _pdf(f"Shifan Municipal Gazette {year}-{month:02d} (No. {total})")))  # fmt: skip
        gazette.publish_issue(issue, by=SYSTEM, today=dt.date(year, month, 25))
        count += 1
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return count


def _normative(city: Organization, today: dt.date) -> None:
    """Trial terms, documents expiring soon, a published cleanup and a draft one."""
    cat = InfoCategory.objects.get(code="normative")

    def make(title: str, effective: dt.date, expires: dt.date, trial: bool = False) -> Document:
        doc = documents.create_document(by=SYSTEM, org=city, data={
            "title": title, "body_html": f"<p>{title}全文。</p>", "category": cat,
            "written_on": effective - dt.timedelta(days=20), "published_on": effective - dt.timedelta(days=10),
            "effective_on": effective, "expires_on": expires, "is_trial": trial})  # fmt: skip
        documents.submit(doc, by=SYSTEM)
        documents.publish(doc, by=SYSTEM, today=effective - dt.timedelta(days=10))
        return doc

    base = dt.date(today.year - 1, 1, 1)
    made = [make(f"示范市{s}管理暂行办法", base, base.replace(year=base.year + 2) - dt.timedelta(days=1), True)
            for s in ("共享单车", "夜间经济")]  # fmt: skip
    soon = today + dt.timedelta(days=60)
    made += [make(f"示范市{s}实施细则", soon - dt.timedelta(days=3 * 365), soon)
             for s in ("城市绿化", "户外广告", "燃气安全")]  # fmt: skip
    made += [make(f"示范市{s}规定", base, base.replace(year=base.year + 5) - dt.timedelta(days=1))
             for s in ("物业服务", "养犬管理", "餐厨垃圾", "历史建筑保护", "地名管理", "电梯安全", "河道管理")]  # fmt: skip
    documents.lapse_validity(today=today)
    notice = documents.create_document(by=SYSTEM, org=city, data={
        "title": "示范市人民政府关于公布规范性文件清理结果的通知", "body_html": "<p>经清理，现将结果公布如下。</p>",
        "category": InfoCategory.objects.get(code="notice"), "written_on": today - dt.timedelta(days=3)})  # fmt: skip
    documents.submit(notice, by=SYSTEM)
    results = ["continue"] * 5 + ["expire", "repeal", "amend"]
    items = [{"document": d, "result": r, "amend_by": today + dt.timedelta(days=90) if r == "amend" else None}
             for d, r in zip(made[5:] + made[:1], results, strict=False)]  # fmt: skip
    ex = documents.save_cleanup(by=SYSTEM, org=city, title=f"{today.year}年规范性文件集中清理",
                                basis="《中华人民共和国行政处罚法》修订", notice=notice, items=items)  # fmt: skip
    documents.publish_cleanup(ex, by=SYSTEM, today=today - dt.timedelta(days=1))
    documents.save_cleanup(by=SYSTEM, org=city, title="优化营商环境专项清理（起草中）",
                           items=[{"document": made[2], "result": "continue"}])  # fmt: skip


CHANNEL_SETS = [
    ["政府网站", "两微一端"],
    ["政府网站", "政务服务中心"],
    ["政府网站", "公开查阅点", "便民服务站"],
]
LIMITS = [("信息形成或者变更之日起20个工作日内", "wd20"), ("实时", "realtime"), ("5个工作日内", "wd5"),
          ("每年1月31日前", "yearly:01-31"), ("及时公开", "timely")]  # fmt: skip


def _catalog(org: Organization, per_domain: int, domains: list[Domain], link_every: int) -> int:
    from gongkai.documents.models import InfoCategory as Cat

    cats = list(
        Cat.objects.filter(code__in=["notice", "announcement", "budget", "plan"]).order_by("code")
    )
    n = 0
    for d in domains:
        for seq in range(1, per_domain + 1):
            text, rule = LIMITS[(seq + d.order) % len(LIMITS)]
            e = catalog.save_entry(by=SYSTEM, org=org, domain=d, data={
                "seq": seq, "level1": f"{d.name}信息", "level2": f"第{seq}类事项",
                "content": f"{d.name}相关的政策文件、办理结果和监督信息（第{seq}项）",
                "basis": [{"rank": "行政法规", "title": "《中华人民共和国政府信息公开条例》"}],
                "time_limit_rule": rule, "time_limit_text": text, "publisher": f"{org.short_name or org.name}",
                "channels": CHANNEL_SETS[seq % len(CHANNEL_SETS)], "audience": ["全社会"], "mode": ["主动"],
                "levels": ["县级", "乡级"] if seq % 2 else ["县级"]})  # fmt: skip
            n += 1
            if n % link_every == 0:
                catalog.link(by=SYSTEM, entry=e, categories=[cats[n % len(cats)]])
    return n


def build(orgs: dict[str, Organization], *, out: Any = print, today: dt.date) -> None:
    city = orgs["city"]
    _normative(city, today)
    issues = _issues(city, today)
    domains = list(Domain.objects.order_by("order"))
    entries = _catalog(orgs["dcq"], 5, domains, link_every=3)
    street = orgs["dcq-jd1"]
    entries += _catalog(street, 2, domains[:15], link_every=4)
    catalog.declare_not_applicable(by=SYSTEM, org=street, domain=domains[-1],
                                   explanation="本街道无保障性住房项目，由区住房保障部门统一公开。")  # fmt: skip
    out(f"政府公报：{issues} 期；标准目录：{entries} 项")
