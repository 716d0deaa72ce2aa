"""Secret query codes (查询码) of tracking numbers: generated once, shown once, stored as a digest.

The digest is an HMAC keyed by SECRET_KEY (checked against SECRET_KEY_FALLBACKS too after a key
rotation), so a copy of the database alone neither reveals codes nor lets anyone test them.
"""

import re
import secrets

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Application

QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read over the phone
QUERY_CODE_LENGTH = 10
_DIGEST_SALT = "gongkai.applications.query_code"


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def normalize_code(code: str) -> str:
    return re.sub(r"[\s\-]", "", code or "").upper()


def query_digest(tracking_no: str, code: str, secret: str | None = None) -> str:
    value = f"{tracking_no}:{normalize_code(code)}"
    return salted_hmac(_DIGEST_SALT, value, secret=secret, algorithm="sha256").hexdigest()


def query_code_matches(app: Application, code: str) -> bool:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        constant_time_compare(app.query_digest, query_digest(app.tracking_no, code, k))
        for k in keys
    )
