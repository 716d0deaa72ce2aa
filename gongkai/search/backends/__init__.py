"""Search backends behind one small protocol (`base.Backend`): tantivy (embedded, the default)
and PostgreSQL (pre-segmented tsvector in the shared database, for several application servers).

Settings (read with defaults, none required):
    GONGKAI_SEARCH_BACKEND  "tantivy" (default) or "postgres"
    GONGKAI_SEARCH_DIR      the tantivy index directory; default VAR_DIR/search/<database name>,
                            so each database (and each test database) has its own index copy
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from .base import Backend


def index_dir() -> Path:
    configured = getattr(settings, "GONGKAI_SEARCH_DIR", None)
    if configured:
        return Path(configured)
    name = Path(str(connection.settings_dict["NAME"])).stem or "default"
    return Path(settings.VAR_DIR) / "search" / name


def backend_name() -> str:
    return str(getattr(settings, "GONGKAI_SEARCH_BACKEND", "tantivy"))


def current() -> Backend:
    name = backend_name()
    if name == "tantivy":
        from .tantivy import open_index

        return open_index(index_dir())
    if name == "postgres":
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured("GONGKAI_SEARCH_BACKEND=postgres 需要 PostgreSQL 数据库")
        from .postgres import PostgresBackend

        return PostgresBackend()
    raise ImproperlyConfigured(
        f"未知的检索后端 GONGKAI_SEARCH_BACKEND={name!r}（tantivy 或 postgres）"
    )
