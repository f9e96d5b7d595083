"""On PostgreSQL, trigram GIN indexes on the folded search columns of letters and receptions.

They serve ``search_text LIKE '%word%'`` (the list search) and the candidate narrowing of
duplicate detection. SQLite scans; see docs/measurements.md for both.
"""

from django.db import migrations

INDEXES = (
    ("petitions_letter_search_trgm", "petitions_letter"),
    ("petitions_reception_search_trgm", "petitions_reception"),
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _table in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("petitions", "0002_seed_deadline_rules"), ("orgs", "0002_unit_search_trigram")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
