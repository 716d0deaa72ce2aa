"""Demo execution disclosure for the demo city (issue 22 "Demo content"), written through the
services as SYSTEM, dated relative to the load day and otherwise fixed: one plan of the year
(4 categories, 16 tasks, 3 overdue, 5 done of which 1 late), one concluded 督查 and one draft,
12 建议提案, 5 opinion events, 6 press conferences and 2 online interviews."""

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from gongkai.accounts.permissions import SYSTEM
from gongkai.execution import services
from gongkai.execution.models import Task
from gongkai.organizations.models import Organization

BJ = ZoneInfo("Asia/Shanghai")
CATEGORIES = ["深化重点领域信息公开", "优化政务公开平台", "强化政策解读回应", "夯实公开工作基础"]
TASKS = [
    "公开财政预决算和“三公”经费", "公开重大建设项目批准和实施信息", "公开公共资源配置信息",
    "公开重大行政决策事项目录", "推进政府网站集约化", "优化政府信息公开专栏", "完善政策文件库",
    "推进政务新媒体规范化", "做好重要政策解读", "及时回应社会关切", "办好新闻发布会",
    "开展在线访谈", "更新主动公开基本目录", "规范依申请公开办理", "开展政务公开培训",
    "编制政府信息公开工作年度报告",
]  # fmt: skip
D = dt.timedelta


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), BJ)


