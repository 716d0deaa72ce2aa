"""AuditHead.public_hash: the newest entry that may have changed a public page (publicity.py).

Existing heads start from their current hash, so every page cached before stays valid once."""

from django.db import migrations, models


def start_from_head(apps, schema_editor):  # type: ignore[no-untyped-def]
    head = apps.get_model("audit", "AuditHead")
    head.objects.filter(public_hash="").update(public_hash=models.F("hash"))


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="audithead",
            name="public_hash",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RunPython(start_from_head, migrations.RunPython.noop),
    ]
