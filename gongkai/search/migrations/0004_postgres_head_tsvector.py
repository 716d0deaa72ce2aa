"""On PostgreSQL: `tsv_head`, the small tsvector of the title and 文号/索引号 alone, which picks
the matches worth ranking with the full `tsv` (see backends/postgres.py). Filled by
`gongkai search reindex` (and every index update). Nothing on SQLite."""

from django.db import migrations

FORWARD = ["ALTER TABLE search_entry ADD COLUMN tsv_head tsvector NOT NULL DEFAULT ''::tsvector"]
BACKWARD = ["ALTER TABLE search_entry DROP COLUMN IF EXISTS tsv_head"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_reindex_checkpoint")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
