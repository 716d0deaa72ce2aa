"""Tests of gongkai.lib.pageimport on the three real pages and on pages built here.

The real pages are copies of ../shared/corpus in fixtures/ (so the tests do not need the
sibling folder); their expected values were read off the pages by hand and are kept in
fixtures/expected.json, which bench/pageimport.py also scores against.
"""

import json
import random
import re
from datetime import date
from pathlib import Path
from typing import Any

import opencc
import pytest

from gongkai.lib.pageimport import PageDecodeError, PageRecord, decode, extract, parse_date
from gongkai.lib.pageimport.normalize import normalize_text, strip_pinyin

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPECTED: dict[str, dict[str, Any]] = json.loads((FIXTURES / "expected.json").read_text("utf-8"))
PINYIN_LEFT = re.compile(r"[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")
TRADITIONAL = "00" + "1_5f9f14d222025910.txt"


def page(name: str) -> PageRecord:
    return extract(decode((FIXTURES / name).read_bytes()))


def warned(record: PageRecord, *parts: str) -> bool:
    return any(all(p in w for p in parts) for w in record.warnings)


# -- the three corpus pages ------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_page_fields(name: str) -> None:
    record = page(name).to_dict()
    got = {key: record[key] for key in EXPECTED[name]["fields"]}
    assert got == EXPECTED[name]["fields"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_body_is_content_only_with_paragraphs(name: str) -> None:
    expected = EXPECTED[name]
    body = page(name).body_text
    paragraphs = body.split("\n")
    assert paragraphs[0].startswith(expected["body_first"])
    assert body.endswith(expected["body_last"])
    assert len(paragraphs) >= expected["min_paragraphs"]
    assert all(p == p.strip() and p for p in paragraphs)
    leaked = [chrome for chrome in expected["not_in_body"] if chrome in body]
    assert leaked == []


def test_issue_example_yinchuan_page() -> None:
    record = page("002_cf883fa431da65ec.txt")
    assert record.index_no == "640100-141/2019-00064"
    assert record.org_name == "银川市大数据产业发展服务中心"
    assert record.written_on == date(2019, 7, 19)
    assert record.published_on == date(2019, 7, 19)
    assert record.department == "综合科"
    assert record.validity == "有效"
    # 银政办发〔2019〕76号 is quoted in the first paragraph: another document's number.
    assert record.doc_number == ""
    assert warned(record, "银政办发〔2019〕76号", "未采用")
    # The signature says 2019年7月17日; the page's own 成文日期 wins, and the mismatch is reported.
    assert warned(record, "2019-07-17", "不一致")
    assert warned(record, "导航路径", "部门文件")


def test_traditional_page_comes_out_simplified_without_pinyin() -> None:
    record = page(TRADITIONAL)
    text = record.title + record.body_text + record.org_name
    assert "印发《关于我省全面推进政务公开工作实施意见》的通知" in record.title
    assert PINYIN_LEFT.findall(text) == []
    assert opencc.OpenCC("t2s").convert(text) == text  # nothing traditional is left
    assert "政府数据开放" in record.body_text  # 政府?dāng)?shù)據(jù) repaired, not left as '?'
    assert "?" not in text and "□" not in text
    assert "(PPP)" in record.body_text  # parentheses that are not pinyin stay
    assert warned(record, "繁体") and warned(record, "拼音")


def test_guessed_fields_are_warned() -> None:
    guangdong = page(TRADITIONAL)
    assert warned(guangdong, "成文日期取自正文落款", "2016年8月2日")
    assert warned(guangdong, "发布日期取自", "2016-09-27 13:15")
    assert warned(guangdong, "未找到索引号")
    guiyang = page("000_0907045adda1f67c.txt")
    assert warned(guiyang, "“发布机构”一栏为空")
    assert warned(guiyang, "“文号”一栏为空")
    # The mangled date at the start of the text is read but not taken as the page's date.
    assert warned(guiyang, "2017412", "2017-04-12", "未采用")
    assert guiyang.published_on is None and guiyang.written_on is None


# -- encodings -------------------------------------------------------------------------------
def _traditional_text() -> str:
    # Big5 cannot hold the pinyin tone letters, so the encodings are compared without them.
    return strip_pinyin((FIXTURES / TRADITIONAL).read_text("utf-8"))[0]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "big5", "utf-8-sig", "utf-8", "utf-16"])
def test_decode_same_page_in_each_encoding(encoding: str) -> None:
    text = _traditional_text()
    assert decode(text.encode(encoding)) == text


@pytest.mark.parametrize("encoding", ["gbk", "big5", "utf-8-sig"])
def test_extract_is_the_same_whatever_the_encoding(encoding: str) -> None:
    text = _traditional_text()
    assert extract(decode(text.encode(encoding))) == extract(text)


def test_decode_simplified_gb18030_page_and_short_or_cut_bytes() -> None:
    text = (FIXTURES / "002_cf883fa431da65ec.txt").read_text("utf-8")
    assert decode(text.encode("gb18030")) == text
    raw = _traditional_text().encode("big5")
    assert decode(raw[:41]).startswith(_traditional_text()[:15])  # cut in mid-character
    assert decode("关于印发通知".encode("gbk")) == "关于印发通知"


def test_decode_prefers_the_declared_charset_when_it_fits() -> None:
    html = (
        '<html><head><meta charset="gbk"><title>政务公开</title></head><body>政府信息</body></html>'
    )
    assert "政府信息" in decode(html.encode("gbk"))


# -- hostile input ---------------------------------------------------------------------------
def test_empty_input() -> None:
    assert decode(b"") == ""
    for blank in ("", "   \n\t ", "\x00\x01\x02"):
        record = extract(blank)
        assert record.title == "" and record.body_text == ""
        assert record.warnings == ["页面内容为空，未提取到任何字段"]


def test_binary_junk_is_a_clear_error() -> None:
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(4000))
    with pytest.raises(PageDecodeError, match="二进制"):
        decode(junk)
    with pytest.raises(PageDecodeError, match="无法识别文件编码"):
        decode(bytes(range(0x80, 0x100)) * 20)


def test_garbage_text_gives_an_empty_record_with_warnings() -> None:
    rng = random.Random(3)
    noise = "".join(chr(rng.randrange(0x20, 0x2FFF)) for _ in range(3000))
    record = extract(noise)
    assert record.index_no == "" and record.doc_number == "" and record.written_on is None
    assert warned(record, "几乎没有中文")


@pytest.mark.parametrize(
    "text",
    [
        "<html><div class='nav'>",
        "<<<>>><p></div></td></tr>",
        "索引号：\n名称:\n附件：",
        "<table><tr><td>索引号</td></tr></table>",
        "：：：\t\t\n2017412",
        "<html><body>" + "<div>" * 500 + "政府信息公开" + "</span>" * 10,
    ],
)
def test_malformed_pages_do_not_crash(text: str) -> None:
    assert isinstance(extract(text), PageRecord)


def test_cut_corpus_pages_do_not_crash() -> None:
    rng = random.Random(11)
    texts = [(FIXTURES / name).read_text("utf-8") for name in EXPECTED]
    for _ in range(150):
        text = rng.choice(texts)
        start = rng.randrange(len(text))
        piece = text[start : start + rng.randrange(3000)]
        if rng.random() < 0.4:
            piece = "<html><body><p>" + piece.replace("\n", "</p><p>")
        extract(piece)


# -- dates -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2019-07-19", date(2019, 7, 19)),
        ("2019/7/9", date(2019, 7, 9)),
        ("2019.07.19", date(2019, 7, 19)),
        ("2016-09-27 13:15", date(2016, 9, 27)),
        ("2019年7月17日", date(2019, 7, 17)),
        ("2019 年 7 月 17 日", date(2019, 7, 17)),
        ("２０１９年７月１７日", date(2019, 7, 17)),
        ("２０２０－０３－０６", date(2020, 3, 6)),
        ("二〇一六年八月二日", date(2016, 8, 2)),
        ("二〇一九年十二月三十一日", date(2019, 12, 31)),
        ("20190719", date(2019, 7, 19)),
    ],
)
def test_parse_date_forms(raw: str, expected: date) -> None:
    assert parse_date(raw) == (expected, None)


