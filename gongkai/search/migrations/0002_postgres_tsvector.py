"""On PostgreSQL: the pre-segmented tsvector of each entry and its GIN index (the PostgreSQL
search backend). Nothing on SQLite, which searches with the tantivy backend."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE search_entry ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX search_entry_tsv ON search_entry USING gin (tsv)",
    "CREATE INDEX search_entry_published ON search_entry (published_on DESC NULLS LAST)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_published",
    "DROP INDEX IF EXISTS search_entry_tsv",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS tsv",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
