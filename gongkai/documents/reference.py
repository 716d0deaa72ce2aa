"""Loading the reference data (主题分类, 信息类别) shipped in `data/`; used by a data migration."""

from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


def topic_rows() -> list[tuple[str, str, str | None, str]]:
    """(code, name, parent code, full name): top level 01…, sub-categories 0101…"""
    rows: list[tuple[str, str, str | None, str]] = []
    top = sub = 0
    parent: tuple[str, str] | None = None
    for line in (DATA / "topics.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name = line.strip()
        if line.startswith("  "):
            assert parent is not None
            sub += 1
            rows.append((f"{parent[0]}{sub:02d}", name, parent[0], f"{parent[1]}\\{name}"))
        else:
            top, sub = top + 1, 0
            parent = (f"{top:02d}", name)
            rows.append((parent[0], name, None, name))
    return rows


def category_rows() -> list[dict[str, Any]]:
    rows = []
    for order, line in enumerate(
        (DATA / "categories.txt").read_text(encoding="utf-8").splitlines()
    ):
        if not line.strip() or line.startswith("#"):
            continue
        code, name, *flags = line.split()
        rows.append(
            {
                "code": code, "name": name, "order": order * 10,
                "is_normative": "normative" in flags, "is_interpretation": "interpretation" in flags,
            }
        )  # fmt: skip
    return rows


def load(apps: Any, schema_editor: Any = None) -> None:
    topic_model = apps.get_model("documents", "TopicCategory")
    category_model = apps.get_model("documents", "InfoCategory")
    by_code: dict[str, Any] = {}
    for code, name, parent, full in topic_rows():
        by_code[code], _ = topic_model.objects.update_or_create(
            code=code,
            defaults={"name": name, "parent": by_code.get(parent or ""), "full_name": full},
        )
    for row in category_rows():
        category_model.objects.update_or_create(code=row.pop("code"), defaults=row)
