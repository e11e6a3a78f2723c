"""The defaults of the brief, seeded as data DoST then edits: council rules, the B8 rubric, the checklist.

Takes the model classes as arguments so the data migration can pass its historical models.
"""

from decimal import Decimal

CRITERIA = [
    ("1", "Tính cấp thiết", "Urgency", Decimal(15)),
    ("2", "Tính khả thi", "Feasibility", Decimal(50)),
    ("3", "Hiệu quả và khả năng duy trì, nhân rộng", "Effectiveness and ability to sustain/replicate", Decimal(35)),
]
CHECKLIST = [
    ("Hồ sơ nộp đúng hạn, đủ thành phần theo yêu cầu", "Submitted on time with every required part"),
    ("Tổ chức có tư cách pháp nhân phù hợp", "The organisation has a suitable legal status"),
    ("Nội dung đề xuất đúng phạm vi bài toán", "The proposal is within the challenge's scope"),
    ("Dự toán kinh phí trong khung kinh phí của bài toán", "The budget is within the challenge's budget range"),
]


def seed_defaults(council_rules, rubric_model, criterion_model, eligibility_model) -> None:
    """Create the defaults where none exist yet; safe to run again."""
    if not council_rules.objects.filter(is_default=True).exists():
        council_rules.objects.create(name="Hội đồng tuyển chọn (mặc định)", is_default=True)
    if not rubric_model.objects.filter(is_default=True).exists():
        rubric = rubric_model.objects.create(name="Phiếu đánh giá B8-ĐGNV (100 điểm)", is_default=True)
        for position, (code, name, name_en, points) in enumerate(CRITERIA):
            criterion_model.objects.create(rubric=rubric, code=code, name=name, name_en=name_en, max_points=points,
                                           position=position)
    if not eligibility_model.objects.exists():
        for position, (text, text_en) in enumerate(CHECKLIST):
            eligibility_model.objects.create(text=text, text_en=text_en, position=position)