def test_mangled_date_recovered_only_when_unambiguous() -> None:
    found, note = parse_date("2017412")  # 2017-4-12; 2017-41-2 does not exist
    assert found == date(2017, 4, 12)
    assert note and "2017-04-12" in note
    assert parse_date("201742")[0] == date(2017, 4, 2)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2017112", "2017-01-12、2017-11-02"),  # 1月12日 or 11月2日
        ("2017111", "无法确定"),
        ("201912", "2019年12月"),  # 2019-1-2 or just December 2019
        ("2016年2月", "没有日"),
        ("20162", "没有日"),
        ("2019-02-30", "不是有效日期"),
        ("1900-01-01", "不是有效日期"),
        ("不详", "无法识别"),
    ],
)
def test_bad_or_ambiguous_dates_stay_empty_with_a_reason(raw: str, reason: str) -> None:
    found, note = parse_date(raw)
    assert found is None
    assert note and reason in note


def test_mangled_dates_in_a_page() -> None:
    text = "关于某某工作的通知\n发布日期：2017412\n成文日期：2017112\n各单位：现将有关事项通知如下，请遵照执行。"
    record = extract(text)
    assert record.published_on == date(2017, 4, 12)
    assert warned(record, "发布日期", "2017-04-12")
    assert record.written_on is None
    assert warned(record, "成文日期", "2017112", "无法确定")


# -- 文号: the page's own vs one quoted from another document ----------------------------------
def test_own_doc_number_line_under_the_title() -> None:
    text = (
        "开远市人民政府办公室关于印发开远市政务公开工作实施方案的通知\n"
        "开政办发[2017]68号\n"
        "各乡镇人民政府、街道办事处，市直各部门：\n"
        "现将《开远市政务公开工作实施方案》印发给你们，请认真贯彻执行。\n"
    )
    record = extract(text)
    assert record.doc_number == "开政办发〔2017〕68号"
    assert record.title == "开远市人民政府办公室关于印发开远市政务公开工作实施方案的通知"
    assert record.body_text.startswith("各乡镇人民政府")


def test_doc_number_quoted_in_the_first_lines_is_not_the_pages() -> None:
    text = (
        "《开远市政务公开工作实施方案》政策解读\n"
        "发布日期：2017-06-01\n"
        "近日，开远市人民政府办公室印发了《开远市政务公开工作实施方案》（开政办发〔2017〕68号），"
        "现就有关内容解读如下。\n"
        "一、制定背景\n"
    )
    record = extract(text)
    assert record.doc_number == ""
    assert warned(record, "开政办发〔2017〕68号", "其他文件")
    assert "开政办发〔2017〕68号" in record.body_text


def test_labelled_doc_number_wins_and_is_normalised() -> None:
    text = "名称：关于某事的通知\n文号：国办发（2017）第47号\n正文第一段，内容在这里写得足够长以便算作一个段落。"
    assert extract(text).doc_number == "国办发〔2017〕47号"


def test_unreadable_doc_number_is_kept_with_a_warning() -> None:
    record = extract(
        "名称：某公告\n文号：2016年第3号公告\n正文第一段，内容在这里写得足够长以便算作一个段落。"
    )
    assert record.doc_number == "2016年第3号公告"
    assert warned(record, "无法识别的文号", "原样保留")


