"""Pure rules of the core: 文号, 索引号, 统一社会信用代码, SM3 chain, sanitising, upload checks."""

import io
import zipfile

import pytest

from gongkai.lib import hashchain, indexno
from gongkai.lib.creditcode import check_character, is_valid_credit_code
from gongkai.lib.docnumber import DocNumberError, normalize_doc_number
from gongkai.lib.richtext import html_to_text, sanitize_html
from gongkai.lib.uploads import UploadRejected, check_upload, fit_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("国办发〔2017〕47号", "国办发〔2017〕47号"),
        ("国办发[2017]47号", "国办发〔2017〕47号"),
        ("银政办发【2019】76号", "银政办发〔2019〕76号"),
        ("开政办发(2017)68号", "开政办发〔2017〕68号"),
        ("开政办发（2017）第068号", "开政办发〔2017〕68号"),
        (" 国办发 ［2017］ 47 ", "国办发〔2017〕47号"),
        ("国办发〔２０１７〕４７号", "国办发〔2017〕47号"),
    ],
)
def test_doc_number_is_normalised(raw: str, expected: str) -> None:
    assert normalize_doc_number(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "47号", "国办发2017年47号", "国办发〔17〕47号", "国办发〔2017〕0号", "<b>〔2017〕1号"],
)
def test_doc_number_rejects_what_is_not_one(raw: str) -> None:
    with pytest.raises(DocNumberError) as e:
        normalize_doc_number(raw)
    assert "文号" in str(e.value)


@pytest.mark.parametrize(
    ("template", "publisher", "year", "month", "seq", "expected"),
    [
        (indexno.DEFAULT_FORMAT, indexno.Publisher("640100", "141"), 2019, 5, 64, "640100-141/2019-00064"),
        ("{机构代码}/{year}-{seq:05d}", indexno.Publisher(org_code="000014349"), 2017, 1, 110, "000014349/2017-00110"),
        ("{统一社会信用代码}/{year}-{seq:05d}", indexno.Publisher(credit_code="11370812004339255B"), 2020, 7, 22849,
         "11370812004339255B/2020-22849"),
        ("{credit_code}/{year}{month:02d}-{seq:05d}", indexno.Publisher(credit_code="11341702486344515H"), 2021, 10, 13,
         "11341702486344515H/202110-00013"),
    ],
)  # fmt: skip
def test_index_numbers_in_the_forms_agencies_use(
    template: str, publisher: indexno.Publisher, year: int, month: int, seq: int, expected: str
) -> None:
    indexno.validate_format(template)
    assert indexno.render(template, publisher, year, month, seq) == expected
    indexno.validate_index_no(expected)


def test_index_period_is_monthly_only_when_the_format_says_so() -> None:
    assert indexno.period_of(indexno.DEFAULT_FORMAT, 2021, 10) == "2021"
    assert indexno.period_of("{credit_code}/{year}{month:02d}-{seq:05d}", 2021, 10) == "202110"


@pytest.mark.parametrize(
    "template",
    [
        "{region}-{seq}",
        "{region}/{year}",
        "{region}/{year}-{seq:05d}{nope}",
        "{region/{year}-{seq}",
    ],
)
def test_bad_index_formats_are_refused(template: str) -> None:
    with pytest.raises(indexno.IndexFormatError):
        indexno.validate_format(template)


def test_credit_code_check_character() -> None:
    assert is_valid_credit_code("11370812004339255B")
    assert is_valid_credit_code("11341702486344515h")
    assert not is_valid_credit_code("11370812004339255C")
    assert not is_valid_credit_code("1137081200433925")
    assert check_character("91110000100011743") == "X"


