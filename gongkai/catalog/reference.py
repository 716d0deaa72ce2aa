"""Loading the 26 domains shipped in `data/domains.txt`; used by a data migration."""

from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


def domain_rows() -> list[tuple[str, str, int]]:
    rows: list[tuple[str, str, int]] = []
    for line in (DATA / "domains.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, name = line.split()
            rows.append((code, name, len(rows) + 1))
    return rows


def load(apps: Any, schema_editor: Any = None) -> None:
    model = apps.get_model("catalog", "Domain")
    for code, name, order in domain_rows():
        model.objects.update_or_create(code=code, defaults={"name": name, "order": order})
