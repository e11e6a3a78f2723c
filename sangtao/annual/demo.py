"""Demo data of annual plans: departments and wards of Ho Chi Minh City with plans in every state,
reports approved, accepted and late (with their reminders and escalations), KPI values measured."""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sangtao.annual import services
from sangtao.annual.models import AdvisorySession, AnnualPlan, AnnualTask, ExternalIndicator, ReportPeriod

User = get_user_model()

# unit key, the state its plan of this year ends in, its tasks: (title, problem, service, field slug, facet, budget,
# source, norm, KPI (name, unit, baseline, target, measured at six months))
PLANS: list[tuple[str, str, list[tuple]]] = [
    ("soyte", "in_progress", [
        ("Phân luồng người bệnh bằng đặt lịch khám trực tuyến", "Người bệnh chờ 3-4 giờ tại các bệnh viện tuyến thành phố.",
         "Khám bệnh ngoại trú", "y-te", "enhancement", 850_000_000, "science", "Thông tư 03/2023/TT-BTC",
         ("Thời gian chờ khám trung bình", "phút", 190, 90, 140)),
        ("Hồ sơ sức khỏe điện tử liên thông trạm y tế phường", "Người dân phải mang giấy tờ, làm lại xét nghiệm.",
         "Chuyển tuyến khám chữa bệnh", "y-te", "mission", 1_200_000_000, "science", "Thông tư 03/2023/TT-BTC",
         ("Lượt chuyển tuyến có hồ sơ điện tử", "%", 12, 60, 31)),
    ]),
    ("26740", "in_progress", [  # Phường Sài Gòn: late with its 6-month report
        ("Một cửa số hóa hồ sơ hộ tịch", "Hồ sơ giấy lưu phân tán, tra cứu mất nhiều ngày.", "Đăng ký khai sinh, kết hôn",
         "thu-tuc-hanh-chinh", "enhancement", 150_000_000, "unit", "Nghị quyết 09/2023/NQ-HĐND",
         ("Thời gian giải quyết hồ sơ hộ tịch", "ngày", 5, 1, None)),
        ("Trợ lý ảo trả lời thủ tục hành chính", "Người dân gọi điện hỏi lại nhiều lần các thủ tục.", "Tư vấn thủ tục",
         "chuyen-doi-so", "adaptive", 0, "none", "", ("Tỷ lệ câu hỏi được trả lời tự động", "%", 0, 70, None)),
    ]),
    ("soxaydung", "consolidated", [
        ("Cấp phép xây dựng trên nền tảng GIS dùng chung", "Hồ sơ cấp phép tra cứu quy hoạch thủ công.",
         "Cấp giấy phép xây dựng", "quy-hoach-xay-dung", "mission", 2_000_000_000, "science", "Thông tư 03/2023/TT-BTC",
         ("Thời gian cấp phép trung bình", "ngày", 15, 7, 12)),
    ]),
    ("sogddt", "approved", [
        ("Tuyển sinh đầu cấp trực tuyến toàn trình", "Phụ huynh xếp hàng nộp hồ sơ tuyển sinh.", "Tuyển sinh lớp 1, lớp 6",
         "giao-duc", "enhancement", 300_000_000, "unit", "", ("Hồ sơ tuyển sinh nộp trực tuyến", "%", 40, 95, None)),
    ]),
    ("26809", "submitted", [
        ("Cảnh báo ngập qua tin nhắn cho người dân", "Người dân không biết trước các điểm ngập khi triều cường.",
         "Thông tin cảnh báo thiên tai", "chong-ngap", "anticipatory", 80_000_000, "socialised", "",
         ("Số điểm ngập có cảm biến", "điểm", 0, 12, None)),
    ]),
    ("27142", "draft", [
        ("Phản ánh hiện trường qua ứng dụng", "Phản ánh của người dân xử lý chậm, không phản hồi kết quả.",
         "Tiếp nhận phản ánh, kiến nghị", "chuyen-doi-so", "enhancement", 50_000_000, "unit", "",
         ("Thời gian phản hồi phản ánh", "giờ", 72, 24, None)),
    ]),
    ("sotaichinh", "dropped", [
        ("Thanh toán phí, lệ phí bằng mã QR tại bộ phận một cửa", "Người dân phải nộp tiền mặt.", "Thu phí, lệ phí",
         "chuyen-doi-so", "enhancement", 0, "none", "", ("Giao dịch không dùng tiền mặt", "%", 20, 80, None)),
    ]),
    ("sonoivu", "returned", [
        ("Đánh giá cán bộ bằng dữ liệu công việc", "Đánh giá cuối năm còn cảm tính.", "Quản lý cán bộ, công chức",
         "thu-tuc-hanh-chinh", "adaptive", 0, "none", "", ("Đơn vị áp dụng đánh giá theo dữ liệu", "đơn vị", 0, 10, None)),
    ]),
]


