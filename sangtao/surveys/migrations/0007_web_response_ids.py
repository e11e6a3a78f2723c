"""Web responses stored without a response id get the one the export has named them by (ST<id>),
so that an export taken before this migration, imported again into its survey, adds nothing too.
A web response whose name an imported response already holds (such an export was imported) is
left without one: the export still names it ST<id>."""

from django.db import migrations

NAMED = ("UPDATE surveys_response SET external_id = 'ST' || id WHERE external_id IS NULL AND NOT EXISTS "
         "(SELECT 1 FROM surveys_response other WHERE other.survey_id = surveys_response.survey_id "
         "AND other.external_id = 'ST' || surveys_response.id)")
UNNAMED = "UPDATE surveys_response SET external_id = NULL WHERE source = 'web' AND external_id = 'ST' || id"


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0006_key_indexes_dropped'),
    ]

    operations = [migrations.RunSQL(NAMED, UNNAMED)]
