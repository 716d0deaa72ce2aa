"""统一社会信用代码 — the unified social credit code of an organisation (GB 32100-2015).

18 characters from 0-9 and the capital letters without I, O, Z, S, V; the last is a check
character: weights 3^i mod 31, check = 31 - (Σ value×weight mod 31), 31 written as 0.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    code = (code or "").strip().upper()
    if len(code) != 18 or any(c not in ALPHABET for c in code):
        return False
    return check_character(code[:17]) == code[17]