def build(orgs: dict[str, Organization], out: Callable[[str], Any] = print,
          today: dt.date | None = None) -> None:  # fmt: skip
    today = today or dt.date.today()
    city, bgs = orgs["city"], orgs.get("bgs", orgs["city"])
    depts = [o for code, o in orgs.items() if code in (
        "fgw", "jyj", "czj", "rsj", "zrj", "sthj", "zjj", "jtj", "wjw", "scj", "yjj")]  # fmt: skip
    depts = depts or [city]

    # --- 重点工作任务: 16 tasks, all with a lead, 12 with co departments ----------------------
    plan = services.create_plan(by=SYSTEM, org=city, year=today.year,
                                title=f"示范市{today.year}年政务公开工作要点")  # fmt: skip
    cats = [services.category(plan, by=SYSTEM, name=n, order=i) for i, n in enumerate(CATEGORIES)]
    for i, title in enumerate(TASKS):
        n = i + 1
        lead = depts[i % len(depts)]
        co = [depts[(i + 1) % len(depts)], depts[(i + 3) % len(depts)]] if n <= 12 else []
        co = [o for o in co if o.pk != lead.pk]
        t = Task(plan=plan, category=cats[i // 4], number=n, title=title, lead_org=lead,
                 measures=f"由{lead.name}牵头，逐项分解落实，按季度报送进展。")  # fmt: skip
        if n <= 5:  # done; task 5 after its due date (逾期完成)
            t.due_on, t.status = today - D(days=20), Task.Status.DONE
            t.completed_on = today - D(days=30 if n < 5 else 10)
        elif n <= 8:  # overdue
            t.due_on, t.status = today - D(days=15 * (n - 5)), Task.Status.IN_PROGRESS
        elif n <= 12:
            t.due_on, t.status = today + D(days=60), Task.Status.IN_PROGRESS
        else:
            t.due_on = today + D(days=120)
        services.save_task(t, by=SYSTEM, co_orgs=co)
        if t.status != Task.Status.NOT_STARTED:
            services.add_report(t, by=SYSTEM, on=today - D(days=35),
                                text=f"{lead.name}会同配合部门制定工作方案，明确责任分工和时间节点。")  # fmt: skip
    services.publish_plan(plan, by=SYSTEM)

    # --- 督查: one concluded with 4 findings and 1 问责, one draft -------------------------------
    insp = services.create_inspection(by=SYSTEM, org=bgs, title=f"{today.year}年政务公开工作专项督查",
                                      working_notes="督查组工作底稿：座谈记录、抽查台账（内部）")  # fmt: skip
    found = [("政府信息公开专栏更新不及时", today - D(days=40), "已完成专栏栏目梳理，建立周更新机制。", True),
             ("政策解读与文件未同步发布", today - D(days=30), "已补发解读材料并建立同步审核机制。", True),
             ("依申请公开答复文书不规范", today + D(days=30), "", False),
             ("主动公开基本目录未按期更新", today - D(days=10), "", False)]  # fmt: skip
    for i, (matter, due, fix, done) in enumerate(found):
        f = services.add_finding(insp, by=SYSTEM, data={
            "matter": matter, "responsible": depts[i % len(depts)].name,
            "facts": f"督查发现{matter}的问题。", "requirement": "限期整改并报送整改情况。",
            "rectify_due_on": due})  # fmt: skip
        if done:
            services.rectify(f, by=SYSTEM, text=fix, on=due - D(days=3))
    services.add_accountability(insp, by=SYSTEM, data={
        "subject": f"{depts[-1].name}有关负责人", "basis": "《中国共产党问责条例》《政府督查工作条例》",
        "action": "约谈并责令作出书面检查"})  # fmt: skip
    services.conclude(insp, by=SYSTEM, on=today - D(days=50))
    services.create_inspection(by=SYSTEM, org=bgs, title="营商环境专项督查（进行中）",
                               working_notes="初步核查情况，尚未形成督查结论")  # fmt: skip

    # --- 建议提案: 6 建议 + 6 提案 -----------------------------------------------------------------
    meetings = {"suggestion": f"市十五届人大{today.year - 2022}次会议",
                "proposal": f"市政协十四届{today.year - 2022}次会议"}  # fmt: skip
    # (kind, number, days since 交办, reply: (grade, disclosure) or None, extend, publish delay)
    items = [("suggestion", "001", 150, ("A", "full"), False, 5),
             ("suggestion", "002", 150, ("B", "full"), False, 40),  # published late
             ("suggestion", "003", 150, ("C", "summary"), False, 5),
             ("suggestion", "004", 150, ("D", "none"), False, 0),
             ("suggestion", "005", 150, None, False, 0),  # overdue
             ("suggestion", "006", 100, None, True, 0),  # extended
             ("proposal", "001", 150, ("A", "full"), False, 5),
             ("proposal", "002", 150, ("B", "full"), False, 5),
             ("proposal", "003", 150, ("B", "full"), False, 5),
             ("proposal", "004", 150, ("A", "full"), False, 5),
             ("proposal", "005", 30, None, False, 0),
             ("proposal", "006", 20, None, False, 0)]  # fmt: skip
    subjects = ["加快老旧小区改造", "优化公交线网", "加强中小学课后服务", "完善社区养老服务",
                "推进垃圾分类", "提升政务服务便利度"]  # fmt: skip
    for i, (kind, number, ago, reply, extend, delay) in enumerate(items):
        assigned = today - D(days=ago)
        lead = depts[i % len(depts)]
        p = services.register_proposal(by=SYSTEM, data={
            "kind": kind, "meeting": meetings[kind], "number": number, "lead_unit": lead,
            "title": f"关于{subjects[i % len(subjects)]}的{'建议' if kind == 'suggestion' else '提案'}",
            "assigned_on": assigned,
        }, proposers=[{"name": ["陈立新", "刘慧敏", "周建华", "吴晓燕"][i % 4],
                       "mobile": f"139{i:04d}{i * 37 % 10000:04d}", "address": f"示范市人民路{10 + i}号"}],
           co_units=[depts[(i + 2) % len(depts)]] if i % 2 and depts[(i + 2) % len(depts)] != lead else [])  # fmt: skip
        if extend:
            services.extend(p, by=SYSTEM, to=services.latest_extension(assigned),
                            reason="涉及多个部门协调，经交办机关同意延期办理")  # fmt: skip
        if reply:
            grade, disclosure = reply
            replied_on = assigned + D(days=60)
            services.reply(p, by=SYSTEM, replied_on=replied_on, grade=grade, disclosure=disclosure,
                           text="经认真研究，现将办理情况答复如下：\n一、已将该事项列入年度工作计划。\n二、下一步将加强跟踪督办，及时公开进展。",
                           reason="涉及正在研究的过程性信息" if disclosure == "none" else "")  # fmt: skip
            if p.reply_document_id:
                services.publish_reply(p, by=SYSTEM, today=replied_on + D(days=delay))
            services.record_satisfaction(
                p, by=SYSTEM, value="basic" if grade in "CD" else "satisfied"
            )

    # --- 政务舆情: 2 major, 3 others; two clocks missed ------------------------------------------
    events = [("重大", "major", "关于暴雨致部分路段积水的网络关注", [("release", 3), ("press", 20)]),
              ("重大", "major", "关于某小区燃气泄漏事件的网络关注", [("release", 7), ("press", 30)]),
              ("一般", "general", "关于公交线路调整的网民关切", [("release", 30)]),
              ("一般", "general", "关于学区划分的网民关切", [("interpretation", 60)]),
              ("较大", "large", "关于菜市场改造施工的网民关切", [("interview", 10)])]  # fmt: skip
    made = []
    for i, (_, level, title, responses) in enumerate(events):
        detected = _at(
            today - D(days=10 + 7 * i), 22, 0
        )  # late evening: the clocks run across midnight
        e = services.register_event(by=SYSTEM, org=depts[(i + 4) % len(depts)], title=title,
                                    level=level, detected_at=detected, category="突发事件处置" if level == "major" else "民生关切",
                                    internal_notes="舆情研判：传播范围、情绪倾向（内部）")  # fmt: skip
        for form, hours in responses:
            services.respond(e, by=SYSTEM, form=form, at=detected + D(hours=hours),
                             text=f"{e.org.name}针对网民关切作出回应，介绍处置进展和下一步措施。")  # fmt: skip
        made.append(e)

    # --- 新闻发布会: 6 over 2 organisations and several quarters --------------------------------
    for i in range(6):
        held = _at(today - D(days=20 + 45 * i), 10)
        org = [city, depts[0]][i % 2]
        pc = services.record_press(by=SYSTEM, org=org, data={
            "title": f"{org.short_name or org.name}新闻发布会（第{6 - i}场）", "held_at": held,
            "speakers": ["新闻发言人", "有关处室负责人"], "transcript": "主持人：各位记者朋友，大家上午好……",
            "event": made[0] if i == 0 else None})  # fmt: skip
        services.publish_press(pc, by=SYSTEM)

    # --- 在线访谈: one held with 3 questions answered afterwards, one announced ---------------------
    start = _at(today - D(days=14), 9, 30)
    iv = services.schedule_interview(by=SYSTEM, org=depts[0], data={
        "title": "优化营商环境政策在线访谈", "announced_at": start - D(days=7), "starts_at": start,
        "ends_at": start + D(minutes=60), "guests": [f"{depts[0].name}主要负责人"]})  # fmt: skip
    questions = ["企业开办需要多长时间？", "个体工商户年报在哪里办理？", "小微企业有哪些减税政策？",
                 "政务服务中心周末能办事吗？"]  # fmt: skip
    for j, text in enumerate(questions):
        q = services.ask(iv, question=text, asker=f"网民{j + 1}", contact=f"1370000{j:04d}")
        services.moderate(q, by=SYSTEM, approve=True)
        live = j == 0
        services.answer(q, by=SYSTEM, text="感谢您的关注。相关政策已在政府网站公开，可登录查询。",
                        on=start.date() + D(days=0 if live else 2), live=live)  # fmt: skip
    services.publish_interview(
        iv, by=SYSTEM, transcript="主持人：各位网友，大家好，欢迎参加本期在线访谈……"
    )
    upcoming = _at(today + D(days=10), 15)
    iv2 = services.schedule_interview(by=SYSTEM, org=city, data={
        "title": "义务教育招生政策在线访谈（预告）", "announced_at": _at(today, 9),
        "starts_at": upcoming, "ends_at": upcoming + D(minutes=60), "guests": "市教育局负责人"})  # fmt: skip
    services.publish_interview(iv2, by=SYSTEM)
    out("执行公开：16 项重点任务、2 次督查、12 件建议提案、5 起舆情回应、6 场发布会、2 期访谈")
