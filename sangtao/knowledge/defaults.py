"""The defaults of the knowledge context's rules, seeded by a data migration; DoST edits them in the admin.

Word limits per section: the OECD OPSI case library asks for short, plain-language sections; the
exact limits of its current form were not verified, so these are a starting point kept as data.
Kinds of problem: a first list, completed by DoST.
"""

# key, word limit, guidance (vi), guidance (en)
SECTION_RULES = [
    ("summary", 300, "Tóm tắt tình huống bằng ngôn ngữ dễ hiểu: vấn đề, giải pháp, kết quả.",
     "Summarise the case in plain language: problem, innovation, results."),
    ("problem", 500, "Vấn đề gì, của ai, quy mô ra sao, vì sao cách làm cũ không giải quyết được.",
     "What problem, for whom, how large, why the old way did not solve it."),
    ("innovation", 500, "Giải pháp là gì và hoạt động thế nào.", "What the innovation is and how it works."),
    ("novelty", 300, "Điều gì là mới đối với cơ quan, địa phương.", "What is new to the organisation or place."),
    ("partners", 300, "Các đơn vị, tổ chức, người dân đã tham gia và vai trò của họ.",
     "Who took part and their roles."),
    ("beneficiaries", 300, "Ai sử dụng giải pháp, ai được hưởng lợi.", "Who uses it, who benefits."),
    ("results", 500, "Kết quả đo được (chỉ số, mức hài lòng); nếu chưa có, nêu kết quả dự kiến.",
     "Measured results (KPIs, satisfaction); if none yet, the expected results."),
    ("difficulties", 400, "Khó khăn, thất bại gặp phải và cách vượt qua.",
     "Challenges and failures met, and how they were overcome."),
    ("conditions", 300, "Những điều kiện cần có để thành công.", "The conditions needed for success."),
    ("replication", 300, "Đơn vị khác có thể áp dụng lại thế nào.", "How another unit could replicate it."),
    ("lessons", 400, "Bài học rút ra (từ các buổi rút kinh nghiệm).", "Lessons learned (from after-action reviews)."),
    ("materials", 200, "Tài liệu, hình ảnh, đường dẫn kèm theo, mỗi mục có mô tả.",
     "Materials, images, links, each described."),
]

# code, name, name_en
PROBLEM_KINDS = [
    ("thu-tuc", "Thủ tục rườm rà, nhiều bước", "Burdensome procedures"),
    ("thoi-gian-cho", "Thời gian chờ đợi, quá tải", "Waiting times and overload"),
    ("du-lieu", "Dữ liệu phân tán, không liên thông", "Scattered, unconnected data"),
    ("tiep-can", "Khó tiếp cận dịch vụ", "Access to services"),
    ("phoi-hop", "Phối hợp giữa các cơ quan", "Coordination between agencies"),
    ("nguon-luc", "Thiếu nguồn lực, kinh phí", "Lack of resources or budget"),
    ("moi-truong", "Môi trường, đô thị", "Environment and urban issues"),
    ("an-toan", "An toàn, an ninh trật tự", "Safety and public order"),
]


def seed_defaults(SectionRule, ProblemKind) -> None:
    """Insert the defaults that are missing (safe to run again; rows DoST changed stay as they are)."""
    for position, (key, limit, guidance, guidance_en) in enumerate(SECTION_RULES, 1):
        SectionRule.objects.get_or_create(key=key, defaults={
            "word_limit": limit, "guidance": guidance, "guidance_en": guidance_en, "position": position})
    for position, (code, name, name_en) in enumerate(PROBLEM_KINDS, 1):
        ProblemKind.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "position": position})
