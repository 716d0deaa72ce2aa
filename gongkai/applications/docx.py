"""A minimal DOCX (Office Open XML, ECMA-376) writer for letters: paragraphs of plain text.

Pure, no Django (python-docx is not a dependency): a zip of [Content_Types].xml, the package
relationships, word/document.xml and word/styles.xml. Laid out like an official letter
(GB/T 9704): A4, title in 小标宋 二号 centred, body in 仿宋 三号 with a two-character first-line
indent. Text is escaped; characters XML 1.0 cannot hold are dropped, so hostile input yields a
valid file.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BODY_FONT, TITLE_FONT = "仿宋_GB2312", "方正小标宋简体"
BODY_SIZE, TITLE_SIZE = 32, 44  # half-points: 三号 16pt, 二号 22pt


@dataclass(frozen=True)
class Para:
    text: str
    align: str = "both"  # left | center | right | both (justified)
    bold: bool = False
    size: int = BODY_SIZE
    font: str = BODY_FONT
    indent: bool = True  # first-line indent of two characters


def _run(text: str, p: Para) -> str:
    bold = "<w:b/>" if p.bold else ""
    font = escape(p.font, {'"': "&quot;"})
    return (
        f'<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>'
        f'{bold}<w:sz w:val="{p.size}"/><w:szCs w:val="{p.size}"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    )


def _paragraph(p: Para) -> str:
    indent = f'<w:ind w:firstLineChars="200" w:firstLine="{p.size * 20}"/>' if p.indent else ""
    text = _INVALID_XML.sub("", p.text)
    return (
        f'<w:p><w:pPr><w:spacing w:line="560" w:lineRule="exact"/>{indent}'
        f'<w:jc w:val="{p.align}"/></w:pPr>{_run(text, p) if text else ""}</w:p>'
    )


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr>'
    f'<w:rFonts w:ascii="{BODY_FONT}" w:hAnsi="{BODY_FONT}" w:eastAsia="{BODY_FONT}"/>'
    f'<w:sz w:val="{BODY_SIZE}"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>'
    "</w:docDefaults></w:styles>"
)


def document_bytes(paragraphs: list[Para]) -> bytes:
    """The .docx file of `paragraphs`, A4 with the margins of GB/T 9704."""
    body = "".join(_paragraph(p) for p in paragraphs)
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}"><w:body>{body}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" '
        'w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>'
        "</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", PACKAGE_RELS)
        z.writestr("word/document.xml", xml)
        z.writestr("word/_rels/document.xml.rels", DOCUMENT_RELS)
        z.writestr("word/styles.xml", STYLES)
    return out.getvalue()
