"""The three capacity instruments as data for the survey engine: written into its instruments
once (ensure_templates), then edited and versioned there like the SIPAS instrument.

Codes carry the meaning the capacity numbers use:
- Barometer (a workplace's managers): yes/no items, stored as 5 (yes) and 1 (no), so the engine's
  count of positive answers is the count of "yes". The four kinds of innovation (B_TYPE_*) are
  grouped as one element, so their answers are also summed per respondent (clustered variance).
  The latest innovation's type (B_LATEST_*) is asked apart from them, outside the score; templates
  written before it existed get it as a new version (migration capacity 0004).
- Climate (staff): Likert 1-5; C1-C3 are the US federal employee survey's innovation items
  (element 1); further items go in element 2 and do not enter the score.
- Determinants (staff self-assessment): Likert 1-5; D_<determinant>_<level>, element = determinant.
"""

from django.db import transaction

from sangtao.capacity.models import Module, TemplateInstrument
from sangtao.core.audit import record
from sangtao.surveys.models import Instrument, InstrumentVersion, Item, Measure

YES, NO = 5, 1
TYPE_ELEMENT = 1
FEVS_ELEMENT, MORE_CLIMATE_ELEMENT = 1, 2
INNOVATION_TYPES = ("B_TYPE_SERVICE", "B_TYPE_PROCESS", "B_TYPE_ORG", "B_TYPE_COMM")
LATEST_TYPES = ("B_LATEST_SERVICE", "B_LATEST_PROCESS", "B_LATEST_ORG", "B_LATEST_COMM")
FEVS_ITEMS = ("C1", "C2", "C3")
DETERMINANTS = {1: ("purpose", "Mục đích", "Purpose"), 2: ("potential", "Tiềm năng", "Potential"),
                3: ("capacity", "Năng lực", "Capacity"), 4: ("impact", "Tác động", "Impact")}
LEVELS = {"I": ("cá nhân", "individual"), "O": ("tổ chức", "organisational"), "S": ("hệ thống", "system")}

# (code, element, Vietnamese, English); element None: a yes/no item outside the kinds of innovation.
BAROMETER = [
    ("B_TYPE_SERVICE", TYPE_ELEMENT, "Trong 2 năm qua, đơn vị có đưa vào dịch vụ mới hoặc thay đổi đáng kể dịch vụ?",
     "In the last two years, did the workplace introduce new or significantly changed services?"),
    ("B_TYPE_PROCESS", TYPE_ELEMENT, "… quy trình, cách làm việc mới hoặc thay đổi đáng kể?",
     "… new or significantly changed processes?"),
    ("B_TYPE_ORG", TYPE_ELEMENT, "… cách tổ chức, quản lý mới hoặc thay đổi đáng kể?",
     "… new or significantly changed organisation or management?"),
    ("B_TYPE_COMM", TYPE_ELEMENT, "… cách truyền thông, tương tác với người dân mới hoặc thay đổi đáng kể?",
     "… new or significantly changed communication with citizens?"),
    # The latest innovation's type, asked apart from the four kinds above (several may apply).
    ("B_LATEST_SERVICE", None,
     "Đổi mới gần nhất của đơn vị thuộc loại nào (có thể nhiều loại)? Dịch vụ mới hoặc thay đổi?",
     "Of what type was the latest innovation (several may apply)? A new or changed service?"),
    ("B_LATEST_PROCESS", None, "… quy trình, cách làm việc?", "… a process?"),
    ("B_LATEST_ORG", None, "… cách tổ chức, quản lý?", "… organisation or management?"),
    ("B_LATEST_COMM", None, "… cách truyền thông, tương tác với người dân?", "… communication with citizens?"),
    ("B_COPIED", None, "Đổi mới gần nhất có học hỏi, điều chỉnh từ nơi khác không?",
     "Was the latest innovation copied or adapted from elsewhere?"),
    ("B_INIT_MGMT", None, "Đổi mới gần nhất do lãnh đạo đơn vị khởi xướng?", "Was it initiated by management?"),
    ("B_INIT_STAFF", None, "… do cán bộ, công chức khởi xướng?", "… by staff?"),
    ("B_INIT_CITIZEN", None, "… từ người dân, doanh nghiệp?", "… by citizens or businesses?"),
    ("B_INIT_POLITICAL", None, "… theo yêu cầu của cấp trên, cấp ủy?", "… by political or higher-level decision?"),
    ("B_PARTNER_PUBLIC", None, "Có hợp tác với cơ quan nhà nước khác?", "Were other public bodies partners?"),
    ("B_PARTNER_PRIVATE", None, "Có hợp tác với doanh nghiệp?", "Were private companies partners?"),
    ("B_PARTNER_RESEARCH", None, "Có hợp tác với viện, trường?", "Were research or education bodies partners?"),
    ("B_FUND_EXTERNAL", None, "Có dùng kinh phí ngoài ngân sách thường xuyên?",
     "Was it funded beyond the regular budget?"),
    ("B_VAL_QUALITY", None, "Đổi mới nâng cao chất lượng?", "Did it create value: higher quality?"),
    ("B_VAL_EFFICIENCY", None, "… hiệu quả, tiết kiệm?", "… efficiency?"),
    ("B_VAL_STAFF", None, "… sự hài lòng của cán bộ?", "… staff satisfaction?"),
    ("B_VAL_CITIZEN", None, "… sự tham gia của người dân?", "… citizen involvement?"),
    ("B_VAL_POLITICAL", None, "… thực hiện mục tiêu chính sách?", "… political goals?"),
    ("B_EVALUATED", None, "Đổi mới gần nhất có được đánh giá kết quả?", "Was the latest innovation evaluated?"),
    ("B_SPREAD", None, "Có được nhân rộng sang đơn vị khác?", "Did it spread to other workplaces?"),
    ("B_DRIVER_DIGITAL", None, "Chuyển đổi số là động lực chính?", "Was digital technology a main driver?"),
    ("B_BARRIER_RESOURCES", None, "Thiếu nguồn lực là rào cản chính?", "Was lack of resources a main barrier?"),
    ("B_BARRIER_RULES", None, "Quy định pháp lý là rào cản chính?", "Were rules and regulations a main barrier?"),
]
CLIMATE = [
    ("C1", FEVS_ELEMENT, "Tôi được khuyến khích đưa ra những cách làm mới và tốt hơn.",
     "I feel encouraged to come up with new and better ways of doing things."),
    ("C2", FEVS_ELEMENT, "Sáng tạo và đổi mới được khen thưởng.", "Creativity and innovation are rewarded."),
    ("C3", FEVS_ELEMENT, "Tôi luôn tìm cách làm tốt hơn công việc của mình.",
     "I am constantly looking for ways to do my job better."),
]
DETERMINANT_TEXTS = {
    "purpose": ("Ở cấp {vi}, lý do và mục tiêu đổi mới được xác định rõ.",
                "At the {en} level, why and what to innovate is clear."),
    "potential": ("Ở cấp {vi}, có cơ hội và sự cho phép để thử cách làm mới.",
                  "At the {en} level, there is the opportunity and permission to try new ways."),
    "capacity": ("Ở cấp {vi}, có đủ kỹ năng, thời gian và nguồn lực để đổi mới.",
                 "At the {en} level, the skills, time and resources to innovate are there."),
    "impact": ("Ở cấp {vi}, kết quả đổi mới được đo lường và học hỏi.",
               "At the {en} level, the results of innovation are measured and learnt from."),
}
CONSENT = ("Phiếu khảo sát ẩn danh về năng lực đổi mới sáng tạo của đơn vị. Mã mời chỉ dùng một lần và không được "
           "lưu cùng câu trả lời; kết quả của nhóm dưới số người tối thiểu không được công bố. Tiếp tục là "
           "Ông/Bà đồng ý tham gia.")
