"""The brief's emulation ladder (Law 06/2022), seeded as data DoST edits (by the migration, and again by
tests after a flushing test)."""

# code, name, English name, level, scope the initiative needs, lower title, consecutive years of it
LADDER = [
    ("cstd-co-so", "Chiến sĩ thi đua cơ sở", "Grassroots emulation champion", "unit", "unit", None, 0),
    ("cstd-thanh-pho", "Chiến sĩ thi đua thành phố", "City emulation champion", "city", "city", "cstd-co-so", 3),
    ("cstd-toan-quoc", "Chiến sĩ thi đua toàn quốc", "National emulation champion", "national", "national",
     "cstd-thanh-pho", 2),
]


def seed_ladder(titles) -> None:
    for position, (code, name, name_en, level, scope, lower, years) in enumerate(LADDER):
        titles.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "level": level, "needs_scope": scope, "consecutive_lower": years,
            "lower_title": titles.objects.filter(code=lower).first() if lower else None, "position": position})
