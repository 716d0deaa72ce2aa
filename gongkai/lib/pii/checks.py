"""Check algorithms for the structured identifiers.

- 居民身份证号码 (GB 11643-1999): province code, a real birth date, the MOD 11-2 check character.
- Bank card numbers: the Luhn (ISO/IEC 7812-1) check.
- 统一社会信用代码 (GB 32100-2015): the check character (`gongkai.lib.creditcode`), and its
  structure: a 登记管理部门码 + 机构类别码 pair of the standard's table, a real GB/T 2260 region,
  and the GB 11714 check character of the embedded 9-character 组织机构代码.
"""

import csv
from datetime import date
from functools import lru_cache
from operator import mul
from pathlib import Path

from gongkai.lib.creditcode import is_valid_credit_code

__all__ = [
    "PROVINCES",
    "credit_code_structured",
    "id_birth_date",
    "id_check_character",
    "id_looks_structured",
    "is_valid_credit_code",
    "is_valid_id_card",
    "known_region",
    "luhn_ok",
    "org_code_check",
]

# GB/T 2260 province-level codes, by region: the first two digits of every identity number.
_PROVINCE_CODES = (
    (11, 12, 13, 14, 15),  # 华北
    (21, 22, 23),  # 东北
    (31, 32, 33, 34, 35, 36, 37),  # 华东
    (41, 42, 43, 44, 45, 46),  # 中南
    (50, 51, 52, 53, 54),  # 西南
    (61, 62, 63, 64, 65),  # 西北
    (71, 81, 82),  # 台湾、香港、澳门
)
PROVINCES = frozenset(str(code) for group in _PROVINCE_CODES for code in group)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_EARLIEST_BIRTH = date(1900, 1, 1)


def id_check_character(first17: str) -> str:
    """The GB 11643 check character of 17 digits: "10X98765432"[Σ dᵢ·wᵢ mod 11]."""
    total = sum(map(mul, map(int, first17), _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def id_birth_date(number: str) -> date | None:
    """The birth date coded in an 18- or 15-character identity number, if it is a real past date."""
    if len(number) == 18:
        y, m, d = number[6:10], number[10:12], number[12:14]
    elif len(number) == 15:
        y, m, d = "19" + number[6:8], number[8:10], number[10:12]
    else:
        return None
    if not (y.isdigit() and m.isdigit() and d.isdigit()) or not ("01" <= m <= "12"):
        return None
    try:
        born = date(int(y), int(m), int(d))
    except ValueError:
        return None
    return born if _EARLIEST_BIRTH <= born <= date.today() else None


def id_looks_structured(number: str) -> bool:
    """Province code and birth date are plausible, whatever the check character says."""
    return number[:2] in PROVINCES and id_birth_date(number) is not None


def is_valid_id_card(number: str) -> bool:
    """True for an 18-character number with structure and check character right (x counts as X)."""
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    return id_check_character(number[:17]) == number[17] and id_looks_structured(number)


def luhn_ok(digits: str) -> bool:
    """The Luhn check used by bank cards: doubled every second digit from the right, sum ≡ 0 mod 10."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = ord(ch) - 48
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


# GB 32100-2015 表1 and its later assignments: 登记管理部门码 → the 机构类别码 it may be followed by.
CREDIT_CODE_KINDS = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 群众团体, 其他
    "2": "19",  # 外交
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_REGIONS = Path(__file__).resolve().parents[1] / "data" / "regions.csv"
CENTRAL_REGION = "100000"  # the region part of codes given to central state organs


def org_code_check(body: str) -> str:
    """GB 11714 check character of the 8-character body of a 组织机构代码 (11 - Σ mod 11;
    10 is X, 11 is 0); letters count 10 for A … 35 for Z."""
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


@lru_cache(maxsize=1)
def _region_codes() -> frozenset[str]:
    with _REGIONS.open(encoding="utf-8") as f:
        rows = csv.reader(line for line in f if not line.startswith("#"))
        next(rows)
        return frozenset(row[0] for row in rows) | {CENTRAL_REGION}


def known_region(code: str) -> bool:
    """A GB/T 2260 code used at some time since 1980 (or the central organs' 100000)."""
    return code in _region_codes()


def credit_code_structured(code: str) -> bool:
    """The structure of GB 32100 beyond the final check character: a known authority/kind pair,
    a real region and a valid 组织机构代码. The region list ends in 2020: a code registered in a
    district created later fails here, and is then read as whatever else it could be."""
    code = code.upper()
    if len(code) != 18 or code[1] not in CREDIT_CODE_KINDS.get(code[0], ""):
        return False
    org = code[8:17]
    return org_code_check(org[:8]) == org[8] and known_region(code[2:8])
