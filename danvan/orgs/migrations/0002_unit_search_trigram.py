"""On PostgreSQL, a trigram GIN index makes ``search_text LIKE '%word%'`` use an index.

SQLite has no such index; its LIKE scan over ~14,000 short rows stays in milliseconds.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS orgs_unit_search_trgm "
        "ON orgs_unit USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS orgs_unit_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