def test_sm3_standard_vectors() -> None:
    # GB/T 32905-2016 Appendix A
    assert (
        hashchain.sm3_hex(b"abc")
        == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert (
        hashchain.sm3_hex(b"abcd" * 16)
        == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def _chain(n: int) -> list[hashchain.Link]:
    links, prev = [], hashchain.GENESIS
    for seq in range(1, n + 1):
        payload = {"seq": seq, "action": f"a{seq}"}
        h = hashchain.entry_hash(prev, payload)
        links.append(hashchain.Link(seq, prev, h, payload))
        prev = h
    return links


def test_an_intact_chain_verifies() -> None:
    links = _chain(5)
    assert hashchain.verify(links, (5, links[-1].hash)) == []


def test_chain_finds_changed_deleted_inserted_and_truncated_entries() -> None:
    links = _chain(6)
    head = (6, links[-1].hash)
    changed = [
        *links[:2],
        hashchain.Link(3, links[2].prev_hash, links[2].hash, {"seq": 3, "action": "x"}),
        *links[3:],
    ]
    assert [(p.seq, p.kind) for p in hashchain.verify(changed, head)] == [(3, "tampered")]
    deleted = links[:2] + links[3:]
    assert [(p.seq, p.kind) for p in hashchain.verify(deleted, head)] == [(4, "deleted")]
    truncated = links[:4]
    assert [(p.seq, p.kind) for p in hashchain.verify(truncated, head)] == [(5, "truncated")]
    extra_payload = {"seq": 7, "action": "forged"}
    forged = hashchain.Link(
        7, links[-1].hash, hashchain.entry_hash(links[-1].hash, extra_payload), extra_payload
    )
    assert [(p.seq, p.kind) for p in hashchain.verify([*links, forged], head)] == [(7, "inserted")]


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<p style="width:expression(alert(1))">x</p>',
        "<iframe src=//evil></iframe>",
        "<svg><script>alert(1)</script></svg>",
        '<a href="JaVaScRiPt:alert(1)">x</a>',
    ],
)
def test_hostile_html_is_neutralised(hostile: str) -> None:
    clean = sanitize_html(hostile).lower()
    for bad in ("<script", "onerror", "javascript:", "expression(", "<iframe", "style="):
        assert bad not in clean


def test_official_document_markup_survives_sanitising() -> None:
    html = '<h2>一、总体要求</h2><p align="center">正文</p><table><tr><td colspan="2">表</td></tr></table><a href="https://www.gov.cn/">链接</a>'
    clean = sanitize_html(html)
    assert '<td colspan="2">' in clean and "<h2>" in clean and 'rel="noopener noreferrer"' in clean
    assert html_to_text("<p>一&amp;二</p><p>三</p>") == "一&二 三"


PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 200


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def test_uploads_are_checked_by_content() -> None:
    assert (
        check_upload("通知.pdf", io.BytesIO(PDF), len(PDF), 10_000).content_type
        == "application/pdf"
    )
    assert check_upload("附件.docx", io.BytesIO(_docx()), len(_docx()), 10_000).extension == "docx"
    assert (
        check_upload("名单.csv", io.BytesIO("姓名,单位\n".encode("gbk")), 10, 10_000).extension
        == "csv"
    )
    with pytest.raises(UploadRejected, match="与扩展名"):
        check_upload("通知.pdf", io.BytesIO(EXE), len(EXE), 10_000)
    with pytest.raises(UploadRejected, match="不支持"):
        check_upload("病毒.exe", io.BytesIO(EXE), len(EXE), 10_000)
    with pytest.raises(UploadRejected, match="超过上限"):
        check_upload("大.pdf", io.BytesIO(PDF), 60 * 1024 * 1024, 50 * 1024 * 1024)
    with pytest.raises(UploadRejected, match="空文件"):
        check_upload("空.pdf", io.BytesIO(b""), 0, 10_000)
    with pytest.raises(UploadRejected, match="不是文本"):
        check_upload("假.txt", io.BytesIO(PDF), len(PDF), 10_000)
    with pytest.raises(UploadRejected, match="与扩展名"):
        check_upload("公文.ofd", io.BytesIO(_docx()), len(_docx()), 10_000)
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("readme.txt", "x")
    with pytest.raises(UploadRejected, match="不是有效的 OFD"):
        check_upload(
            "公文.ofd", io.BytesIO(plain_zip.getvalue()), len(plain_zip.getvalue()), 10_000
        )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("通知.pdf", "通知.pdf"),
        ("x" * 300 + ".pdf", "x" * 16 + ".pdf"),
        ("a" * 14 + " " + "b" * 10 + ".docx", "a" * 14 + ".docx"),  # no space before the dot
        ("y" * 40, "y" * 20),  # no extension: plain cut
        ("a." + "b" * 40, ("a." + "b" * 40)[:20]),  # an "extension" longer than the room
    ],
)
def test_fit_name_keeps_the_extension(name: str, expected: str) -> None:
    assert fit_name(name, 20) == expected
    assert len(fit_name(name, 20)) <= 20
