"""The 26 pilot domains (gazette-catalog spec §3)."""

from django.db import migrations

from gongkai.catalog.reference import load


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
