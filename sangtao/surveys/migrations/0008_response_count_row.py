"""A survey's count of responses moves from its row into a row of its own (ResponseCount): writers
update the count, and an import's foreign-key checks on the survey's row walk every version of that
row made while the import runs."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0007_web_response_ids'),
    ]

    operations = [
        migrations.CreateModel(
            name='ResponseCount',
            fields=[
                ('survey', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='surveys.survey')),
                ('responses', models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.RunSQL(
            "INSERT INTO surveys_responsecount (survey_id, responses) SELECT id, response_count FROM surveys_survey",
            "UPDATE surveys_survey SET response_count = COALESCE((SELECT responses FROM surveys_responsecount c "
            "WHERE c.survey_id = surveys_survey.id), 0)"),
        migrations.RemoveField(
            model_name='survey',
            name='response_count',
        ),
    ]
