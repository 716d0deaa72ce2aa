"""The "9 + X" 职权类型 (spec §1.2): seeded data, editable by platform administrators. Codes and
letter pairs are a project convention (letters as in Guizhou practice)."""

from typing import Any

from django.db import migrations

TYPES = [
    ("01", "XK", "行政许可"), ("02", "CF", "行政处罚"), ("03", "QZ", "行政强制"),
    ("04", "ZS", "行政征收"), ("05", "JF", "行政给付"), ("06", "JC", "行政检查"),
    ("07", "QR", "行政确认"), ("08", "JL", "行政奖励"), ("09", "CJ", "行政裁决"),
    ("10", "QT", "其他行政权力"),
]  # fmt: skip


def seed(apps: Any, schema_editor: Any) -> None:
    PowerType = apps.get_model("lists", "PowerType")
    for i, (code, letters, name) in enumerate(TYPES, 1):
        PowerType.objects.get_or_create(
            code=code, defaults={"letters": letters, "name": name, "order": i}
        )


class Migration(migrations.Migration):
    dependencies = [("lists", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
