"""The 政府规章 category `rule` (gazette-catalog spec §1; 令号 as its 文号)."""

from django.db import migrations

from gongkai.documents.reference import load


class Migration(migrations.Migration):
    dependencies = [("documents", "0007_normative")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
