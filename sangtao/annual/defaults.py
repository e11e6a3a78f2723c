"""The brief's defaults for the rules of annual plans, seeded by a data migration; DoST edits them in the admin.

No national template was found (brief §8): plans are monitored "định kỳ 6 tháng, hằng năm", so the
default calendar has a 6-month report and an annual report (due dates unverified, kept as data).
The external indicators are a starting list of PAR INDEX sub-criteria (QĐ 876/QĐ-BNV) and PII
indicators (QĐ 1705/QĐ-BKHCN) that ask for evidence of innovation; DoST completes it.
"""

# code, name, name_en, data up to the end of month, due month, due day, due next year, final
REPORT_PERIODS = [
    ("6-thang", "Báo cáo 6 tháng", "Six-month report", 6, 6, 20, False, False),
    ("nam", "Báo cáo năm", "Annual report", 12, 12, 15, False, True),
]

# index, code, name, name_en
EXTERNAL_INDICATORS = [
    ("par", "1.5", "Thực hiện các nhiệm vụ về cải cách hành chính; sáng kiến trong cải cách hành chính",
     "Administrative reform tasks; initiatives in administrative reform"),
    ("par", "5.4", "Chất lượng cung cấp dịch vụ công trực tuyến", "Quality of online public services"),
    ("par", "7.3", "Ứng dụng công nghệ thông tin, chuyển đổi số trong hoạt động của cơ quan",
     "IT and digital transformation in the agency's work"),
    ("par", "8.2", "Mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính",
     "Satisfaction of citizens and organisations with the administration's service"),
    ("pii", "1.1.1", "Thể chế, chính sách hỗ trợ đổi mới sáng tạo của địa phương",
     "Local institutions and policies supporting innovation"),
    ("pii", "1.3.2", "Chi cho khoa học, công nghệ và đổi mới sáng tạo từ ngân sách địa phương",
     "Local budget spending on science, technology and innovation"),
    ("pii", "3.2.1", "Ứng dụng công nghệ số trong quản lý nhà nước", "Digital technology in state management"),
    ("pii", "6.1.1", "Sản phẩm, giải pháp đổi mới sáng tạo được áp dụng", "Innovative products and solutions applied"),
]


def seed_defaults(ReportPeriod, ExternalIndicator) -> None:
    """Insert the defaults that are missing (safe to run again; rows DoST changed stay as they are)."""
    for position, (code, name, name_en, covers, month, day, next_year, final) in enumerate(REPORT_PERIODS, 1):
        ReportPeriod.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "covers_to_month": covers, "due_month": month, "due_day": day,
            "due_next_year": next_year, "is_final": final, "position": position})
    for index, code, name, name_en in EXTERNAL_INDICATORS:
        ExternalIndicator.objects.get_or_create(index=index, code=code, defaults={"name": name, "name_en": name_en})
