"""The brief's defaults (Decree 13/2012, Law 06/2022), as data DoST edits; and on PostgreSQL the
database refuses changes to the append-only tables."""

from django.db import migrations

from sangtao.core.chain import refuse_changes

# code, name, English name, level, scope the initiative needs, lower title, consecutive years of it
LADDER = [
    ("cstd-co-so", "Chiến sĩ thi đua cơ sở", "Grassroots emulation champion", "unit", "unit", None, 0),
    ("cstd-thanh-pho", "Chiến sĩ thi đua thành phố", "City emulation champion", "city", "city", "cstd-co-so", 3),
    ("cstd-toan-quoc", "Chiến sĩ thi đua toàn quốc", "National emulation champion", "national", "national",
     "cstd-thanh-pho", 2),
]


def seed(apps, schema_editor):
    rules = apps.get_model("initiatives", "InitiativeRules")
    if not rules.objects.filter(is_default=True).exists():
        rules.objects.create(name="Quy tắc sáng kiến (Nghị định 13/2012/NĐ-CP)", is_default=True)
    titles = apps.get_model("initiatives", "EmulationTitle")
    for position, (code, name, name_en, level, scope, lower, years) in enumerate(LADDER):
        titles.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "level": level, "needs_scope": scope, "consecutive_lower": years,
            "lower_title": titles.objects.filter(code=lower).first() if lower else None, "position": position})


class Migration(migrations.Migration):

    dependencies = [
        ("initiatives", "0001_initial"),
        ("core", "0003_append_only_triggers"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        refuse_changes("initiatives_initiativetransition", "initiatives_vote", "initiatives_counciltransition"),
    ]
