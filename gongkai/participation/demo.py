"""Demo participation content for the demo city, written through the services as SYSTEM:
- four consultations: one open now with moderated comments, one closed with its published
  意见采纳情况反馈 (adopted, partly and 未采纳 items with reasons), one whose period was shortened
  with the reason shown, and one for a major decision whose public participation included a
  听证会 and a 座谈会, recorded as steps of that decision;
- letters to the 市长信箱 and the 局长信箱 at every stage, eight of them answered and published
  with the writer's consent;
- major decisions that went through the five statutory steps with their results published."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from gongkai.accounts.permissions import SYSTEM
from gongkai.documents.selectors import public_documents
from gongkai.organizations.models import Organization

from . import services
from .models import Comment

DRAFT = (
    "<p>第一条 为了规范本市公共数据开放，促进数据要素流通，根据有关法律法规，结合本市实际，制定本办法。</p>"
    "<p>第二条 本市行政区域内公共数据的开放及其相关管理活动，适用本办法。</p>"
    "<p>第三条 公共数据开放遵循需求导向、安全可控、分级分类、统一标准的原则。</p>"
)


def _org(orgs: dict[str, Organization], *codes: str) -> Organization:
    for code in codes:
        if code in orgs:
            return orgs[code]
    return next(iter(orgs.values()))


def build(
    orgs: dict[str, Organization], out: Callable[[str], Any] = print, today: dt.date | None = None
) -> None:
    today = today or timezone.localdate()
    city = _org(orgs, "city")
    fgw = _org(orgs, "fgw", "city")
    jyj = _org(orgs, "jyj", "city")

    # --- 征求意见: one open, one closed with the feedback published ----------------------------
    open_c = services.create_consultation(by=SYSTEM, org=fgw, data={
        "title": "《示范市公共数据开放管理办法（征求意见稿）》公开征求意见", "kind": "rule",
        "department": "数据资源管理科", "draft_html": DRAFT,
        "explanation_html": "<p>为落实国家关于数据要素市场化配置的部署，起草了本办法。</p>",
        "basis": "《中华人民共和国数据安全法》《政府信息公开条例》", "opens_on": today - dt.timedelta(days=10),
        "closes_on": today + dt.timedelta(days=25), "show_comments": True,
        "contact": "示范市人民路11号 示范市发展和改革委员会（邮编999000）",
    })  # fmt: skip
    services.publish_consultation(open_c, by=SYSTEM)
    for body in ("建议在第三条增加“便利利用”原则。", "希望明确无条件开放数据的更新频率。"):
        comment = services.submit_comment(
            open_c, data={"name": "市民", "body": body}, today=today - dt.timedelta(days=5)
        )
        services.moderate(comment, by=SYSTEM, action="review")

    opened, closed = today - dt.timedelta(days=75), today - dt.timedelta(days=40)
    closed_c = services.create_consultation(by=SYSTEM, org=jyj, data={
        "title": "《示范市义务教育阶段学校招生入学办法（征求意见稿）》公开征求意见",
        "kind": "major_decision", "department": "基础教育科", "draft_html": DRAFT,
        "opens_on": opened, "closes_on": closed, "show_comments": False,
        "shortened_reason": "招生工作须在春季学期前部署，征求意见期限缩短为36日。"
        if (closed - opened).days + 1 < services.min_days() else "",
    })  # fmt: skip
    services.publish_consultation(closed_c, by=SYSTEM)
    said = [
        ("朱小明", "建议多孩家庭子女可以同校就读。"),
        ("李华", "建议多孩家庭兄弟姐妹同校入学。"),
        ("王芳", "建议取消学区房与入学挂钩。"),
        ("", "建议公开各校招生计划数。"),
    ]
    comments: list[Comment] = []
    for i, (name, body) in enumerate(said):
        c = services.submit_comment(
            closed_c, data={"name": name, "contact": "", "body": body},
            today=opened + dt.timedelta(days=3 + i),
        )  # fmt: skip
        services.moderate(c, by=SYSTEM, action="review")
        comments.append(c)
    spam = services.submit_comment(
        closed_c, data={"body": "代办入学，加微信"}, today=opened + dt.timedelta(days=9)
    )
    services.moderate(spam, by=SYSTEM, action="hide")
    after = closed + dt.timedelta(days=5)
    services.save_group(closed_c, by=SYSTEM, summary="多孩家庭子女同校就读", decision="adopted",
                        comment_ids=[comments[0].pk, comments[1].pk], today=after)  # fmt: skip
    services.save_group(
        closed_c, by=SYSTEM, summary="取消住房与入学挂钩", decision="not_adopted",
        reason="义务教育免试就近入学依据《义务教育法》第十二条，须以居住地为依据，本办法无权变更。",
        comment_ids=[comments[2].pk], today=after,
    )  # fmt: skip
    services.save_group(
        closed_c, by=SYSTEM, summary="公开各校招生计划", decision="partly",
        reason="公办学校招生计划将统一公开；民办学校由学校自行公布。",
        comment_ids=[comments[3].pk], today=after,
    )  # fmt: skip
    services.publish_feedback(
        closed_c, by=SYSTEM, today=after,
        summary="征求意见期间共收到有效意见4条，采纳2条，部分采纳1条，未采纳1条。",
    )  # fmt: skip

    # A short period needs its reason shown (《重大行政决策程序暂行条例》第十五条: 一般不少于30日).
    short_open, short_close = today - dt.timedelta(days=30), today - dt.timedelta(days=16)
    short_c = services.create_consultation(by=SYSTEM, org=fgw, data={
        "title": "《示范市冬季清洁取暖补贴实施方案（征求意见稿）》公开征求意见", "kind": "major_decision",
        "department": "能源科", "draft_html": DRAFT, "opens_on": short_open, "closes_on": short_close,
        "shortened_reason": "补贴须在供暖季开始前兑现，经市政府同意，征求意见期限缩短为15日。",
        "contact": "示范市人民路11号 示范市发展和改革委员会能源科", "show_comments": False,
    })  # fmt: skip
    services.publish_consultation(short_c, by=SYSTEM)
    short_comment = services.submit_comment(
        short_c, data={"name": "市民", "body": "建议补贴直接发放到户。"},
        today=short_open + dt.timedelta(days=3),
    )  # fmt: skip
    services.moderate(short_comment, by=SYSTEM, action="review")
    services.save_group(short_c, by=SYSTEM, summary="补贴发放到户", decision="adopted",
                        comment_ids=[short_comment.pk], today=short_close + dt.timedelta(days=2))  # fmt: skip
    services.publish_feedback(short_c, by=SYSTEM, today=short_close + dt.timedelta(days=2),
                              summary="征求意见期间共收到有效意见1条，已采纳。")  # fmt: skip

    # A major decision heard in public: 听证会 and 座谈会 are recorded as its participation steps.
    hear_open, hear_close = today - dt.timedelta(days=120), today - dt.timedelta(days=85)
    hearing_c = services.create_consultation(by=SYSTEM, org=city, data={
        "title": "《示范市城市停车设施专项规划（草案）》公开征求意见", "kind": "major_decision",
        "department": "示范市住房和城乡建设局", "draft_html": DRAFT, "opens_on": hear_open,
        "closes_on": hear_close, "show_comments": False,
        "explanation_html": "<p>征求意见期间将召开听证会和座谈会，听取市民、停车企业和专家意见。</p>",
    })  # fmt: skip
    services.publish_consultation(hearing_c, by=SYSTEM)
    heard = [
        services.submit_comment(hearing_c, data={"name": name, "body": body},
                                today=hear_open + dt.timedelta(days=4 + i))
        for i, (name, body) in enumerate([
            ("周敏", "建议老城区利用边角地建设立体停车库。"),
            ("吴刚", "建议停车收费按时段差异化。"),
            ("郑洁", "建议取消所有路内停车位。"),
        ])
    ]  # fmt: skip
    for c in heard:
        services.moderate(c, by=SYSTEM, action="review")
    heard_on = hear_close + dt.timedelta(days=6)
    services.save_group(hearing_c, by=SYSTEM, summary="建设立体停车库", decision="adopted",
                        comment_ids=[heard[0].pk], today=heard_on)  # fmt: skip
    services.save_group(hearing_c, by=SYSTEM, summary="差异化收费", decision="partly",
                        reason="核心区实行高峰时段差异化收费，其他区域维持现行标准。",
                        comment_ids=[heard[1].pk], today=heard_on)  # fmt: skip
    services.save_group(
        hearing_c, by=SYSTEM, summary="取消路内停车位", decision="not_adopted",
        reason="路内停车位是老城区停车供给的重要补充，规划期内逐步压减而非一次取消。",
        comment_ids=[heard[2].pk], today=heard_on,
    )  # fmt: skip
    services.publish_feedback(
        hearing_c, by=SYSTEM, today=heard_on,
        summary="征求意见期间收到网上意见3条，召开听证会1场、座谈会1场；采纳1条，部分采纳1条，未采纳1条。",
    )  # fmt: skip

    # --- 领导信箱 -----------------------------------------------------------------------------
    mayor = services.save_mailbox(by=SYSTEM, org=city, data={
        "code": "mayor", "name": "市长信箱", "reply_days": 15,
        "intro": "欢迎您就本市经济社会发展提出意见建议。",
    })  # fmt: skip
    director = services.save_mailbox(
        by=SYSTEM, org=jyj, data={"code": "jyj", "name": "局长信箱", "reply_days": 10}
    )
    services.save_reply_template(
        by=SYSTEM,
        org=city,
        title="已转办",
        body="{姓名称呼}：您好！您反映的“{标题}”已收悉，已转相关部门办理。",
    )
    letters = [
        ("consult", "关于老旧小区加装电梯补贴的咨询", "请问本市老旧小区加装电梯有没有财政补贴？", "张伟", True,
         fgw, "您好！本市对老旧小区加装电梯按每台20万元给予补贴，具体见《示范市既有住宅加装电梯实施办法》。", 5),
        ("suggest", "建议增加公交夜班线路", "我住在东城区，晚上十点后没有公交，建议增加夜班线路。电话13800138000。", "刘洋", True,
         city, "您好！您的建议已收悉，市交通运输局将于下半年试开通2条夜班线路。", 4),
        ("complain", "投诉某工地夜间施工扰民", "某工地每天夜间施工到凌晨，严重影响休息。", "陈静", False,
         city, "您好！经核查，该工地已被责令停止夜间施工。", None),
        ("help", "求助办理居住证", "外地户口如何办理居住证？", "赵磊", True, jyj, "", None),
        ("suggest", "建议在社区增设便民充电桩", "小区电动车充电难，建议增设充电桩。", "孙丽", True,
         city, "您好！市发展改革委已将老旧小区充电设施纳入今年民生实事，年内新增500个。", 5),
        ("consult", "关于城乡居民医保缴费时间的咨询", "今年城乡居民医保什么时候开始缴费？", "周强", True,
         city, "您好！本年度集中缴费期为9月1日至12月31日，可通过“示范医保”小程序缴费。", 4),
    ]  # fmt: skip
    letters += [
        ("consult", "咨询小学入学需要哪些材料", "孩子明年上小学，需要准备哪些材料？", "钱芳", True,
         jyj, "您好！需准备户口簿、房产证明或居住证，具体见教育局网站招生专栏。", 5),
        ("suggest", "建议延长学校课后服务时间", "建议课后服务延长到下午六点。", "冯军", True,
         jyj, "您好！自下学期起，有需要的学校课后服务可延长至18时。", 4),
        ("complain", "反映某校违规收取资料费", "某中学要求每名学生交200元资料费。", "褚云", True,
         jyj, "您好！经调查，该校已全额退还所收费用，并对相关责任人作出处理。", 5),
        ("consult", "咨询教师资格证认定时间", "今年教师资格认定什么时候开始？", "卫东", True,
         jyj, "您好！春季认定于4月开始，具体时间以教育局通知为准。", 3),
    ]  # fmt: skip
    for i, (kind, subject, content, name, consent, dept, reply, rating) in enumerate(letters):
        on = today - dt.timedelta(days=40 - i * 3)
        box = director if i >= 6 else mayor
        letter, _ = services.submit_letter(box, data={
            "kind": kind, "subject": subject, "content": content, "name": name,
            "phone": f"1390000{i:04d}", "email": "", "consent_publish": consent,
        }, today=on)  # fmt: skip
        services.accept(letter, by=SYSTEM, today=on)
        if dept.pk != box.org_id:
            services.assign(letter, by=SYSTEM, department=dept, today=on)
        if not reply:
            continue
        services.draft_reply(letter, by=SYSTEM, text=reply, today=on + dt.timedelta(days=3))
        services.approve_reply(letter, by=SYSTEM, today=on + dt.timedelta(days=4))
        if rating:
            services.rate(letter, rating=rating)
        if consent:
            services.publish_letter(letter, by=SYSTEM, today=on + dt.timedelta(days=5))

    # --- 重大行政决策 -------------------------------------------------------------------------
    decision = services.save_decision(by=SYSTEM, org=jyj, data={
        "year": closed.year, "title": "示范市义务教育阶段学校招生入学办法",
        "description": "规范义务教育招生入学，保障适龄儿童少年平等接受义务教育。",
        "sponsor": jyj.name, "listed": True, "consultation": closed_c,
    })  # fmt: skip
    steps: list[tuple[str, dt.date, str, str, dict[str, Any]]] = [
        ("public_participation", closed, "示范市教育局", "公开征求意见及采纳情况反馈", {}),
        ("expert_review", closed + dt.timedelta(days=2), "示范市教育局", "专家论证会纪要",
         {"experts": "教育学专家3名、法律专家2名", "opinions": "方案总体可行，建议完善多孩家庭同校入学条款。",
          "publish_opinions": True}),
        ("risk_assessment", closed + dt.timedelta(days=3), "示范市教育局", "社会稳定风险评估报告（低风险）", {}),
        ("legality_review", closed + dt.timedelta(days=6), "示范市司法局", "合法性审查意见书", {"passed": True}),
        ("collective_decision", closed + dt.timedelta(days=8), "示范市人民政府常务会议", "会议纪要", {}),
    ]  # fmt: skip
    for kind, on, who, doc, extra in steps:
        services.record_step(decision, by=SYSTEM, kind=kind, on=min(on, today),
                             performed_by=who, document=doc, today=today, **extra)  # fmt: skip
    result_docs = list(public_documents().filter(org=jyj)[:1])
    services.publish_result(decision, by=SYSTEM, result="会议审议通过，自发布之日起施行。",
                            documents=result_docs)  # fmt: skip
    services.save_decision(by=SYSTEM, org=fgw, data={
        "year": today.year, "title": "示范市公共数据开放管理办法", "sponsor": fgw.name,
        "listed": True, "consultation": open_c,
    })  # fmt: skip
    hearing_d = services.save_decision(by=SYSTEM, org=city, data={
        "year": hear_close.year, "title": "示范市城市停车设施专项规划", "sponsor": city.name,
        "listed": True, "consultation": hearing_c,
    })  # fmt: skip
    for kind, on, who, doc in [
        ("public_participation", hear_close - dt.timedelta(days=10), "示范市住房和城乡建设局",
         "听证会：2场次共18名听证代表发言，听证笔录及采纳情况随征求意见反馈公开"),
        ("public_participation", hear_close - dt.timedelta(days=5), "示范市住房和城乡建设局",
         "座谈会：邀请停车企业、社区代表和专家12人座谈，会议纪要存档"),
    ]:  # fmt: skip
        services.record_step(hearing_d, by=SYSTEM, kind=kind, on=on, performed_by=who,
                             document=doc, today=today)  # fmt: skip
    published = sum(1 for x in letters if x[4] and x[6])
    out(
        f"公众参与演示数据：征求意见 4 项（3 项已反馈），领导信箱来信 {len(letters)} 封"
        f"（公开选登 {published} 封，2 个信箱），重大行政决策 3 项"
    )
