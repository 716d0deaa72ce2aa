"""The information category of published replies (spec response.md §3: 专栏 of 建议提案办理复文)."""

from typing import Any

from django.db import migrations

CODE, NAME = "proposal_reply", "建议提案办理复文"


def add(apps: Any, schema_editor: Any) -> None:
    apps.get_model("documents", "InfoCategory").objects.get_or_create(
        code=CODE, defaults={"name": NAME, "order": 900}
    )


class Migration(migrations.Migration):
    dependencies = [("execution", "0001_initial"), ("documents", "0002_reference_data")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
