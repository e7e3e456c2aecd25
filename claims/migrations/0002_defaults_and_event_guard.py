from django.db import migrations


def ensure_defaults(apps, schema_editor):
    from claims.setup import ensure_defaults as ensure

    ensure(using=schema_editor.connection.alias, apps=apps)


EVENT_GUARD = """
CREATE FUNCTION claims_event_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail cannot be edited or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER claims_event_no_update_delete
    BEFORE UPDATE OR DELETE ON claims_event
    FOR EACH ROW EXECUTE FUNCTION claims_event_immutable();
"""

EVENT_GUARD_REVERSE = """
DROP TRIGGER IF EXISTS claims_event_no_update_delete ON claims_event;
DROP FUNCTION IF EXISTS claims_event_immutable();
"""


def create_cache_table(apps, schema_editor):
    # The shared database cache needs its table wherever the schema exists, test databases too.
    from django.core.management import call_command

    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("claims", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(ensure_defaults, migrations.RunPython.noop),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
        migrations.RunSQL(EVENT_GUARD, EVENT_GUARD_REVERSE),
    ]