def _staff(key: str):
    if key == "soyte":
        return User.objects.get(username="officer"), User.objects.get(username="leader")
    if key == "26740":
        return User.objects.get(username="officer2"), User.objects.get(username="ld.26740")
    return User.objects.get(username=f"cv.{key}"), User.objects.get(username=f"ld.{key}")


def _task_data(task, fields):
    title, problem, service, field, facet, budget, source, norm, (kpi, uom, base, target, _m) = task
    return {"title": title, "problem": problem, "public_service": service, "field": fields.get(field), "facet": facet,
            "budget_vnd": budget, "budget_source": source, "spending_norm": norm, "person_in_charge": "",
            "partners": "Sở Khoa học và Công nghệ", "kpis": [{"name": kpi, "unit_of_measure": uom,
                                                                "baseline_value": base, "target_value": target}]}


def load_annual(units) -> int:
    """The plans of this year (and last year's, done) for the demo units; nothing twice."""
    from sangtao.annual.defaults import seed_defaults
    from sangtao.challenges.models import Field

    if AnnualPlan.objects.exists():
        return 0
    seed_defaults(ReportPeriod, ExternalIndicator)
    dost = User.objects.get(username="dost")
    fields = {f.slug: f for f in Field.objects.all()}
    year = timezone.localdate().year
    half, annual = ReportPeriod.objects.get(code="6-thang"), ReportPeriod.objects.get(code="nam")
    for key, state, tasks in PLANS:
        officer, leader = _staff(key)
        plan = services.create_plan(officer, units[key], year, f"Kế hoạch đổi mới sáng tạo năm {year}",
                                    f"Nhiệm vụ đổi mới sáng tạo trong quản lý nhà nước của {units[key].name}.")
        for task in tasks:
            data = _task_data(task, fields)
            data["person_in_charge"] = officer.display_name
            services.save_task(plan, officer, data)
        if state == "draft":
            continue
        plan = services.submit_plan(plan, officer)
        if state == "submitted":
            continue
        if state == "returned":
            services.return_plan(plan, leader, "Bổ sung chỉ số đo được và nguồn kinh phí.")
            continue
        plan = services.approve_plan(plan, leader)
        if state == "approved":
            continue
        plan = _consolidated_in_january(services.consolidate_plan(plan, dost))
        if state == "consolidated":
            continue
        if state == "dropped":
            services.drop_plan(plan, leader, "Nhiệm vụ đã được Sở Tài chính triển khai chung cho toàn thành phố.")
            continue
        plan = services.start_plan(plan, officer)
        if key == "26740":
            continue  # the late one: no 6-month report
        report = services.start_report(plan, officer, half)
        measured = [(k.pk, task[8][4], datetime.date(year, 6, 15), "Hệ thống thông tin của đơn vị")
                    for task, k in zip(tasks, [t.kpis.get() for t in plan.tasks.order_by("position")], strict=True)
                    if task[8][4] is not None]
        services.save_report(report, officer, "Các nhiệm vụ triển khai đúng kế hoạch; đã thí điểm tại 3 bệnh viện.",
                             "Chưa có định mức chi cho chuyên gia tư vấn.",
                             {t.pk: (50, "Đã thí điểm") for t in plan.tasks.all()}, measured)
        evidence = services.add_evidence(units[key], officer, SimpleUploadedFile(
            "ket-qua-thi-diem.pdf", b"%PDF-1.4\n% demo\n", content_type="application/pdf"),
            "Báo cáo kết quả thí điểm", list(ExternalIndicator.objects.filter(code__in=["1.5", "6.1.1"])), [report])
        services.submit_report(report, officer)
        services.approve_report(report, leader)
        services.accept_report(report, dost)
        draft = services.start_report(plan, officer, annual)
        services.cite_evidence(evidence, officer, draft)
    # Last year: the Department of Health's plan, done with its annual report.
    officer, leader = _staff("soyte")
    previous = _last_years_plan_under_way(units["soyte"], officer, leader, dost, PLANS[0][2][0], fields, year)
    for period in (half, annual):
        report = services.start_report(previous, officer, period)
        services.save_report(report, officer, "Hoàn thành nhiệm vụ.", "", {t.pk: (100, "") for t in previous.tasks.all()},
                             [(k.pk, 150 if period == half else 110, datetime.date(year - 1, period.covers_to_month, 28),
                               "Hệ thống thông tin bệnh viện") for k in previous.tasks.get().kpis.all()])
        for report_move, actor in (("submit", officer), ("approve", leader), ("accept", dost)):
            report = services.move_report(report, actor, report_move)
    services.complete_plan(previous, leader)
    # Phường Sài Gòn sent neither report of last year's plan: late whatever the day the demo is loaded
    # (this year's six-month report is late only once it is due, in June).
    officer, leader = _staff("26740")
    _last_years_plan_under_way(units["26740"], officer, leader, dost, PLANS[1][2][0], fields, year)
    # The late reports of Phường Sài Gòn: the reminders and the escalations they brought.
    services.remind_and_escalate_reports()
    _working_group_and_advice(units, dost, year)
    return AnnualPlan.objects.count()


