"""The mapping rules from an old page's values to the platform's (no database)."""

import pytest

from gongkai.imports.mapping import body_html, map_category, map_validity

NAMES = {
    "通知": "notice", "公告": "announcement", "政策文件": "policy", "政策解读": "interpretation",
    "规范性文件": "normative", "工作动态": "news", "财政预决算": "budget", "其他": "other",
}  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("政策解读", "interpretation"),  # exact name
        ("图解政策解读", "interpretation"),  # 解读 before 政策
        ("市政府规范性文件", "normative"),
        ("通知公告", "notice"),  # 通知公告 before 公告
        ("部门文件", "policy"),
        ("部门动态", "news"),
        ("部门预算", "budget"),
    ],
)
def test_category_rules(raw: str, code: str) -> None:
    assert map_category(raw, "某标题", NAMES) == (code, None)


def test_unknown_category_falls_back_to_the_title_then_other() -> None:
    code, note = map_category("专题专栏", "关于做好防汛工作的通知", NAMES)
    assert code == "notice" and note and "专题专栏" in note and "通知" in note
    code, note = map_category("专题专栏", "防汛工作情况", NAMES)
    assert code == "other" and note and "其他" in note
    code, note = map_category("", "防汛工作情况", NAMES)
    assert code == "other" and note and "没有信息分类" in note
    # a rule whose code is not in the reference data is not used
    assert map_category("部门预算", "x", {"其他": "other"})[0] == "other"


def test_validity() -> None:
    assert map_validity("有效") == ("valid", None)
    assert map_validity("废止") == ("repealed", None)
    assert map_validity("") == ("", None)
    assert map_validity("部分失效")[0] == "amended"
    code, note = map_validity("暂行")
    assert code == "" and note and "暂行" in note


def test_body_html_escapes_text_and_lists_attachments() -> None:
    out = body_html(
        "第一段<b>。\n\n第二段。",
        [("实施方案.pdf", "http://old.gov.cn/a.pdf"), ("表.xls", ""), ("x", "javascript:alert(1)")],
    )
    assert out.startswith("<p>第一段&lt;b&gt;。</p>\n<p>第二段。</p>")
    assert '<a href="http://old.gov.cn/a.pdf">实施方案.pdf</a>' in out
    assert "<li>表.xls</li>" in out and "javascript" not in out.split("<li>x")[0][-40:]
    assert '<a href="javascript' not in out
