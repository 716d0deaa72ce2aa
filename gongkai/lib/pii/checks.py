"""Check algorithms for the structured identifiers.

- 居民身份证号码 (GB 11643-1999): province code, a real birth date, the MOD 11-2 check character.
- Bank card numbers: the Luhn (ISO/IEC 7812-1) check.
- 统一社会信用代码 (GB 32100-2015): reused from `gongkai.lib.creditcode`.
"""

from datetime import date
from operator import mul

from gongkai.lib.creditcode import is_valid_credit_code

__all__ = [
    "PROVINCES",
    "id_birth_date",
    "id_check_character",
    "id_looks_structured",
    "is_valid_credit_code",
    "is_valid_id_card",
    "luhn_ok",
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
