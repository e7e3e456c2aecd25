import django.contrib.postgres.indexes
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without blocking writes: on a large archive the index takes a while.
    atomic = False

    dependencies = [
        ('claims', '0018_public_by_speaker'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='claim',
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(('imported', False), ('status__in', ('published', 'retracted'))),
                fields=['search_vector'], name='claim_public_search_gin'),
        ),
    ]