def _working_group_and_advice(units, dost, year: int) -> None:
    """The Department of Health's working group, and its expert advice: one session held (its advice
    recorded), one asked and still waiting for DoST, so each state shows on the pages and homes."""
    officer, _leader = _staff("soyte")
    health = units["soyte"]
    services.save_working_group(health, officer, "125/QĐ-SYT", datetime.date(year, 1, 20),
                                "Đề xuất, theo dõi và báo cáo các nhiệm vụ đổi mới sáng tạo của ngành y tế.", [
                                    {"full_name": "Nguyễn Văn An", "job_title": "Phó Giám đốc Sở Y tế", "role": "lead"},
                                    {"full_name": "Lê Thị Thu", "job_title": "Trưởng phòng Kế hoạch - Tài chính",
                                     "role": "deputy"},
                                    {"full_name": officer.display_name, "job_title": "Chuyên viên", "role": "secretary"}])
    task = AnnualTask.objects.filter(plan__unit=health, plan__year=year).order_by("position").first()
    held = services.request_advice(officer, health, "Số hóa hồ sơ bệnh án giấy",
                                   "Các bệnh viện còn khoảng 200.000 hồ sơ giấy; nên ưu tiên số hóa loại nào trước?", task)
    held = services.schedule_session(held, dost, timezone.now() + datetime.timedelta(hours=1),
                                     "Phòng họp Sở KH&CN, 244 Điện Biên Phủ", "TS. Nguyễn Văn Minh (lưu trữ số)")
    AdvisorySession.objects.filter(pk=held.pk).update(scheduled_for=timezone.now() - datetime.timedelta(days=3))
    held.refresh_from_db()
    services.record_session(held, dost, "Ưu tiên hồ sơ của bệnh nhân đang điều trị ngoại trú dài hạn; số hóa theo "
                                        "lượt khám, không theo kho; đo thời gian tra cứu trước và sau.")
    services.request_advice(officer, health, "Trợ lý ảo đặt lịch khám",
                            "Nên dùng kịch bản cố định hay mô hình ngôn ngữ cho 30 câu hỏi thường gặp?")


def _last_years_plan_under_way(unit, officer, leader, dost, task, fields, year: int) -> AnnualPlan:
    plan = services.create_plan(officer, unit, year - 1, f"Kế hoạch đổi mới sáng tạo năm {year - 1}")
    services.save_task(plan, officer, _task_data(task, fields) | {"person_in_charge": officer.display_name})
    for action, actor in ((services.submit_plan, officer), (services.approve_plan, leader),
                          (services.consolidate_plan, dost), (services.start_plan, officer)):
        plan = action(plan, actor)
        if action is services.consolidate_plan:
            plan = _consolidated_in_january(plan)
    return plan


def _consolidated_in_january(plan: AnnualPlan) -> AnnualPlan:
    """The demo is loaded on any day of the year: its plans were taken in by DoST in January, as a city's
    are, so they owe the reports that fell due since (a unit owes none due before its plan was consolidated)."""
    plan.consolidated_at = datetime.datetime(plan.year, 1, 12, 9, tzinfo=timezone.get_current_timezone())
    AnnualPlan.objects.filter(pk=plan.pk).update(consolidated_at=plan.consolidated_at)
    return plan