CONSENT_EN = ("An anonymous survey of your workplace's innovation capacity. The invitation code works once and is "
              "not stored with your answers; results of groups below the minimum number of respondents are never "
              "shown. By continuing you agree to take part.")
NAMES: dict[str, str] = {Module.BAROMETER: "Phong vũ biểu đổi mới nơi làm việc", Module.CLIMATE: "Môi trường đổi mới",
         Module.DETERMINANTS: "Tự đánh giá năng lực đổi mới (OECD)"}


def determinant_items() -> list[tuple]:
    rows = []
    for element, (key, _vi, _en) in DETERMINANTS.items():
        for level, (vi, en) in LEVELS.items():
            text, text_en = DETERMINANT_TEXTS[key]
            rows.append((f"D_{key.upper()}_{level}", element, text.format(vi=vi), text_en.format(en=en)))
    return rows


def template_rows(module: str) -> list[tuple]:
    rows: dict[str, list[tuple]] = {Module.BAROMETER: BAROMETER, Module.CLIMATE: CLIMATE,
                                    Module.DETERMINANTS: determinant_items()}
    return rows[module]


def ensure_templates(actor) -> dict[str, Instrument]:
    """The module -> instrument map, writing the templates into the survey engine the first time."""
    found = {t.module: t.instrument for t in TemplateInstrument.objects.select_related("instrument")}
    missing = [module for module in Module.values if module not in found]
    if not missing:
        return found
    with transaction.atomic():
        for module in missing:
            instrument = Instrument.objects.create(name=NAMES[module], created_by=actor)
            version = InstrumentVersion.objects.create(instrument=instrument, number=1, consent_text=CONSENT,
                                                       consent_text_en=CONSENT_EN)
            measure_of = (lambda element: Measure.SATISFACTION if element else Measure.PERCEPTION) \
                if module == Module.BAROMETER else (lambda element: Measure.SATISFACTION)
            Item.objects.bulk_create(Item(version=version, code=code, element=element, measure=measure_of(element),
                                          text=text, text_en=text_en, position=position)
                                     for position, (code, element, text, text_en) in enumerate(template_rows(module)))
            TemplateInstrument.objects.create(module=module, instrument=instrument)
            record(actor, "capacity.template_created", instrument, module=module)
            found[module] = instrument
    return found


def latest_version(instrument: Instrument) -> InstrumentVersion:
    return instrument.versions.order_by("-number")[0]
