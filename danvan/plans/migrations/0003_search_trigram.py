"""On PostgreSQL, trigram GIN indexes on the folded search columns of the plans app.

They serve ``search_text LIKE '%word%'`` (the list searches of legal documents, plans,
tasks and activities). SQLite scans.
"""

from django.db import migrations

INDEXES = (
    ("plans_legaldocument_search_trgm", "plans_legaldocument"),
    ("plans_plan_search_trgm", "plans_plan"),
    ("plans_task_search_trgm", "plans_task"),
    ("plans_activity_search_trgm", "plans_activity"),
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
    dependencies = [("plans", "0002_seed_activity_types"), ("orgs", "0002_unit_search_trigram")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
