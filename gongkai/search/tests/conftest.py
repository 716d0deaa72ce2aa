"""Fixtures of the search tests: a fresh index directory per test, and both backends."""

from typing import Any

import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def search_dir(settings: Any, tmp_path: Any) -> None:
    settings.GONGKAI_SEARCH_DIR = tmp_path / "search"


@pytest.fixture(params=["tantivy", "postgres"])
def backend(request: Any, settings: Any, db: Any) -> str:
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL 检索后端只能在 PostgreSQL 数据库上测试（DATABASE_URL=postgres://…）"
        )
    settings.GONGKAI_SEARCH_BACKEND = request.param
    return request.param
