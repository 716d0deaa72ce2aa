"""Demo content of the website self-inspection (issue 23), small and deterministic: 15 columns
over the city and two departments (one stale 动态 column, one empty static column, one external
entry, two mailboxes), 30 days of hourly probes with 2 % failures, one link check with 3 broken
links, 4 corrections (1 overdue), 1 letter open 70 days (the 2-month alarm), last year's 报表
published, the security items attested, then the inspection run and stored.

The probes and the link check describe past runs that the demo cannot perform (it has no network
and no 30 days): they are stored through the same services and judged by the same rules."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from gongkai.accounts.permissions import SYSTEM
from gongkai.documents import services as documents
from gongkai.documents.models import InfoCategory
from gongkai.documents.selectors import public_documents
from gongkai.monitoring import selectors, services, tasks
from gongkai.monitoring.checker import Fetched
from gongkai.monitoring.models import Attestation, Column
from gongkai.organizations.models import Organization
from gongkai.participation import services as participation
from gongkai.participation.models import Mailbox


def _publish(org: Organization, category: str, title: str, on: dt.date, **extra: Any) -> None:
    doc = documents.create_document(by=SYSTEM, org=org, data={
        "title": title, "body_html": f"<p>{title}。</p>", "written_on": on, "published_on": on,
        "category": InfoCategory.objects.get(code=category), **extra,
    })  # fmt: skip
    documents.submit(doc, by=SYSTEM)
    documents.publish(doc, by=SYSTEM, today=on)


def build(orgs: dict[str, Organization], out: Callable[[str], Any] = print,
          today: dt.date | None = None) -> None:  # fmt: skip
    from django.utils import timezone

    today = today or timezone.localdate()
    city, fgw, jyj = orgs["city"], orgs["fgw"], orgs["jyj"]
    _publish(city, "news", "示范市召开政府网站与政务新媒体自查工作会议", today)
    _publish(city, "notice", "关于开展政府网站年度自查工作的通知", today - dt.timedelta(days=20))
    _publish(city, "policy", "示范市政府网站与政务新媒体管理办法", today - dt.timedelta(days=30),
             doc_number=f"示政发〔{(today - dt.timedelta(days=30)).year}〕90号")  # fmt: skip
    _publish(city, "budget", "示范市本级部门预算公开说明", today - dt.timedelta(days=60))
    _publish(fgw, "news", "市发展改革委召开重点项目推进会", today - dt.timedelta(days=3))
    _publish(jyj, "news", "市教育局部署校园安全工作", today - dt.timedelta(days=5))
    # the one stale 动态 column of the demo: its only item is 40 days old
    _publish(city, "emergency", "示范市开展防汛应急演练", today - dt.timedelta(days=40))
    mayor = Mailbox.objects.get(code="mayor")
    director = Mailbox.objects.get(code="jyj")
    specs: list[dict[str, Any]] = [
        {"name": "政务要闻", "org": city, "kind": "news", "categories": ["news"], "first_level": True, "on_homepage": True},
        {"name": "通知公告", "org": city, "kind": "notice", "categories": ["notice", "announcement"], "first_level": True, "on_homepage": True},
        {"name": "政策文件", "org": city, "kind": "policy", "categories": ["policy", "normative"], "first_level": True},
        {"name": "人事信息", "org": city, "kind": "personnel", "categories": ["personnel"]},
        {"name": "规划计划", "org": city, "kind": "plan", "categories": ["plan"]},
        {"name": "财政预决算", "org": city, "kind": "periodic", "categories": ["budget"]},
        {"name": "应急管理动态", "org": city, "kind": "news", "categories": ["emergency"]},
        {"name": "机构概况", "org": city, "kind": "static", "static_text": "示范市人民政府是示范市的国家行政机关。", "static_updated_on": today - dt.timedelta(days=100)},
        {"name": "领导信息", "org": city, "kind": "static"},
        {"name": "市长信箱", "org": city, "kind": "interactive", "mailbox": mayor, "on_homepage": True},
        {"name": "政务服务网", "org": city, "kind": "external", "url": "https://zwfw.example.gov.cn/", "first_level": True},
        {"name": "发改动态", "org": fgw, "kind": "news", "categories": ["news"]},
        {"name": "发改通知公告", "org": fgw, "kind": "notice", "categories": ["notice"]},
        {"name": "教育动态", "org": jyj, "kind": "news", "categories": ["news"]},
        {"name": "局长信箱", "org": jyj, "kind": "interactive", "mailbox": director},
    ]  # fmt: skip
    for spec in specs:
        services.create_column(by=SYSTEM, data=spec)

    # 30 days of hourly probes, every 50th failed (2 %)
    now = timezone.now().replace(minute=5, second=0, microsecond=0)
    rows = []
    for i in range(30 * 24):
        failed = i % 50 == 7
        rows.append((now - dt.timedelta(hours=i), Fetched(
            "https://www.example.gov.cn/", None if failed else 200,
            "连接超时" if failed else "", 15.0 if failed else 0.3 + (i % 7) / 10)))  # fmt: skip
    services.store_probes(rows, by=SYSTEM, note="演示数据")

    # one link check: three broken links on public document pages
    pages = [f"/documents/{d.pk}/" for d in public_documents().order_by("-published_on", "id")[:6]]
    results = [{"url": u, "internal": not u.startswith("http"), "outcome": o, "status": s,
                "error": e, "found_on": pages[i % len(pages)], "on_homepage": False}
               for i, (u, o, s, e) in enumerate([
                   ("https://www.gov.cn/zhengce/", "ok", 200, ""),
                   ("https://zwfw.example.gov.cn/", "ok", 200, ""),
                   ("/list/?category=notice", "ok", 200, ""),
                   ("https://old-site.example.gov.cn/art/2019/1/1/art_1.html", "broken", 404, ""),
                   ("/attachments/999999/旧附件.pdf", "broken", 404, ""),
                   ("https://expired.example.cn/", "broken", None, "域名解析失败"),
                   ("https://weibo.example.com/shifan", "unverifiable", 403, ""),
               ])]  # fmt: skip
    services.store_link_check(results, by=SYSTEM, allow_private=False,
                              started_at=now - dt.timedelta(hours=3))  # fmt: skip

    # four corrections: answered on time, acknowledged, new, and one overdue
    cal_days = [12, 8, 1, 0]
    made = []
    for n, (days, kind, text) in enumerate(zip(cal_days, ["typo", "broken_link", "stale", "wrong"], [
        "通知公告第二条“政务公开”误写为“政务公看”", "附件下载链接打开为空白页",
        "人事信息栏目内容较旧", "机构概况中的办公电话有误"], strict=True)):  # fmt: skip
        c, _ = services.submit_correction({"page_url": pages[n % len(pages)], "kind": kind,
                                           "description": text, "contact": ""},
                                          today=today - dt.timedelta(days=days))  # fmt: skip
        made.append(c)
    services.answer_correction(made[0], by=SYSTEM, reply="已更正，感谢您的指正。",
                               today=made[0].acknowledge_due_on or today)  # fmt: skip
    services.acknowledge_correction(made[2], by=SYSTEM, today=today)
    # made[1] (8 days, unanswered) is the overdue one

    letter, _ = participation.submit_letter(mayor, data={
        "kind": "consult", "subject": "咨询老年人公交卡办理", "content": "请问老年人公交卡在哪里办理？",
        "name": "孙老师", "phone": "13900009999", "email": "", "consent_publish": False,
    }, today=today - dt.timedelta(days=70))  # fmt: skip
    participation.accept(letter, by=SYSTEM, today=today - dt.timedelta(days=70))

    last = today.year - 1
    report = services.save_site_report(by=SYSTEM, year=last, entered={
        "基本信息/网站类型": "政府门户网站", "基本信息/独立用户访问总量": 1285000,
        "基本信息/网站总访问量": 5630000, "安全防护/安全检测评估次数": 12, "安全防护/发现问题数量": 9,
        "安全防护/问题整改数量": 9, "安全防护/是否建立安全监测预警机制": "是",
        "安全防护/是否开展应急演练": "是", "安全防护/是否明确网站安全责任人": "是",
        "填报信息/单位负责人": "示范市人民政府办公室", "填报信息/填报日期": f"{today.year}-01-20",
    })  # fmt: skip
    services.publish_site_report(report, by=SYSTEM, computed=selectors.computed_figures(last),
                                 today=today)  # fmt: skip
    for item in Attestation.Item.values:
        services.attest(by=SYSTEM, item=item, period_start=dt.date(today.year, 1, 1),
                        period_end=dt.date(today.year, 12, 31), incident=False,
                        note="本期未发生")  # fmt: skip
    result = tasks.run_inspection(today)
    out(f"网站监测演示数据：栏目 {Column.objects.count()} 个，自查结论 {result['verdict']}，"
        f"得分 {result['score']}")  # fmt: skip
