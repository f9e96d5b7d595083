"""The usual kinds of award, and (on PostgreSQL) a trigram index on the search column."""

from django.db import migrations

AWARD_KINDS = ["Giấy khen", "Bằng khen", "Cờ thi đua", "Giấy chứng nhận"]


def forwards(apps, schema_editor):
    award_kind = apps.get_model("initiatives", "AwardKind")
    for order, name in enumerate(AWARD_KINDS):
        award_kind.objects.get_or_create(name=name, defaults={"order": order})
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS initiatives_initiative_search_trgm "
            "ON initiatives_initiative USING gin (search_text gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS initiatives_initiative_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
