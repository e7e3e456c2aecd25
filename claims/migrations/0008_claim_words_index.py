"""An index on a desk claim's words, whatever their case and punctuation: import_claims looks up
strong matches for every imported row through it instead of folding every desk claim's text."""

from django.db import migrations

WORDS = "trim(regexp_replace(lower(quote), '[^[:alnum:]]+', ' ', 'g'))"


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_appearances_and_review_rounds")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX claim_desk_words ON claims_claim ({WORDS}) WHERE NOT imported",
            "DROP INDEX IF EXISTS claim_desk_words",
        ),
    ]
