"""Personal information in government text: detection and de-identification (去标识化).

Pure Python, no Django: `detect(text)` returns `Finding`s (type, start, end, text, confidence;
offsets in characters of `text`), `redact(text)` masks them. The types and their checks:
居民身份证号码 (GB 11643-1999), 统一社会信用代码 (GB 32100-2015, reported but not masked by
default), bank cards (Luhn), mobile and landline numbers, e-mail, passports and travel permits,
vehicle plates, names of private persons and their addresses. The masking follows the
suppression technique of GB/T 37964-2019 and the conventions of government sites.
"""

from gongkai.lib.pii.decode import UndecodableText, decode_text
from gongkai.lib.pii.detector import (
    DEFAULT_MIN_CONFIDENCE,
    STRUCTURED_TYPES,
    TYPES,
    Finding,
    detect,
)
from gongkai.lib.pii.masking import DEFAULT_POLICY, MaskRule, Policy, mask_value, redact
from gongkai.lib.pii.names import LacTagger, NameTagger

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "DEFAULT_POLICY",
    "STRUCTURED_TYPES",
    "TYPES",
    "Finding",
    "LacTagger",
    "MaskRule",
    "NameTagger",
    "Policy",
    "UndecodableText",
    "decode_text",
    "detect",
    "mask_value",
    "redact",
]
