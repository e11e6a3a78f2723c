"""The barometer asks the latest innovation's type (service, process, organisation, communication) as
items of its own, as the Danish Innovation Barometer does. A template written before had no such
item: it gets a new instrument version holding it (the survey engine's versioning: the running and
past rounds keep the version their answers were given to, the next round uses the new one)."""

from django.db import migrations

# Frozen here as the migration wrote them (instruments.BAROMETER holds the same rows).
LATEST_TYPE = [
    ("B_LATEST_SERVICE", "Đổi mới gần nhất của đơn vị thuộc loại nào (có thể nhiều loại)? Dịch vụ mới hoặc thay đổi?",
     "Of what type was the latest innovation (several may apply)? A new or changed service?"),
    ("B_LATEST_PROCESS", "… quy trình, cách làm việc?", "… a process?"),
    ("B_LATEST_ORG", "… cách tổ chức, quản lý?", "… organisation or management?"),
    ("B_LATEST_COMM", "… cách truyền thông, tương tác với người dân?", "… communication with citizens?"),
]


def add_latest_type(apps, schema_editor):
    TemplateInstrument = apps.get_model("capacity", "TemplateInstrument")
    InstrumentVersion = apps.get_model("surveys", "InstrumentVersion")
    Item = apps.get_model("surveys", "Item")
    template = TemplateInstrument.objects.filter(module="barometer").first()
    if template is None:
        return  # written on first use from instruments.BAROMETER, which has the items
    versions = InstrumentVersion.objects.filter(instrument_id=template.instrument_id)
    latest = versions.order_by("-number").first()
    if latest is None:
        return
    items = list(Item.objects.filter(version=latest).order_by("position", "id"))
    if any(item.code == LATEST_TYPE[0][0] for item in items):
        return
    version = InstrumentVersion.objects.create(instrument_id=template.instrument_id, number=versions.count() + 1,
                                               consent_text=latest.consent_text,
                                               consent_text_en=latest.consent_text_en)
    kinds = [i for i, item in enumerate(items) if item.code.startswith("B_TYPE_")]
    at = kinds[-1] + 1 if kinds else 0
    rows = [(i.code, i.element, i.measure, i.text, i.text_en) for i in items]
    rows[at:at] = [(code, None, "perception", text, text_en) for code, text, text_en in LATEST_TYPE]
    Item.objects.bulk_create(Item(version=version, code=code, element=element, measure=measure, text=text,
                                  text_en=text_en, position=position)
                             for position, (code, element, measure, text, text_en) in enumerate(rows))


class Migration(migrations.Migration):
    dependencies = [("capacity", "0003_transitions_append_only"), ("surveys", "0009_response_follow_up_consent")]
    operations = [migrations.RunPython(add_latest_type, migrations.RunPython.noop)]