# -- other layouts, built here ---------------------------------------------------------------
SOURCE = "http://www.example.gov.cn/zwgk/2020/art_1.html"
TABLE_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>关于印发某某办法的通知_某某市人民政府</title></head><body>
<div class="top-nav"><a href="/">首页</a><a href="/zwgk">政务公开</a></div>
<div class="breadcrumb"><a href="/">首页</a><a href="/zwgk">政务公开</a><a href="/zcwj">政策文件</a></div>
<table class="xxgk">
<tr><th>索引号</th><td>11370812004339255B/2020-22849</td><th>主题分类</th><td>综合政务\\政务公开</td></tr>
<tr><td><p>发布机构：</p></td><td><p>某某市人民政府办公室</p></td><td>成文日期：</td><td>2020年3月5日</td></tr>
<tr><td>文　　号：</td><td>某政办发[2020]7号</td><td>发布日期：</td><td>２０２０－０３－０６</td></tr>
<tr><td>责任部门：</td><td>办公室</td><td>有 效 性：</td><td>有效</td></tr>
<tr><td>名　　称：</td><td colspan=3>关于印发某某办法的通知</td></tr></table>
<div class="article"><h1>关于印发某某办法的通知</h1>
<p>各区县人民政府，市政府各部门：</p>
<p>　　现将《某某办法》印发给你们，请认真贯彻执行。</p>
<p>附件：<a href="files/banfa.docx">某某办法.docx</a></p>
<p style="text-align:right">某某市人民政府办公室</p><p>2020年3月5日</p></div>
<div class="share"><a href="#">分享到微信</a></div><p style="display:none">隐藏文字</p>
<div class="footer">版权所有：某某市人民政府 京ICP备12345号</div>
<script>var x = "<p>脚本</p>";</script></body></html>"""


def test_html_metadata_table() -> None:
    record = extract(TABLE_PAGE, source_url=SOURCE)
    assert record.title == "关于印发某某办法的通知"
    assert record.index_no == "11370812004339255B/2020-22849"
    assert record.org_name == "某某市人民政府办公室"  # value in a <p> of the next cell
    assert record.department == "办公室"
    assert record.doc_number == "某政办发〔2020〕7号"
    assert record.written_on == date(2020, 3, 5)
    assert record.published_on == date(2020, 3, 6)
    assert record.validity == "有效"
    assert record.category == "综合政务\\政务公开"
    assert record.body_text.split("\n") == [
        "各区县人民政府，市政府各部门：",
        "现将《某某办法》印发给你们，请认真贯彻执行。",
        "附件：某某办法.docx",
        "某某市人民政府办公室",
        "2020年3月5日",
    ]
    assert [(a.name, a.url) for a in record.attachments] == [
        ("某某办法.docx", "http://www.example.gov.cn/zwgk/2020/files/banfa.docx")
    ]
    assert record.warnings == []


def test_html_meta_tags_of_government_cms() -> None:
    html = """<html><head>
    <meta name="ArticleTitle" content="某某局关于开展安全检查的通知">
    <meta name="PubDate" content="2021-05-06 09:30">
    <meta name="ContentSource" content="某某市应急管理局">
    <meta name="ColumnName" content="通知公告"></head><body>
    <header><div class="logo">某某市人民政府</div><ul class="menu"><li>首页</li></ul></header>
    <div class="content"><div class="title">某某局关于开展安全检查的通知</div>
    <div class="info">发布时间：2021-05-06 来源：某某市应急管理局 浏览次数：<span>12</span></div>
    <div class="con"><p>各有关单位：</p><p>为做好安全生产工作，决定开展安全检查，现将有关事项通知如下。</p>
    <p><a href="/upload/2021/检查表.xlsx">检查表</a></p></div></div>
    <div class="bdsharebuttonbox"><a class="bds_weixin">微信</a></div>
    <footer><p>主办单位：某某市人民政府办公室</p></footer></body></html>"""
    record = extract(html, source_url=SOURCE)
    assert record.title == "某某局关于开展安全检查的通知"
    assert record.published_on == date(2021, 5, 6)
    assert record.org_name == "某某市应急管理局"
    assert record.category == "通知公告"
    assert record.body_text == (
        "各有关单位：\n为做好安全生产工作，决定开展安全检查，现将有关事项通知如下。\n检查表"
    )
    assert record.attachments[0].url == "http://www.example.gov.cn/upload/2021/检查表.xlsx"
    assert "某某市人民政府" not in record.body_text and "微信" not in record.body_text


def test_bare_html_article() -> None:
    html = (
        "<html><body><h1>关于做好春节期间值班工作的通知</h1><p>各单位：</p>"
        "<p>春节将至，为确保节日期间各项工作正常运转，现就做好值班工作通知如下。</p>"
        "<p>请各单位认真落实。</p></body></html>"
    )
    record = extract(html)
    assert record.title == "关于做好春节期间值班工作的通知"
    assert record.body_text.split("\n") == [
        "各单位：",
        "春节将至，为确保节日期间各项工作正常运转，现就做好值班工作通知如下。",
        "请各单位认真落实。",
    ]
    for gap in ("索引号", "发布机构", "成文日期", "发布日期", "信息分类"):
        assert warned(record, "未找到" + gap)


def test_title_from_title_tag_is_a_warned_guess() -> None:
    html = (
        "<html><head><title>市政府关于某事的批复_某某市人民政府</title></head>"
        "<body><p>某某区人民政府：你区关于某事的请示收悉，经研究，现批复如下。</p></body></html>"
    )
    record = extract(html)
    assert record.title == "市政府关于某事的批复"
    assert warned(record, "<title>")


def test_breadcrumb_in_html_gives_the_category() -> None:
    html = (
        '<html><body><div class="location">当前位置：<a>首页</a> &gt; <a>政务公开</a> &gt; '
        "<a>政策解读</a> &gt; 正文</div><h1>某政策解读</h1>"
        "<p>为便于理解，现对该政策解读如下，请各单位参照执行。</p></body></html>"
    )
    record = extract(html)
    assert record.category == "政策解读"
    assert "当前位置" not in record.body_text


def test_text_page_with_metadata_below_the_body_and_attachment_names() -> None:
    text = (
        "关于公布某某名单的通知\n"
        "各有关单位：\n"
        "经研究，现将某某名单予以公布，详见附件。\n"
        "附件：1.某某名单.xlsx\n"
        "2.说明.pdf\n"
        "发布日期：2020-01-02\n"
        "索引号：000014349/2020-00110\n"
        "上一篇：另一份通知\n"
    )
    record = extract(text)
    assert record.title == "关于公布某某名单的通知"
    assert record.published_on == date(2020, 1, 2)
    assert record.index_no == "000014349/2020-00110"
    assert record.body_text.endswith("2.说明.pdf")
    assert [a.name for a in record.attachments] == ["某某名单.xlsx", "说明.pdf"]


def test_toolbars_and_chrome_inside_the_text_zone_are_dropped() -> None:
    text = (
        "关于做好防汛工作的通知\n"
        "打印本页 | 关闭窗口\n"
        "各乡镇：\n"
        "入汛以来，降雨偏多，请做好防汛准备。\n"
        "设为首页 | 加入收藏\n"
        "www.example.gov.cn\n"
        "请认真落实。\n"
        "上一篇：关于另一件事的通知\n"
        "关于另一件事的通知\n"
    )
    record = extract(text)
    assert record.title == "关于做好防汛工作的通知"
    assert record.body_text == "各乡镇：\n入汛以来，降雨偏多，请做好防汛准备。\n请认真落实。"


def test_invalid_index_no_kept_and_validity_mapped() -> None:
    record = extract(
        "名称：某某通知\n索引号：GZ-2016-001\n是否有效：是\n正文第一段，内容写得足够长以便算作一个段落。"
    )
    assert record.index_no == "GZ-2016-001"
    assert warned(record, "索引号“GZ-2016-001”", "原样保留")
    assert record.validity == "有效"
    assert (
        extract("名称：某某\n效力状态：已废止\n正文第一段很长很长，足以算作一个段落了。").validity
        == "废止"
    )


# -- normalisation ---------------------------------------------------------------------------
def test_pinyin_annotations_removed_but_other_parentheses_kept() -> None:
    norm = normalize_text("印發(fā)《關(guān)於加強(qiáng)管理》的通知(一)(PPP)（試行）")
    assert norm.text == "印发《关于加强管理》的通知(一)(PPP)（试行）"
    assert norm.pinyin_removed == 3


def test_character_lost_by_the_converter_is_marked_not_guessed() -> None:
    norm = normalize_text("政府?zhì)度")
    assert norm.text == "政府□度" and norm.lost == 1


def test_full_width_labels_and_values_match() -> None:
    record = extract(
        "名称：某某通知\n索引号：６４０１００－１４１／２０１９－０００６４\n发布日期：２０１９年７月１９日\n正文第一段，内容写得足够长以便算作一个段落。"
    )
    assert record.index_no == "640100-141/2019-00064"
    assert record.published_on == date(2019, 7, 19)


# -- issue 17 §2: shapes of unseen templates, each checked against the labelled set ---------------
def test_column_name_repeated_as_a_heading_is_not_the_title() -> None:
    # The breadcrumb's last column (试点信息) stands as a heading above the real title.
    text = (
        "某市人民政府\n当前位置：首页 > 政务公开 > 试点信息\n试点信息\n"
        "关于开展基层政务公开标准化规范化试点工作的通知\n"
        "来源:某市人民政府  2017-09-06 00:00:00 【字体:大 中 小】\n"
        "各县（市、区）人民政府，市政府各部门：\n"
        "为贯彻落实国务院办公厅有关要求，现就开展试点工作通知如下，请认真组织实施。\n"
        "主办单位：某市人民政府办公室 网站标识码：1234000001 京ICP备12345678号\n"
        "网站地图 | 联系我们\n"
    )
    record = extract(text)
    assert record.title == "关于开展基层政务公开标准化规范化试点工作的通知"
    assert record.published_on == date(2017, 9, 6)
    assert record.body_text.startswith("各县（市、区）人民政府")
    assert "主办单位" not in record.body_text and "网站地图" not in record.body_text
    assert "ICP" not in record.body_text


def test_metadata_table_saved_without_colons() -> None:
    text = (
        "索 引 号 003110926/201510-00216 信息分类 信息公开制度\n"
        "发布机构 市交通运输局 发布日期 2015-10-15 10:06:36\n"
        "文 号 信息格式/语种\n"
        "信息名称 关于印发某市政务公开工作规则的通知\n"
        "关于印发某市政务公开工作规则的通知\n"
        "各县（市）、区人民政府，市政府各部门：\n"
        "现将《某市政务公开工作规则》印发给你们，请认真贯彻执行。\n"
    )
    record = extract(text)
    assert record.index_no == "003110926/201510-00216"
    assert record.org_name == "市交通运输局"
    assert record.published_on == date(2015, 10, 15)
    assert record.title == "关于印发某市政务公开工作规则的通知"
    assert record.doc_number == ""  # 信息格式/语种 is the next label, not a 文号
    assert any("不是文号" in w for w in record.warnings)
    assert record.body_text.startswith("各县（市）、区人民政府")


def test_bracketed_and_bulleted_labels() -> None:
    text = (
        "[ 索引号 ] 1150022873659872X5/2023-00005 [ 发文字号 ] 曲水府发〔2023〕21号\n"
        "[ 发布机构 ] 某镇政府\n"
        "  • 成文日期:\n\n    2023-06-03\n"
        "关于印发某镇自然灾害救助应急预案的通知\n"
        "各村（社区），镇属单位：\n"
        "为进一步建立健全应对突发自然灾害紧急救助体系，现印发给你们，请认真执行。\n"
    )
    record = extract(text)
    assert record.index_no == "1150022873659872X5/2023-00005"
    assert record.doc_number == "曲水府发〔2023〕21号"
    assert record.org_name == "某镇政府"
    assert record.written_on == date(2023, 6, 3)
    assert record.title == "关于印发某镇自然灾害救助应急预案的通知"


def test_title_on_two_lines_and_site_slogan_above_it() -> None:
    text = (
        "宣传人大制度 交流人大经验；推进民主法制建设，构建和谐文明。\n"
        "首     页 政 务 公 开 网 上 办 事\n"
        "某县人民政府机关\n2020年政府信息公开工作年度报告\n"
        "来源:某县政府办\n"
        "本报告根据《中华人民共和国政府信息公开条例》要求编制，全文包括总体情况等部分。\n"
    )
    record = extract(text)
    assert record.title == "某县人民政府机关2020年政府信息公开工作年度报告"
    assert record.body_text.startswith("本报告根据")
    assert "宣传人大制度" not in record.body_text


def test_doc_number_leading_the_title_and_site_suffix() -> None:
    record = extract(
        "(已废止)微政办字[2019]24号关于印发某县重污染天气应急预案的通知|\n"
        "各乡镇人民政府，县政府各部门：\n现将预案印发给你们，请认真贯彻执行。\n"
    )
    assert record.title == "(已废止)微政办字[2019]24号关于印发某县重污染天气应急预案的通知"
    assert record.doc_number == "微政办字〔2019〕24号"
    assert not record.body_text.startswith("(已废止)")


def test_label_above_its_value_pipe_tables_and_glued_labels() -> None:
    record = extract(
        "索 引 号：\n014742224A/2023-0043406\n生成日期：\n2023-05-11\n责任部门：\n某县统计局\n"
        "某县2022年国民经济和社会发展统计公报\n访问量：1632\n"
        "2022年，全县上下坚持稳中求进工作总基调，经济运行总体平稳，发展质量稳步提升。\n"
    )
    assert record.index_no == "014742224A/2023-0043406"
    assert record.written_on == date(2023, 5, 11)
    assert record.department == "某县统计局"
    assert record.title == "某县2022年国民经济和社会发展统计公报"
    piped = extract(
        "索引号 | /2025-0000 | 公开目录: | 工作报告 |\n有效性 | 有效 | 公开日期: | 2025-04-15 14:43 |\n"
        "|某区2025年政府工作报告|||\n各位代表：现在，我代表区人民政府，向大会报告工作，请予审议。\n"
    )
    assert piped.index_no == "/2025-0000" and piped.published_on == date(2025, 4, 15)
    assert piped.title == "某区2025年政府工作报告"
    glued = extract(
        "索 引 号000014349/2025-13087\n发文机关某县公安局 主 题 词\n"
        "标 题某县公安局禁毒大队开展禁毒宣传活动\n主题分类公安 发布日期2025-05-25\n"
        "某县公安局禁毒大队开展禁毒宣传活动\n"
        "为进一步提升广大群众的禁毒意识，加大禁毒宣传力度，民警走进社区开展宣传活动。\n"
    )
    assert glued.index_no == "000014349/2025-13087" and glued.org_name == "某县公安局"
    assert glued.title == "某县公安局禁毒大队开展禁毒宣传活动"
    assert glued.published_on == date(2025, 5, 25)


def test_news_title_with_a_colon_and_toolbar_runs() -> None:
    record = extract(
        "加大字体缩小字体收藏取消收藏打印\n现在的位置:首页 > 新闻中心 > 乡镇动态\n"
        "长安街道:三月春“锋”暖共谱文明曲\n发布时间:2025-03-06\n"
        "3月5日，长安街道组织志愿者走进社区，开展学雷锋志愿服务活动，为群众办实事。\n"
        "微信图片_20250305.jpg\n"
        "Copyright 2010 www.example.gov.cn, All Rights Reserved 某市农业农村局版权所有 主办：某市农业农村局"
        " 地址：某市龙城大道1280号 联系电话：(0519)85682220\n"
    )
    assert record.title == "长安街道:三月春“锋”暖共谱文明曲"
    assert record.body_text == (
        "3月5日，长安街道组织志愿者走进社区，开展学雷锋志愿服务活动，为群众办实事。"
    )


def test_site_lines_count_only_what_most_pages_repeat() -> None:
    from gongkai.lib.pageimport import SiteLines

    site = SiteLines()
    for i in range(3):
        site.add(["示范市数字政府建设 共建共享", "各有关单位：", f"第{i}段正文。"])
    assert site.common() == frozenset()  # too few pages to tell
    site.add(["示范市数字政府建设 共建共享", "另一页的标题"])
    common = site.common()
    assert "示范市数字政府建设共建共享" in common
    assert not any("各有关单位" in k or "正文" in k for k in common)  # content never counts
    record = extract(
        "示范市数字政府建设 共建共享\n关于开展检查的通知\n各有关单位：\n现将有关事项通知如下。\n",
        site_lines=common,
    )
    assert record.title == "关于开展检查的通知"
    assert record.body_text == "各有关单位：\n现将有关事项通知如下。"


# -- issue 17 §2: rules found on the enlarged dev set (bench/data/pageimport/dev 112–151) ------
# Each page below copies the shape of a dev page (not a test page) with invented wording.
def test_date_and_source_under_the_title_pick_it_over_navigation_headings() -> None:
    # dev/136 (大汉 JCMS): a column name repeated in the menu scores as a heading, but the CMS
    # prints 发布日期/信息来源 right under the article's own title.
    record = extract(
        "发展改革工作\n战略规划\n|\n发展改革工作\n当前位置：\n首页\n>发展改革工作\n>投资运行\n"
        "1-10月某县固定资产投资结构趋稳趋优\n发布日期：2016-11-22 浏览次数： 信息来源：省发改委\n"
        "1-10月，全县固定资产投资完成246.79亿元，同比增长15.3%，位列三县两区第一。\n打印 关闭\n"
        "安全隐私 丨 版权保护 丨 联系我们 丨 网站地图\nProduced By 大汉网络 大汉版通发布系统\n"
    )
    assert record.title == "1-10月某县固定资产投资结构趋稳趋优"
    assert record.org_name == "省发改委"
    assert record.published_on == date(2016, 11, 22)
    assert record.body_text.startswith("1-10月，全县固定资产投资")
    assert "\n" not in record.body_text  # the toolbar ends the text; footer lines are chrome


def test_subtitle_with_a_dash_joins_the_title_a_plain_one_does_not() -> None:
    # dev/140 and dev/138: `——热烈祝贺…` belongs to the title; `成功举办…` is a 副题.
    dash = extract(
        "首页>动态信息>政务动态\n为某市建设凝聚强大智慧和力量\n——热烈祝贺市政协五届一次会议开幕\n"
        "某市政府门户网站 www.example.gov.cn\n2022-02-11 09:52\n打印本页\n0\n"
        "新征程催人奋进，新使命激荡人心。今天，市政协第五届委员会第一次会议隆重开幕。\n"
        "预祝大会圆满成功！\n来源：某市日报    编辑：苏亮\n扫一扫在手机打开当前页\n"
    )
    assert dash.title == "为某市建设凝聚强大智慧和力量——热烈祝贺市政协五届一次会议开幕"
    assert dash.published_on == date(2022, 2, 11)  # the CMS's bare date under the title
    assert dash.org_name == "某市日报"  # the source line right below the text
    assert dash.body_text == (
        "新征程催人奋进，新使命激荡人心。今天，市政协第五届委员会第一次会议隆重开幕。\n预祝大会圆满成功！"
    )  # 打印本页 above the text does not end it, and the counter 0 is gone
    plain = extract(
        "首页 > 要闻\n某省品牌丝路行（南美站）正式启动\n成功举办双向经贸投资推介会\n"
        "时间：2019-09-18 06:23 来源： 某省日报\n当地时间9月16日下午，活动在圣保罗正式启动，并举办推介会。\n"
    )
    assert plain.title == "某省品牌丝路行（南美站）正式启动"


def test_title_over_three_lines_and_its_tizhu_date() -> None:
    # dev/137 (国务院公报) and dev/115: 版头 title over three lines, 题注 with the adoption date.
    record = extract(
        "首页 > 国务院公报 > 2007年第23号\n字号：默认 大 超大 | 打印 |\n全国人民代表大会常务委员会\n"
        "关于批准财政部发行特别国债购买外汇及\n调整2007年末国债余额限额的决议\n"
        "（2007年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过）\n"
        "第十届全国人民代表大会常务委员会第二十八次会议，听取了说明，并对议案进行了审议。\n"
        "扫一扫在手机打开当前页\n"
    )
    assert record.title == (
        "全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007年末国债余额限额的决议"
    )
    assert record.written_on == date(2007, 6, 29)
    assert warned(record, "题注")
    assert record.body_text.startswith("（2007年6月29日")  # the 题注 stays in the text


def test_tizhu_with_a_doc_number_and_law_database_labels() -> None:
    # dev/149 and dev/148: 【发布单位】 holding a code, 【发布文号】 a placeholder, the 文号 in the 题注.
    record = extract(
        "安徽省政府关于任免国家机关工作人员问题的通知\n  【发布单位】81202\n  【发布文号】-----------\n"
        "  【发布日期】1985-05-04\n  【所属类别】地方法规\n  【文件来源】-----------\n"
        "(1985年5月4日皖政〔1985〕38号)  根据组织法和国务院关于干部任免的规定精神，现通知如下：\n"
    )
    assert record.org_name == ""  # 81202 names no organisation
    assert record.doc_number == "皖政〔1985〕38号"
    assert record.published_on == date(1985, 5, 4)
    assert record.category == "地方法规"
    copy = extract(
        "【发布单位】国务院办公厅\n【发布文号】国办函〔2018〕12号\n【发布日期】2018-01-15\n"
        "国务院办公厅关于做好政府网站年度报表发布工作的通知\n国办函〔2018〕12号\n"
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：现就有关工作通知如下。\n"
    )
    assert (copy.org_name, copy.doc_number) == ("国务院办公厅", "国办函〔2018〕12号")


def test_cms_markers_on_titles() -> None:
    # dev/113 (old ASP CMS appends [图]), dev/117 (the editor's tag stays), dev/129 (a copy
    # puts the 文号 before the quoted title).
    pictures = extract(
        "当前位置: 首页巢湖快讯\n某乡第九届人民代表大会第四次会议胜利召开[图]\n"
        "发布时间:2017-10-26 11:46:39 来源:本站 阅读次数:1407\n"
        "3月28日，某乡第九届人民代表大会第四次会议胜利召开。61名乡人大代表出席了大会。\n关闭×\n"
    )
    assert pictures.title == "某乡第九届人民代表大会第四次会议胜利召开"
    assert pictures.org_name == ""  # 来源：本站 names the site itself
    assert pictures.body_text.endswith("出席了大会。")  # 关闭× is chrome
    tagged = extract(
        "首页 > 政务公开 > 水利\n【预警信息】某县防汛抗旱指挥部 关于终止防汛Ⅳ级应急响应的通知\n"
        "发布日期:2024-07-04 信息来源:\n  各乡镇防汛抗旱指挥部：\n  强降雨过程已结束，现终止应急响应。\n"
    )
    assert tagged.title.startswith("【预警信息】")
    quoted = extract(
        "鲁政发〔2014〕20号《某省人民政府关于深化预算管理制度改革的实施意见》\n"
        "浏览量:          时间:2016-01-17 23:45:19\n某省人民政府关于深化预算管理制度改革的实施意见\n"
        "各市人民政府：现就深化我省预算管理制度改革提出以下实施意见：\n"
    )
    assert quoted.title == "某省人民政府关于深化预算管理制度改革的实施意见"
    assert quoted.published_on == date(2016, 1, 17)


# dev/118: an unknown label after an empty 来源; dev/130: `转载` after the source; dev/134: a
# character lost after the time hides nothing; dev/122: a bracketed date.
@pytest.mark.parametrize(
    ("text", "org", "published"),
    [
        (
            "某县人民政府办公室关于印发某县防汛抗旱应急预案的通知\n"
            "作者:sc_zfb      发布时间:2020-03-20 16:03      来源:       选择阅读字号:[ ]      阅读次数:\n"
            "各乡镇人民政府：经县政府同意，现将修订后的预案印发给你们，请认真贯彻实施。\n",
            "",
            date(2020, 3, 20),
        ),
        (
            "某县人民政府森林防火指挥部关于禁止燃放烟花爆竹的通告\n"
            "2019-01-29 08:48:53    来源:今日某县   转载\n“春节”将至，为减少森林火险隐患，现通告如下。\n",
            "今日某县",
            date(2019, 1, 29),
        ),
        (
            "某区人民政府森林防火禁火令\n"
            "2025-01-10 09:36:25? 作者: 来源:某市某区人民政府 责任编辑:肖练冰\n"
            "我区未来几天将持续晴好天气，森林火险等级较高，区政府决定严禁一切野外用火。\n",
            "某市某区人民政府",
            date(2025, 1, 10),
        ),
        (
            "关于公开征求某目录意见的公告\n发布日期:[2021-05-28]\n[ 字体:  ] [分享: ]\n"
            "为优化营商环境，现向社会公开征求意见。\n",
            "",
            date(2021, 5, 28),
        ),
    ],
)
def test_source_values_that_are_no_organisation(text: str, org: str, published: date) -> None:
    record = extract(text)
    assert (record.org_name, record.published_on) == (org, published)


def test_placeholders_and_registration_numbers_are_no_doc_number() -> None:
    # dev/125: `文 号 〔〕号` is the template's empty field; dev/127: 统一登记号 is not a 文号,
    # and 公开责任部门 is the responsible department.
    template = extract(
        "巡河要求\n索  引  号 kz_ahqx00/2022-00259 主题分类\n发布机构 某县水利局 发布日期 2022-06-14 17:01\n"
        "文        号 〔〕号 主  题  词 巡河要求\n一、县、乡级、村级河长巡河不少于30分钟，提示：巡河时长不够。\n"
    )
    assert template.doc_number == ""
    assert template.index_no == "kz_ahqx00/2022-00259"
    registered = extract(
        "某县人民政府森林防火禁火令\n索引号:698598533/2012-1370466 文号: 统一登记号:YXDR-2012-00006\n"
        "所属主题:综合政务 发文日期:2012-09-20 公开责任部门:县政府法制办\n"
        "为有效防范和遏制森林火灾，保障人民群众的生命财产安全，特发布如下禁火令：\n"
    )
    assert registered.doc_number == ""
    assert registered.index_no == "698598533/2012-1370466"
    assert registered.department == "县政府法制办"
    assert registered.written_on == date(2012, 9, 20)


def test_footer_lines_and_copies_boilerplate_leave_the_text() -> None:
    # dev/124 (a whole county page), dev/132 and dev/133 (copies), dev/143 (a pager).
    record = extract(
        "首页      新闻中心      公告公示-政务类\n某县公安局交通警察大队关于实行交通管制的公告\n"
        "浏览次数:10547 发布时间:2023-11-23 【字体:\n根据气象部门发布的预警信息，现决定实行交通管制。\n"
        "特此公告！\n某县公安局交通警察大队\n2023年11月22日\n"
        "某县人民政府主办  某县人民政府办公室承办  某县大数据中心技术支持\n"
        "联系电话:0454-6222273  电子邮箱:xx@163.com   访问量:55090886  网站地图\n"
        "网站标识:2308220001  ICP备案号:黑ICP备12001942号-1\n"
        "图片版权归原作者所有，如有侵权请联系我们，我们立刻删除。\nTHE END\n"
        "(以上内容由某县人民政府网发布于2022年9月15日，原文链接)\n[1] [2] [3] [4]\n"
    )
    assert record.body_text.split("\n")[-1] == "2023年11月22日"
    # contact details inside the text are content, even with two footer-ish words in one line
    contact = extract(
        "关于征求意见的公告\n发布日期：2024-01-15\n现向社会公开征求意见，公众可通过以下方式提出意见：\n"
        "联系电话：84075009，电子邮箱：abc@example.cn\n"
    )
    assert contact.body_text.endswith("联系电话：84075009，电子邮箱：abc@example.cn")


def test_the_text_area_drops_title_repeats_teasers_tabs_and_counters() -> None:
    # dev/131 (a copy repeats the title with a teaser), dev/066 (tabs), dev/079 (a counter).
    title = "某市发展和改革委员会关于印发某工程实施方案的通知"
    record = extract(
        f"{title}\n{title} 各区(市)县政府(管委会…\n{title}\n"
        "各区(市)县政府(管委会)，市级有关部门：\n经市领导同意，现将实施方案印发给你们，请结合实际认真贯彻落实。\n"
    )
    assert record.body_text.startswith("各区(市)县政府")
    tabs = extract(
        "当前位置:首页\n>某区政府>政民互动>调查征集\n关于对2024年某区“政府开放月”活动的意见建议征集公告\n"
        "征集部门:某区政府办公室开始时间:2024-09-04 结束时间:2024-09-27\n"
        "  • 征集公告\n  • 草案内容\n  • 意见反馈\n为深入贯彻党的二十大精神，现面向社会各界广泛征集意见建议。\n"
    )
    assert tabs.body_text.startswith("为深入贯彻")
    assert (tabs.org_name, tabs.published_on) == ("某区政府办公室", date(2024, 9, 4))
    counter = extract(
        "关于某条例草案征求意见的公告\n 发布时间:2018-11-12 17:25:15      字体大小:[大][中][小]\n4874268\n"
        "《某条例(草案)》已经市人大常委会两次审议，现公开征求意见。\n"
    )
    assert counter.body_text.startswith("《某条例")
    table = extract(
        "某项目资金分配公示\n发布日期：2023-05-06\n现将资金分配情况公示如下。\n序号\n乡镇\n金额\n1\n甲镇\n12000\n"
    )
    assert table.body_text.endswith("甲镇\n12000")  # a table's numbers are cells, not counters


def test_summary_label_keeps_the_doc_number_line_in_the_head() -> None:
    # dev/151: a copy puts 导读：… above the 文号 line of the 版头.
    record = extract(
        "某市人民政府办公厅印发关于促进开发区改革和创新发展实施方案的通知\n"
        "导读:加强新形势下开发区的改革和创新发展，对于我市具有重要意义。\n津政办函〔2017〕103号\n"
        "某市人民政府办公厅印发关于促进我市\n开发区改革和创新发展实施方案的通知\n"
        "各区人民政府，各委、局：经市人民政府同意，现将实施方案印发给你们，请照此执行。\n"
    )
    assert record.doc_number == "津政办函〔2017〕103号"
    assert "导读" not in record.body_text


def test_a_related_article_listed_with_its_date_is_not_text() -> None:
    # dev/064: `图文解读：《…》 2023-07-12` between the metadata and the title.
    record = extract(
        "索 引 号：\n014742224A/2023-0043406\n某县2022年国民经济和社会发展统计公报\n关联稿件：\n"
        "图文解读:《某县2022年国民经济和社会发展统计公报》 2023-07-12\n"
        "2022年，全县上下坚持稳中求进工作总基调，经济运行呈现稳中向好的良好态势。\n"
    )
    assert record.body_text.startswith("2022年，全县上下")


def test_signature_on_one_line_and_a_byline_without_its_counter() -> None:
    # dev/157 (organs and date of the 落款 on one line) and dev/156 (`河套融媒 浏览量`).
    record = extract(
        "关于某公路改建工程封闭交通施工的通告\n河套融媒 浏览量\n"
        "为了保证某公路改建工程施工期间交通安全，需对该路段封闭施工，具体安排如下：\n特此通告。\n"
        "某县公安局 某县交通运输局 2020年3月1日 |\n"
    )
    assert record.written_on == date(2020, 3, 1)
    assert warned(record, "落款")
    assert record.body_text.startswith("为了保证")


# dev/177 (an e-paper's pager, an empty 发布日期 cell above the title), dev/186 (a `|`-menu),
# dev/159 (script text, then a short title right over the text), dev/181 (`原标题：`), dev/174
# (a year tag the site appends), dev/179 (an exclamation inside a news title).
@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "通版阅读请点击:\n展开通版\n收缩通版\n当前版:02版\n发布日期:\n某市非遗宣传活动在某县启动\n"
            "本报讯 6月11日，某市非物质文化遗产宣传展示活动在某县举行，为市民送上文化盛宴。\n",
            "某市非遗宣传活动在某县启动",
        ),
        (
            "| 某网首页 | 某网聊天室 | 某网视频 |\n[某区]志愿服务最快乐\n2014年3月6日 16:03\n"
            "3月5日，记者走进社区活动现场，对数十位学雷锋志愿者进行了随机采访。\n",
            "[某区]志愿服务最快乐",
        ),
        (
            '"; document.write(str); document.close(); }\n如何解读某码\n'
            "为每条信息建立索引号，必须保证每条信息的信息索引号是唯一的。\n",
            "如何解读某码",
        ),
        (
            "原标题:某县认真办理代表建议\n  10月15日，某县农业农村局在某镇召开建议办理情况答复会。\n",
            "某县认真办理代表建议",
        ),
        (
            "2022年某县国民经济和社会发展统计公报 2022\n选择区域:>>\n"
            "2022年是极不平凡的一年，全县经济社会大局保持稳定，各项事业取得新进展。\n",
            "2022年某县国民经济和社会发展统计公报",
        ),
        (
            "引才聚智,助力乡村振兴!“某市+”乡村振兴频道正式上线\n发布时间:2022-06-23\n"
            "6月23日，“某市+”新闻客户端乡村振兴频道正式上线，这是服务中心工作的重要举措。\n",
            "引才聚智,助力乡村振兴!“某市+”乡村振兴频道正式上线",
        ),
        (  # dev/190: a reprint's note after the title
            "通知公告\n· 关于推荐某某基地的公示[转载于:某市农业农村局网站]\n"
            "    按照有关文件要求，某市农业农村局根据县级政府的申报情况，拟推荐某县申报基地。\n",
            "关于推荐某某基地的公示",
        ),
    ],
)
def test_titles_past_what_sites_put_around_them(text: str, title: str) -> None:
    record = extract(text)
    assert record.title == title
    assert not record.body_text.startswith(('"', "选择区域"))


# Pages built for the rules taken from dev/158–193 (named by the class they stand for).
BYLINES_AND_ENDS = {
    # dev/187: spam after the site footer
    "spam after the footer": (
        "某省防总启动防汛四级应急响应\n2024-06-21 09:51:51   来源:某省发布\n"
        "据气象部门预测，6月20日至21日，某省大部有大到暴雨，局地有大暴雨，请注意防范。\n"
        "技术支持:某报网新闻传媒有限公司\n某网版权所有 鄂ICP备2020021375号-2\n某某广告文字\n"
    ),
    # dev/186: the copyright line, and the CMS date written 年月日 with a time
    "copyright line": (
        "[某区]志愿服务最快乐\n2014年3月6日 16:03\n"
        "3月5日，记者走进社区活动现场，对数十位学雷锋志愿者进行了随机采访，了解他们的想法。\n"
        "某网版权所有,未经授权禁止复制或建立镜像\n"
    ),
    # dev/172: the site's name and address run into the date and 来源
    "site before the date": (
        "关于某县公布森林防火禁火令的公示\n"
        "某县人民政府门户网站www.example.gov.cn2022-08-12来源: 某县林业局 阅读人次:-\n"
        "  为全面提高森林火灾的预防能力，某县林业局起草了禁火令，现予公示，欢迎监督。\n"
    ),
    # dev/176: labels opened with a bracket
    "bracket-opened labels": (
        "某市举办文化遗产日宣传活动\n"
        "【信息来源:【作者:【信息时间:2018-06-12 08:18  阅读次数: 】【字号 】【我要打印】【关闭\n"
        "为弘扬民族传统文化，6月10日，某市举办以“多彩非遗 美好生活”为主题的宣传活动。\n"
    ),
    # dev/175: a 所属"五公开" row of the metadata table, an empty 文号 cell
    "五公开 row": (
        "我局组织开展非遗宣传活动\n索引号 640122-133/2021-00015 文 号 发布日期 2020-06-19\n"
        '发布机构 某县文广局 公开时限 长期公开\n所属"五公开" 服务公开,结果公开 关 键 词 非遗\n'
        "按照通知要求，我局高度重视今年遗产日非遗活动，立即进行安排部署，确保活动成效。\n"
    ),
    # dev/169: `摘要：…。` of a research article is its text
    "abstract": (
        "首页 > 学习交流 > 人大研究\n【优秀研究成果】论某某立法的逻辑\n时间:2021-04-22 来源:某省人大网\n"
        "论某某立法的逻辑\n 某某\n  摘要:针对某某立法规制的一波浪潮，本文梳理我国某某立法规制的现状，"
        "聚焦于探讨其影响因素问题，并提出立法的构造建议，进一步阐述了有关问题的处理建议。\n"
        "  2016年12月以来，国家层面先后出台有关文件，有立法权的各地立法机关出台的法规数量日渐增加。\n"
    ),
    # dev/168: `备注 …` and `属性 …` rows of a label-cell table, a location ending in the law,
    # 核心提示 above the table
    "law database": (
        "当前位置: 首页 » 政策法规 » 地方法规 »某市地方立法条例\n某市地方立法条例\n"
        "扫描二维码 分享好友和朋友圈\n核心提示:为了规范地方立法活动，提高立法质量，制定本条例。\n"
        "发布单位\n某市人民代表大会常务委员会\n发布日期 2016-12-27 生效日期 2016-12-27\n"
        "有效性状态 废止日期 暂无\n属性 地方性法规 专业属性\n"
        "备注 2016年10月26日某市第七届人民代表大会第一次会议通过 2016年12月27日某市人民代表大会"
        "常务委员会公告公布 自公布之日起施行\n"
        "  第一条 为了规范地方立法活动，健全地方立法制度，提高立法质量，制定本条例。\n"
    ),
    # dev/178: `来源:杜雪雪` names the writer, not an organisation
    "writer as source": (
        "某区退役军人局开展走访慰问\n来源:杜雪雪\n2023-07-27 21:07:12\n"
        "建军节到来之际，某区退役军人事务局负责人带领局机关工作人员走访慰问了困难退役军人。\n"
    ),
    "short organisation": (
        "某县政府信息公开\n来源:州人大\n发布时间:2024-01-12\n正文第一段，说明有关情况。\n"
    ),
    # the text's 落款 cut from it by a 分享到 line; 上一篇 still ends the text
    "signature below 分享到": (
        "某镇开展环境整治活动\n来源：某镇人民政府 时间：2024-04-02\n"
        "近日，某镇组织干部群众开展人居环境整治活动，清理垃圾20余吨。\n分享到：\n"
        "某镇人民政府\n2024年4月2日\n"
    ),
    "related links": (
        "某镇开展环境整治活动\n来源：某镇人民政府 时间：2024-04-02\n"
        "近日，某镇组织干部群众开展人居环境整治活动，清理垃圾20余吨。\n上一篇：某镇召开会议\n"
        "下一篇：某镇开展活动\n"
    ),
    # a title written over two lines (the first unfinished) that the page repeats
    "title over two lines": (
        "某县人民政府办公室关于印发\n某县防汛应急预案的通知\n发布日期：2024-05-01\n"
        "某县人民政府办公室关于印发\n某县防汛应急预案的通知\n各乡镇人民政府：\n"
        "现将预案印发给你们，请认真贯彻执行。\n"
    ),
    # a menu of spaced words over the column heading and a news title without a date line
    "spaced menu": (
        "网站首页 新闻中心 工作动态 政务公开\n当前位置：首页 > 工作动态\n工作动态\n春风送岗位 就业暖人心\n"
        "2月20日，县人社局在县城广场举办春风行动招聘会，50余家企业提供岗位1200个。\n"
    ),
    # `（供稿：…）` closing a news item names its source; a bracketed note is text
    "bracketed source": (
        "某县召开会议\n发布时间：2024-01-02\n会议要求，各乡镇要压实责任，确保安全生产形势稳定。\n"
        "（供稿：某县应急管理局）\n"
    ),
    "bracketed note": (
        "关于某某的通知\n发布时间：2024-01-02\n各单位：现将有关事项通知如下，请遵照执行。\n（此件公开发布）\n"
    ),
    # what a site prints below the text: the title again and an article id, a tag, a counter
    "title and id below": (
        "某县多措并举宣传耕地保护\n时间:2025-11-18 16:19\n"
        "近日，某县自然资源局在全县开展耕地保护宣传工作，推动政策深入人心。\n"
        "某县多措并举宣传耕地保护\n33851722\n"
    ),
    "tag below": (
        "县政府召开常务会议\n发布时间：2024-06-21\n"
        "6月20日，县政府召开常务会议，研究部署近期重点工作，要求各部门压实责任。\n县政府常务会议\n"
    ),
    "title alone below": (
        "某县防汛应急预案\n发布时间：2024-05-01\n现将预案印发给你们，请认真贯彻执行。\n某县防汛应急预案\n"
    ),
    "formula below": (
        "关于某某的通知\n发布时间：2024-01-02\n现将有关事项通知如下，各单位要高度重视。\n请遵照执行\n"
    ),
    "organ below": (
        "关于某某的通告\n发布时间：2024-01-02\n现将有关事项通告如下，请遵照执行。\n某县应急管理局\n"
    ),
    "counter below a button": (
        "关于禁止燃放烟花爆竹的通告\n2019-01-29 08:48:53 来源:某县融媒\n"
        "春节将至，为减少森林火险隐患，县森防指决定在全县林区禁止燃放烟花爆竹。\n"
        "某县森林防火指挥部\n2019年1月16日\n打赏捐赠\n0\n"
    ),
    # an e-paper's news item: title, subtitle, text, without a date line
    "subtitle": (
        "下一版»本期共4版(1-2-4)\n某县长主持召开县长办公会\n安排部署重点工作任务\n"
        "本报讯 12月5日，县长主持召开县长办公会议，听取重点工作推进情况汇报，并安排部署。\n"
    ),
    "byline under the title": (
        "下一版»本期共4版(1-2-4)\n某县长主持召开县长办公会\n本报记者 张三\n"
        "12月5日，县长主持召开县长办公会议，听取重点工作推进情况汇报，并安排部署。\n"
    ),
    "section heading": (
        "下一版»本期共4版(1-2-4)\n某镇2023年政府信息公开工作年度报告\n一、总体情况\n"
        "2023年，某镇认真贯彻落实政府信息公开条例，主动公开政府信息120条。\n"
    ),
    # a news card that opens the text: its date, then the headline again over two lines
    "dateline card": (
        "某省防总启动防汛四级应急响应\n2024-06-21 09:51:51   来源:某省发布\n6月20日\n某省防总\n"
        "启动防汛四级应急响应\n据气象部门预测，6月20日至21日，某省大部有大到暴雨，请注意防范。\n"
    ),
    # a table whose header row has a cell that is also a label (责任单位) over row 1
    "table header": (
        "市政府重点工作进展情况表\n发布日期:2020-05-14 09:44\n序号\n内容与要求\n责任单位\n1\n"
        "加强季度、月度数据监测，确保地区生产总值增长7%左右。\n市发改委\n"
    ),
    # the header's organisation and level cells, saved without their labels
    "organ and level": (
        "某市基层政务公开\n某市自然资源和规划局 县级\n2023-02-24 2023-02-24\n"
        "某市人民政府关于拟征收某镇土地的预公告\n某政征预告字〔2023〕第5号\n"
        "为实施年度土地利用计划，某市人民政府拟征收某镇集体土地，现将有关事项公告如下。\n"
    ),
}


@pytest.mark.parametrize(
    ("name", "starts", "ends"),
    [
        ("spam after the footer", "据气象部门预测", "请注意防范。"),
        ("copyright line", "3月5日", "了解他们的想法。"),
        ("site before the date", "为全面提高", "欢迎监督。"),
        ("bracket-opened labels", "为弘扬", "宣传活动。"),
        ("五公开 row", "按照通知要求", "确保活动成效。"),
        ("abstract", "论某某立法的逻辑\n某某\n摘要:针对", "日渐增加。"),
        ("law database", "第一条", "制定本条例。"),
        ("signature below 分享到", "近日", "某镇人民政府\n2024年4月2日"),
        ("related links", "近日", "清理垃圾20余吨。"),
        ("title over two lines", "各乡镇人民政府：", "请认真贯彻执行。"),
        ("spaced menu", "2月20日", "岗位1200个。"),
        ("bracketed source", "会议要求", "形势稳定。"),
        ("bracketed note", "各单位", "（此件公开发布）"),
        ("title and id below", "近日", "深入人心。"),
        ("tag below", "6月20日", "压实责任。"),
        ("organ below", "现将", "某县应急管理局"),
        ("formula below", "现将", "高度重视。\n请遵照执行"),
        ("title alone below", "现将", "执行。\n某县防汛应急预案"),
        ("counter below a button", "春节将至", "2019年1月16日"),
        ("subtitle", "本报讯", "安排部署。"),
        ("section heading", "一、总体情况", "120条。"),
        ("byline under the title", "本报记者 张三\n12月5日", "安排部署。"),
        ("dateline card", "6月20日\n某省防总\n启动防汛四级应急响应\n据气象部门预测", "防范。"),
        ("table header", "序号\n内容与要求\n责任单位\n1\n", "市发改委"),
    ],
)
def test_where_the_text_starts_and_ends(name: str, starts: str, ends: str) -> None:
    body = extract(BYLINES_AND_ENDS[name]).body_text
    assert body.startswith(starts) and body.endswith(ends)


@pytest.mark.parametrize(
    ("name", "field", "value"),
    [
        ("copyright line", "published_on", date(2014, 3, 6)),
        ("site before the date", "org_name", "某县林业局"),
        ("site before the date", "published_on", date(2022, 8, 12)),
        ("bracket-opened labels", "published_on", date(2018, 6, 12)),
        ("五公开 row", "doc_number", ""),
        ("law database", "title", "某市地方立法条例"),
        ("law database", "org_name", "某市人民代表大会常务委员会"),
        ("law database", "published_on", date(2016, 12, 27)),
        ("writer as source", "org_name", ""),
        ("writer as source", "published_on", date(2023, 7, 27)),
        ("short organisation", "org_name", "州人大"),
        ("title over two lines", "title", "某县人民政府办公室关于印发某县防汛应急预案的通知"),
        ("spaced menu", "title", "春风送岗位 就业暖人心"),
        ("bracketed source", "org_name", "某县应急管理局"),
        ("subtitle", "title", "某县长主持召开县长办公会"),
        ("organ and level", "org_name", "某市自然资源和规划局"),
        ("table header", "department", ""),
    ],
)
def test_fields_from_bylines_and_tables(name: str, field: str, value: object) -> None:
    assert getattr(extract(BYLINES_AND_ENDS[name]), field) == value


WHOLE_PAGE_TEXT = (
    "3月4日，某县应急管理局组织开展安全生产大检查，重点检查了企业的消防设施。\n"
    "检查组要求，各企业要落实主体责任，及时整改隐患，确保安全生产形势稳定。"
)


@pytest.mark.parametrize(
    "below",
    [
        # the site's footer
        "主办：某县人民政府办公室 承办：某县信息中心\n地址：某县人民路1号 电话：0795-1234567",
        "关于我们 | 网站地图 | 使用帮助\n某县人民政府办公室主办\n党政机关\n政府网站找错",
        "当前访问量：123456\n某县人民政府办公室 版权所有",
        "联系我们：0795-1234567 电子邮箱：abc@example.cn",
        # related-links lists and 上一篇/下一篇
        "热点新闻\n某县召开安全生产工作会议\n图片新闻",
        "本栏目最新\n某县召开安全生产工作会议",
        "某县召开安全生产工作会议 [2024/03/01]\n某县开展消防演练活动 (03-01)\n某县开展安全生产检查 2024.02.28",
        "< 上一篇：某县召开会议\n下一篇：某县开展活动 >",
        "«上一篇\n下一篇»",
        "【上一篇】 某局又发大消息！某项工作取得新进展：同比增长9.8%！ 【下一篇】 某县开展某某活动的情况",
        # share prompts
        "用微信扫描二维码\n分享至好友和朋友圈",
        # editor and counter lines
        "初审：张三 复审：李四 终审：王五",
        "编辑：张三\n校对：李四\n审核：王五",
        "责编：张三",
        "稿件来源：某县应急管理局 责任编辑：张三",
        "信息员：张三 审核人：李四",
        "阅读：123\n点赞",
        "【发布时间：2024-03-05】【浏览次数：12】",
    ],
)
def test_what_a_whole_page_puts_below_the_text_leaves_it(below: str) -> None:
    page = (
        "当前位置：首页 > 工作动态\n某县开展安全生产大检查\n发布时间：2024-03-05 来源：某县应急管理局\n"
        f"{WHOLE_PAGE_TEXT}\n{below}\n"
    )
    assert extract(page).body_text == WHOLE_PAGE_TEXT


@pytest.mark.parametrize(
    "sentence",
    [
        "扫一扫二维码即可参加网上问卷调查，欢迎踊跃参与。",
        "相关文件中规定的事项，由县应急管理局负责解释。",
    ],
)
def test_a_sentence_that_starts_like_a_footer_stays(sentence: str) -> None:
    page = f"某县开展安全生产大检查\n发布时间：2024-03-05\n{WHOLE_PAGE_TEXT}\n{sentence}\n"
    assert extract(page).body_text == f"{WHOLE_PAGE_TEXT}\n{sentence}"


@pytest.mark.parametrize(
    ("byline", "org"),
    [
        ("信息来源：某县应急管理局 | 发布时间：2024-03-05", "某县应急管理局"),
        ("【来源：某县应急管理局】【发布时间：2024-03-05】", "某县应急管理局"),
        ("[ 来源：某县应急管理局 ] [ 发布时间：2024-03-05 ]", "某县应急管理局"),
        (
            "日期：2024-03-05 来源：某县应急管理局 【打印】【关闭】",
            "某县应急管理局",
        ),  # a toolbar on it
        ("消息来源：某县应急管理局 时间：2024-03-05", "某县应急管理局"),
        ("出处：某县应急管理局 时间：2024-03-05", "某县应急管理局"),
        ("所属单位：某县应急管理局 发布时间：2024-03-05", ""),  # an unknown label leads
        ("作者：张三 2024-03-05 10:20", ""),  # the page's date after a writer's name
    ],
)
def test_bylines_past_brackets_toolbars_and_unknown_labels(byline: str, org: str) -> None:
    record = extract(f"某县开展安全生产大检查\n{byline}\n{WHOLE_PAGE_TEXT}\n")
    assert (record.org_name, record.published_on) == (org, date(2024, 3, 5))
    assert record.body_text == WHOLE_PAGE_TEXT


def test_no_index_number_under_a_cut_or_unknown_label() -> None:
    # a value of its form is no 索引号 without the label: guessing it would invent one
    for label in ("号", "编码"):
        record = extract(
            f"{label}: 003043524/202203-00218 信息分类: 规范性文件\n发布日期: 2022-03-26\n"
            f"标  题: 关于某某的通知\n{WHOLE_PAGE_TEXT}\n"
        )
        assert record.index_no == ""


@pytest.mark.parametrize(
    ("above", "published"),
    [
        (
            "您所在的位置：首页 » 工作动态\n某县开展安全生产大检查\n日期：2024-03-05",
            date(2024, 3, 5),
        ),
        ("您当前的位置:首页>>工作动态\n某县开展安全生产大检查\n[2024-03-05]", date(2024, 3, 5)),
        (
            "当前位置：首页 > 工作动态\n某县开展安全生产大检查\n【2024-03-05 10:20】",
            date(2024, 3, 5),
        ),
    ],
)
def test_longer_location_labels_and_a_bracketed_date_under_the_title(
    above: str, published: date
) -> None:
    record = extract(f"{above}\n{WHOLE_PAGE_TEXT}\n")
    assert (record.title, record.published_on) == ("某县开展安全生产大检查", published)
    assert record.category == "工作动态" and record.body_text == WHOLE_PAGE_TEXT


@pytest.mark.parametrize(
    "below",
    [
        "最新动态\n聚焦10月经济成绩单\n某区近9万居民有了家庭医生\n图片聚焦\n赏菊",
        "| 最新\n2月14日冬奥看点\n某地一客船倾覆",
        "分享到\n微信\n人人\n空间",
        "反侵权公告：\n根据有关法律法规，未经书面许可，任何单位或个人不得转载本网作品。",
    ],
)
def test_sidebars_share_targets_and_notices_below_a_news_item(below: str) -> None:
    page = (
        "您所在的位置 首页 专题频道 新春走基层\n土豆不“土” 土豆无“土”\n2022-02-13 09:57 光明网\n"
        f"{WHOLE_PAGE_TEXT}\n{below}\n"
    )
    record = extract(page)
    assert (record.title, record.org_name) == ("土豆不“土” 土豆无“土”", "光明网")
    assert (record.published_on, record.body_text) == (date(2022, 2, 13), WHOLE_PAGE_TEXT)


def test_a_news_title_that_exclaims_over_a_menu_of_short_items() -> None:
    record = extract(
        "邮箱 | 相册 | 助手 | 雅虎通 | 社区\n会议通知 学术活动 科普活动 表彰奖励 公告公示\n首页 - 新闻动态\n"
        "2019年某学术年会在某大学成功举行！\n发布时间：2019-05-18 来源：某学会\n"
        f"{WHOLE_PAGE_TEXT}\n查看评论\n阅读 539\nA+\n标签：\n扫二维码上移动某某网\n"
    )
    assert (record.title, record.org_name) == ("2019年某学术年会在某大学成功举行！", "某学会")
    assert record.body_text == WHOLE_PAGE_TEXT
    spaced = extract(
        f"喜迎二十大 奋进新征程 某县 开展活动\n发布时间：2024-03-05\n{WHOLE_PAGE_TEXT}\n"
    )
    assert spaced.title == "喜迎二十大 奋进新征程 某县 开展活动"  # four short words: a title


def test_source_label_written_with_a_preposition() -> None:
    record = extract(f"某街道开展调研工作\n来源于：某区办事处\n2019-03-06\n{WHOLE_PAGE_TEXT}\n")
    assert (record.org_name, record.body_text) == ("某区办事处", WHOLE_PAGE_TEXT)


@pytest.mark.parametrize("location", ["当前位置：首页 > 工作动态\n", ""])
def test_a_notice_in_the_site_header_is_not_the_text(location: str) -> None:
    record = extract(
        "某县人民政府\n首页 政务公开 新闻中心\n通知公告\n"
        "关于网站系统升级维护的公告：本网站将于3月10日进行升级维护，届时暂停访问。\n"
        f"{location}某县开展安全生产大检查\n发布时间：2024-03-05 来源：某县应急管理局\n"
        f"{WHOLE_PAGE_TEXT}\n"
    )
    assert (record.title, record.org_name) == ("某县开展安全生产大检查", "某县应急管理局")
    assert (record.published_on, record.body_text) == (date(2024, 3, 5), WHOLE_PAGE_TEXT)


def test_a_title_printed_on_the_line_of_its_byline() -> None:
    record = extract(
        f"当前位置：首页 > 工作动态\n某县开展安全生产大检查 发布时间：2024-03-05\n{WHOLE_PAGE_TEXT}\n"
    )
    assert (record.title, record.published_on) == ("某县开展安全生产大检查", date(2024, 3, 5))
    assert record.body_text == WHOLE_PAGE_TEXT
