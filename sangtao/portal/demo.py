"""Demo data: real HCMC units, demo accounts and challenges in every workflow state.

Loading is idempotent: units match by code, users by username, challenges by title.
Challenges are driven through the real services so their history is genuine.
"""

import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sangtao.challenges import services
from sangtao.challenges.models import Challenge, Facet, Field, SelectionMode, Status
from sangtao.orgs.importer import import_admin_units
from sangtao.orgs.models import Membership, OrgUnit, Role, UnitKind

User = get_user_model()
PASSWORD = "demo12345"  # noqa: S105 -- the documented demo password
HCMC = "79"

FIELDS = [
    ("y-te", "Y tế", "Health"),
    ("giao-thong", "Giao thông", "Transport"),
    ("chong-ngap", "Chống ngập và thoát nước", "Flood control and drainage"),
    ("moi-truong", "Môi trường", "Environment"),
    ("thu-tuc-hanh-chinh", "Thủ tục hành chính", "Administrative procedures"),
    ("giao-duc", "Giáo dục", "Education"),
    ("chuyen-doi-so", "Chuyển đổi số", "Digital transformation"),
    ("quy-hoach-xay-dung", "Quy hoạch và xây dựng", "Planning and construction"),
]

DEPARTMENTS = [
    ("soyte", "Sở Y tế", "Department of Health"),
    ("soxaydung", "Sở Xây dựng", "Department of Construction"),
    ("sonnmt", "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment"),
    ("sogddt", "Sở Giáo dục và Đào tạo", "Department of Education and Training"),
    ("sonoivu", "Sở Nội vụ", "Department of Home Affairs"),
    ("sotaichinh", "Sở Tài chính", "Department of Finance"),
    ("sovhtt", "Sở Văn hóa và Thể thao", "Department of Culture and Sports"),
]

DISSOLVED = [
    ("760", "Quận 1", ["26740", "26737", "26743", "26758"]),
    ("770", "Quận 3", ["27139", "27142", "27154"]),
    ("769", "Thành phố Thủ Đức", ["26824", "26809", "26800", "26803", "26833", "26842", "26848",
                                  "26857", "26860", "27094", "27097", "27112"]),
]

# (owner, field, title, title_en, problem, indicator (name, unit, baseline, target), tags)
TOPICS = [
    ("soyte", "y-te", "Giảm thời gian chờ khám tại bệnh viện tuyến thành phố", "Cutting waiting times at city hospitals",
     "Người bệnh chờ trung bình 3-4 giờ từ lúc lấy số đến khi gặp bác sĩ; quy trình đăng ký, thanh toán và cận lâm sàng còn rời rạc.",
     ("Thời gian chờ khám trung bình", "phút", 190, 60), ["bệnh viện", "hàng chờ"]),
    ("soyte", "y-te", "Kết nối hồ sơ sức khỏe điện tử giữa trạm y tế phường và bệnh viện", "Linking electronic health records between ward clinics and hospitals",
     "Hồ sơ sức khỏe tại trạm y tế phường, xã chưa liên thông với bệnh viện, người dân phải mang giấy tờ và làm lại xét nghiệm.",
     ("Tỷ lệ lượt chuyển tuyến có hồ sơ điện tử", "%", 12, 80), ["hồ sơ sức khỏe", "liên thông"]),
    ("soyte", "y-te", "Cảnh báo sớm sốt xuất huyết theo dữ liệu thời tiết và ca bệnh", "Early warning of dengue from weather and case data",
     "Dịch sốt xuất huyết bùng phát theo mùa; việc khoanh vùng phun hóa chất thường chậm 1-2 tuần so với diễn biến ca bệnh.",
     ("Số ngày từ ca bệnh đầu tiên đến khi khoanh vùng", "ngày", 10, 3), ["sốt xuất huyết", "dự báo"]),
    ("soyte", "y-te", "Quản lý bệnh nhân tăng huyết áp và đái tháo đường tại cộng đồng", "Community management of hypertension and diabetes",
     "Nhiều người bệnh mạn tính bỏ điều trị; trạm y tế thiếu công cụ nhắc lịch và theo dõi chỉ số tại nhà.",
     ("Tỷ lệ người bệnh được quản lý điều trị", "%", 45, 75), ["bệnh mạn tính", "y tế cơ sở"]),
    ("soyte", "y-te", "Điều phối cấp cứu ngoại viện 115 theo thời gian thực", "Real-time coordination of 115 emergency ambulances",
     "Xe cấp cứu 115 mất nhiều thời gian tiếp cận hiện trường do ùn tắc và thiếu thông tin giường trống tại bệnh viện.",
     ("Thời gian tiếp cận hiện trường trung bình", "phút", 25, 15), ["cấp cứu", "115"]),
    ("soxaydung", "giao-thong", "Điều khiển đèn tín hiệu thích ứng tại các nút giao ùn tắc", "Adaptive traffic signal control at congested junctions",
     "Chu kỳ đèn tín hiệu cố định không phản ánh lưu lượng thực tế giờ cao điểm, gây ùn tắc kéo dài trên các trục hướng tâm.",
     ("Thời gian đi qua nút giao giờ cao điểm", "phút", 14, 8), ["đèn tín hiệu", "ùn tắc"]),
    ("soxaydung", "giao-thong", "Tăng tỷ lệ người dân sử dụng xe buýt và metro", "Raising bus and metro ridership",
     "Tỷ lệ đáp ứng nhu cầu đi lại bằng vận tải công cộng còn thấp; kết nối giữa metro, xe buýt và xe đạp công cộng chưa thuận tiện.",
     ("Tỷ lệ chuyến đi bằng vận tải công cộng", "%", 9, 15), ["xe buýt", "metro"]),
    ("soxaydung", "giao-thong", "Quản lý đỗ xe thông minh tại khu trung tâm", "Smart parking management in the city centre",
     "Thiếu thông tin chỗ đỗ trống khiến phương tiện chạy vòng tìm chỗ đỗ, chiếm lòng đường và vỉa hè.",
     ("Thời gian tìm chỗ đỗ trung bình", "phút", 18, 6), ["đỗ xe", "trung tâm"]),
    ("soxaydung", "quy-hoach-xay-dung", "Hệ thống GIS dùng chung cho quy hoạch, tài nguyên và xây dựng", "A shared GIS for planning, resources and construction",
     "Dữ liệu quy hoạch, đất đai và công trình nằm ở nhiều hệ thống khác nhau, người dân và doanh nghiệp khó tra cứu thông tin quy hoạch.",
     ("Tỷ lệ hồ sơ cấp phép tra cứu quy hoạch trực tuyến", "%", 20, 90), ["GIS", "InnoBuild"]),
    ("soxaydung", "quy-hoach-xay-dung", "Cấp phép xây dựng nhà ở riêng lẻ trong 7 ngày", "Individual housing permits in seven days",
     "Thời gian cấp phép xây dựng nhà ở riêng lẻ thực tế vượt quy định, hồ sơ phải bổ sung nhiều lần do thiếu hướng dẫn rõ ràng.",
     ("Thời gian cấp phép trung bình", "ngày", 21, 7), ["cấp phép", "nhà ở"]),
    ("sonnmt", "chong-ngap", "Dự báo ngập theo thời gian thực cho các tuyến đường trọng điểm", "Real-time flood forecasting for key streets",
     "Mưa lớn kết hợp triều cường gây ngập sâu trên nhiều tuyến đường; người dân không được cảnh báo trước để chọn lộ trình.",
     ("Số điểm ngập được cảnh báo trước ít nhất 30 phút", "điểm", 5, 60), ["ngập", "triều cường"]),
    ("sonnmt", "chong-ngap", "Giám sát mực nước và vận hành cống ngăn triều tự động", "Monitoring water levels and automating tide gates",
     "Các cống ngăn triều vận hành thủ công, phản ứng chậm khi triều lên nhanh vào ban đêm.",
     ("Tỷ lệ cống vận hành tự động", "%", 10, 70), ["cống", "mực nước"]),
    ("sonnmt", "chong-ngap", "Tăng khả năng thấm nước đô thị bằng giải pháp dựa vào thiên nhiên", "Nature-based solutions for urban water absorption",
     "Bê tông hóa làm giảm diện tích thấm, nước mưa dồn nhanh vào hệ thống cống gây quá tải.",
     ("Diện tích bề mặt thấm nước tăng thêm", "ha", 0, 40), ["thấm nước", "hồ điều tiết"]),
    ("sonnmt", "moi-truong", "Giảm ô nhiễm không khí từ giao thông tại khu vực trung tâm", "Reducing traffic air pollution in the centre",
     "Nồng độ bụi mịn PM2.5 vượt ngưỡng khuyến cáo nhiều ngày trong năm, chưa có mạng quan trắc đủ dày để xác định nguồn.",
     ("Số ngày PM2.5 vượt quy chuẩn", "ngày/năm", 85, 40), ["bụi mịn", "không khí"]),
    ("sonnmt", "moi-truong", "Phân loại rác tại nguồn ở khu dân cư", "Household waste sorting at source",
     "Tỷ lệ hộ gia đình phân loại rác còn thấp; rác sau phân loại bị gom chung, làm người dân mất niềm tin.",
     ("Tỷ lệ hộ phân loại rác đúng", "%", 15, 60), ["rác thải", "phân loại"]),
    ("sonnmt", "moi-truong", "Giám sát xả thải kênh rạch bằng cảm biến và dữ liệu cộng đồng", "Monitoring canal discharges with sensors and citizen reports",
     "Kênh rạch nội đô bị ô nhiễm do xả thải trái phép, việc phát hiện phụ thuộc vào kiểm tra định kỳ.",
     ("Số vụ xả thải phát hiện trong 24 giờ", "vụ/quý", 3, 30), ["kênh rạch", "xả thải"]),
    ("sonoivu", "thu-tuc-hanh-chinh", "Giảm số lần đi lại của người dân khi làm thủ tục hành chính", "Fewer trips for citizens doing administrative procedures",
     "Người dân phải đến bộ phận một cửa nhiều lần vì hồ sơ thiếu, chưa tận dụng dữ liệu dân cư đã có.",
     ("Số lần đi lại trung bình cho một hồ sơ", "lần", 2.6, 1.2), ["một cửa", "dữ liệu dân cư"]),
    ("sonoivu", "thu-tuc-hanh-chinh", "Nâng mức độ hài lòng với phục vụ hành chính (SIPAS)", "Raising satisfaction with administrative services (SIPAS)",
     "Chỉ số hài lòng của người dân về tiếp nhận và xử lý phản ánh kiến nghị thấp hơn các yếu tố khác.",
     ("Chỉ số SIPAS yếu tố tiếp nhận, xử lý phản ánh", "%", 74, 88), ["SIPAS", "hài lòng"]),
    ("sonoivu", "thu-tuc-hanh-chinh", "Trợ lý ảo hướng dẫn thủ tục hành chính bằng tiếng Việt", "A Vietnamese virtual assistant for administrative procedures",
     "Tổng đài và bộ phận một cửa quá tải vào mùa cao điểm; câu hỏi lặp lại chiếm phần lớn thời gian của công chức.",
     ("Tỷ lệ câu hỏi được trả lời tự động chính xác", "%", 0, 70), ["trợ lý ảo", "hướng dẫn"]),
    ("sotaichinh", "thu-tuc-hanh-chinh", "Rút ngắn thời gian thanh toán vốn đầu tư công", "Faster payments for public investment",
     "Hồ sơ thanh toán vốn đầu tư công luân chuyển giấy giữa nhiều cơ quan, giải ngân chậm so với kế hoạch.",
     ("Thời gian xử lý hồ sơ thanh toán", "ngày", 12, 4), ["đầu tư công", "giải ngân"]),
    ("sogddt", "giao-duc", "Tuyển sinh đầu cấp trực tuyến minh bạch", "Transparent online school admissions",
     "Phụ huynh xếp hàng nộp hồ sơ tuyển sinh lớp 1 và lớp 6; tiêu chí phân tuyến chưa được công khai dễ tra cứu.",
     ("Tỷ lệ hồ sơ tuyển sinh nộp trực tuyến", "%", 35, 95), ["tuyển sinh", "trường học"]),
    ("sogddt", "giao-duc", "Giảm áp lực sĩ số tại các trường vùng đô thị hóa nhanh", "Easing class sizes in fast-growing areas",
     "Các phường giáp ranh tăng dân số nhanh, sĩ số nhiều lớp vượt chuẩn; thiếu dự báo nhu cầu chỗ học theo khu dân cư.",
     ("Số lớp vượt sĩ số chuẩn", "lớp", 420, 150), ["sĩ số", "dự báo dân số"]),
    ("sogddt", "giao-duc", "Học liệu số dùng chung cho giáo viên", "Shared digital learning materials for teachers",
     "Giáo viên tự soạn học liệu số trùng lặp, chất lượng không đồng đều, khó chia sẻ giữa các trường.",
     ("Số học liệu được thẩm định dùng chung", "học liệu", 300, 5000), ["học liệu", "giáo viên"]),
    ("sovhtt", "chuyen-doi-so", "Số hóa di sản và thiết chế văn hóa cơ sở", "Digitising heritage and community cultural venues",
     "Thông tin di tích, nhà văn hóa, lịch sự kiện phân tán, người dân và du khách khó tiếp cận.",
     ("Số di tích có hồ sơ số hóa 3D", "di tích", 8, 60), ["di sản", "văn hóa"]),
    ("sonoivu", "chuyen-doi-so", "Dùng chung dữ liệu giữa các sở để không thu thập lại giấy tờ", "Sharing data between departments so papers are not collected twice",
     "Nhiều sở yêu cầu lại giấy tờ mà cơ sở dữ liệu quốc gia đã có, trái yêu cầu của Luật Dữ liệu.",
     ("Số thủ tục không yêu cầu nộp lại giấy tờ đã có", "thủ tục", 40, 300), ["dữ liệu", "liên thông"]),
]

WARD_TOPICS = [
    ("Phản ánh hiện trường của người dân được xử lý trong 48 giờ", "Citizen reports resolved within 48 hours",
     "Phản ánh về vỉa hè, chiếu sáng, rác thải qua ứng dụng và đường dây nóng được chuyển nhiều cấp, xử lý chậm.",
     ("Tỷ lệ phản ánh xử lý trong 48 giờ", "%", 55, 90), "thu-tuc-hanh-chinh", ["phản ánh", "đô thị"]),
    ("Chống ngập cục bộ tại các hẻm trũng", "Fixing local flooding in low-lying alleys",
     "Nhiều hẻm trũng ngập sau mỗi trận mưa trên 40 mm, nước rút chậm do cống nhỏ và bị lấn chiếm.",
     ("Số hẻm thường xuyên ngập", "hẻm", 24, 5), "chong-ngap", ["hẻm", "ngập"]),
    ("Chăm sóc người cao tuổi sống một mình", "Care for older people living alone",
     "Số người cao tuổi sống một mình tăng, thiếu cơ chế theo dõi sức khỏe và kết nối tình nguyện viên.",
     ("Số người cao tuổi được thăm hỏi định kỳ", "người", 120, 600), "y-te", ["người cao tuổi", "cộng đồng"]),
    ("Đăng ký hộ tịch trực tuyến toàn trình", "Fully online civil registration",
     "Đăng ký khai sinh, kết hôn vẫn cần nộp bản giấy; người dân phải đến trụ sở ít nhất một lần.",
     ("Tỷ lệ hồ sơ hộ tịch giải quyết trực tuyến toàn trình", "%", 30, 85), "chuyen-doi-so", ["hộ tịch", "dịch vụ công"]),
]

WARDS = ["26740", "26809", "27142", "26732", "25760"]

# How many challenges end in each state (45 in all, every state represented).
STATE_PLAN = (
    [Status.PUBLISHED] * 12 + [Status.CLOSED] * 5 + [Status.DRAFT] * 4 + [Status.UNIT_REVIEW] * 4
    + [Status.DOST_REVIEW] * 4 + [Status.APPROVED] * 4 + [Status.REJECTED] * 4
    + [Status.WITHDRAWN] * 4 + [Status.CANCELLED] * 4
)
PATHS = {
    Status.DRAFT: [],
    Status.UNIT_REVIEW: ["submit"],
    Status.DOST_REVIEW: ["submit", "unit_approve"],
    Status.APPROVED: ["submit", "unit_approve", "approve"],
    Status.PUBLISHED: ["submit", "unit_approve", "approve", "publish"],
    Status.CLOSED: ["submit", "unit_approve", "approve", "publish", "close"],
    Status.REJECTED: ["submit", "unit_approve", "reject"],
    Status.WITHDRAWN: ["submit", "withdraw"],
    Status.CANCELLED: ["submit", "unit_approve", "approve", "publish", "cancel"],
}
REASONS = {
    "reject": "Trùng phạm vi với nhiệm vụ đang triển khai của thành phố; đề nghị phối hợp với đơn vị chủ trì hiện có.",
    "cancel": "Thành phố đã bố trí nguồn lực giải quyết theo chương trình khác.",
    "close": "Hết hạn nhận hồ sơ.",
    "withdraw": "Đơn vị rút để bổ sung số liệu hiện trạng.",
}


def _user(username, email, full_name, memberships=(), superuser=False):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=email, full_name=full_name, is_staff=superuser, is_superuser=superuser)
        user.set_password(PASSWORD)
        user.save()
    for role, unit in memberships:
        Membership.objects.get_or_create(user=user, role=role, unit=unit)
    return user


def _unit(kind, code, name, name_en="", parent=None, **extra):
    unit, _created = OrgUnit.objects.get_or_create(
        kind=kind, code=code, defaults={"name": name, "name_en": name_en, "parent": parent, **extra}
    )
    return unit


def load_units():
    import_admin_units(_data_file(), {HCMC})
    city = OrgUnit.objects.get(kind=UnitKind.PROVINCE, code=HCMC)
    units = {"dost": _unit(UnitKind.DOST, "SKHCN", "Sở Khoa học và Công nghệ", "Department of Science and Technology", city)}
    for slug, name, name_en in DEPARTMENTS:
        units[slug] = _unit(UnitKind.DEPARTMENT, slug.upper(), name, name_en, city)
    for code, name, successor_codes in DISSOLVED:
        old = _unit(UnitKind.DISTRICT, code, name, parent=city, valid_to=datetime.date(2025, 6, 30))
        old.successors.set(OrgUnit.objects.filter(parent=city, code__in=successor_codes))
    units["solver_org"] = _unit(UnitKind.SOLVER, "0312345678", "Công ty Cổ phần Giải pháp Đô thị Xanh",
                                "Green Urban Solutions JSC")
    for code in WARDS:
        units[code] = OrgUnit.objects.get(parent=city, code=code)
    return units


def _data_file():
    return Path(settings.BASE_DIR) / "data" / "vn_admin_units_2025.csv"


def load_users(units):
    _user("dost", "dost@sangtao.local", "Trần Minh Khoa", [(Role.DOST_COORDINATOR, units["dost"])], superuser=True)
    _user("officer", "officer@sangtao.local", "Nguyễn Thị Hồng", [(Role.OFFICER, units["soyte"])])
    _user("leader", "leader@sangtao.local", "Lê Văn Đức", [(Role.LEADER, units["soyte"])])
    _user("officer2", "officer2@sangtao.local", "Phạm Thu Hà", [(Role.OFFICER, units["26740"])])
    _user("citizen", "citizen@sangtao.local", "Huỳnh Ngọc Ánh")
    # Staff of the other units, so every challenge has a real author and approver.
    for key in [slug for slug, _n, _e in DEPARTMENTS if slug != "soyte"] + WARDS:
        _user(f"cv.{key}", f"cv.{key}@sangtao.local", f"Chuyên viên {units[key].name}", [(Role.OFFICER, units[key])])
        _user(f"ld.{key}", f"ld.{key}@sangtao.local", f"Lãnh đạo {units[key].name}", [(Role.LEADER, units[key])])
    _user("ld.26740.extra", "ld.saigon@sangtao.local", "Lãnh đạo Phường Sài Gòn (2)", [(Role.LEADER, units["26740"])])


def _staff(unit_key: str):
    if unit_key == "soyte":
        return User.objects.get(username="officer"), User.objects.get(username="leader")
    return User.objects.get(username=f"cv.{unit_key}"), User.objects.get(username=f"ld.{unit_key}")


def _topics(units):
    for owner, field, title, title_en, problem, indicator, tags in TOPICS:
        yield owner, field, title, title_en, problem, indicator, tags
    for ward in WARDS:
        for title, title_en, problem, indicator, field, tags in WARD_TOPICS:
            yield ward, field, f"{title} tại {units[ward].name}", f"{title_en} in {units[ward].name_en or units[ward].name}", problem, indicator, tags


def load_challenges(units):
    fields = {slug: Field.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": en})[0]
              for slug, name, en in FIELDS}
    dost = User.objects.get(username="dost")
    now = timezone.now()
    facets = list(Facet.values)
    created = 0
    for index, topic in enumerate(_topics(units)):
        # 7 is coprime with 45, so this visits every planned state once, spread over topics.
        state = STATE_PLAN[(index * 7) % len(STATE_PLAN)]
        owner_key, field_slug, title, title_en, problem, indicator, tags = topic
        if Challenge.objects.filter(title=title).exists():
            continue
        officer, leader = _staff(owner_key)
        opens = now - datetime.timedelta(days=10 + index)
        closes = now + datetime.timedelta(days=2 + (index * 3) % 45)
        name, unit_of_measure, baseline, target = indicator
        data = {
            "title": title, "title_en": title_en,
            "summary": f"{problem.split(';')[0].split(',')[0].rstrip('.')}. Thành phố mời các tổ chức khoa học, doanh nghiệp và cộng đồng đề xuất giải pháp.",
            "summary_en": f"{title_en}: the city invites research organisations, firms and communities to propose solutions.",
            "field": fields[field_slug], "owner_unit": units[owner_key],
            "co_owner_units": [units["dost"]] if index % 3 == 0 else [],
            "problem_statement": problem,
            "current_situation": f"Số liệu năm 2025: {name.lower()} là {baseline} {unit_of_measure}. Dữ liệu do {units[owner_key].name} tổng hợp.",
            "desired_outcomes": f"Đến năm 2028, {name.lower()} đạt {target} {unit_of_measure}; giải pháp nhân rộng được cho các phường, xã khác.",
            "beneficiaries": "Người dân, doanh nghiệp và cán bộ, công chức trực tiếp giải quyết công việc.",
            "related_services": "Dịch vụ công trực tuyến của thành phố; bộ phận một cửa phường, xã.",
            "constraints": "Giải pháp phải tuân thủ quy định về bảo vệ dữ liệu cá nhân (Nghị định 13/2023) và kết nối với hệ thống dùng chung của thành phố.",
            "budget_min_vnd": 500_000_000 + index * 50_000_000, "budget_max_vnd": 2_000_000_000 + index * 100_000_000,
            "timeline_start": (now + datetime.timedelta(days=90)).date(),
            "timeline_end": (now + datetime.timedelta(days=90 + 540)).date(),
            "timeline_notes": "Giai đoạn 1: thí điểm 6 tháng; giai đoạn 2: nhân rộng 12 tháng.",
            "facet": facets[index % 4],
            "selection_mode": SelectionMode.DIRECT if index % 11 == 10 else SelectionMode.OPEN,
            "call_opens_at": opens, "call_closes_at": closes,
            "contact_name": officer.full_name, "contact_email": officer.email, "contact_phone": "028 3829 0000",
            "tags": tags,
            "indicators": [{"name": name, "unit_of_measure": unit_of_measure,
                            "baseline_value": Decimal(str(baseline)), "baseline_date": datetime.date(2025, 12, 31),
                            "target_value": Decimal(str(target)), "target_date": datetime.date(2028, 12, 31),
                            "data_source": f"Báo cáo thống kê của {units[owner_key].name}"}],
        }
        challenge = services.create_draft(officer, data)
        actors = {"submit": officer, "unit_approve": leader, "withdraw": officer}
        for move in PATHS[state]:
            services.apply_move(challenge, actors.get(move, dost), move, REASONS.get(move, ""))
        created += 1
    return created


SOLVERS = [
    ("0312345678", "enterprise", "solver"),
    ("0301234567", "university", "sv.bachkhoa"),
    ("0319876543-001", "startup", "sv.khoinghiep"),
]
EXPERTS = [
    ("expert", "PGS.TS. Đặng Quốc Bảo", "y-te", "Quản lý bệnh viện, hệ thống thông tin y tế, phân luồng người bệnh."),
    ("cg.1", "TS. Nguyễn Minh Châu", "y-te", "Y tế công cộng, dịch tễ học, dữ liệu sức khỏe cộng đồng."),
    ("cg.2", "ThS. Trần Quốc Dũng", "chuyen-doi-so", "Kiến trúc phần mềm, tích hợp hệ thống, dịch vụ công trực tuyến."),
    ("cg.3", "TS. Lê Thị Giang", "y-te", "Kinh tế y tế, đánh giá hiệu quả can thiệp, chi phí điều trị."),
    ("cg.4", "PGS.TS. Phạm Hữu Hòa", "chuyen-doi-so", "Trí tuệ nhân tạo, học máy, xử lý dữ liệu lớn."),
    ("cg.5", "TS. Võ Thị Kim", "thu-tuc-hanh-chinh", "Cải cách hành chính, đo lường sự hài lòng người dân (SIPAS)."),
    ("cg.6", "ThS. Huỳnh Văn Lâm", "y-te", "Điều dưỡng, quy trình khám chữa bệnh ngoại trú."),
]
SELECTION_TITLE = "Ứng dụng đặt lịch khám và phân luồng người bệnh ngoại trú"
OPEN_CALL_TITLE = "Hệ thống nhắc lịch tiêm chủng cho trẻ em qua ứng dụng di động"
DIRECT_TITLE = "Thanh toán viện phí không dùng tiền mặt tại trạm y tế phường"
RUNNING_TITLE = "Số hóa sổ tiêm chủng tại trạm y tế phường"


def load_solvers_and_experts(units) -> None:
    from sangtao.orgs.models import SolverProfile
    from sangtao.review.models import Expert

    dost = User.objects.get(username="dost")
    names = {"0301234567": ("Trường Đại học Bách khoa (ĐHQG-HCM)", "Tạ Quang Bửu", "Lý Thường Kiệt, Phường Diên Hồng"),
             "0319876543-001": ("Công ty TNHH Khởi nghiệp Sức khỏe Số - Chi nhánh TP.HCM", "Đoàn Minh Nhật",
                                "Đường Lê Lợi, Phường Sài Gòn"),
             "0312345678": ("Công ty Cổ phần Giải pháp Đô thị Xanh", "Võ Thanh Tùng", "Đường Nguyễn Huệ, Phường Sài Gòn")}
    for tax_code, org_type, username in SOLVERS:
        name, representative, address = names[tax_code]
        unit = units["solver_org"] if tax_code == "0312345678" else _unit(UnitKind.SOLVER, tax_code, name)
        SolverProfile.objects.get_or_create(unit=unit, defaults={
            "org_type": org_type, "tax_code": tax_code, "address": address, "legal_representative": representative,
            # The start-up is left unverified so the flag shows in the demo.
            "verified_at": None if org_type == "startup" else timezone.now(),
            "verified_by": None if org_type == "startup" else dost})
        _user(username, f"{username}@sangtao.local", f"Thành viên {name}" if username != "solver" else "Võ Thanh Tùng",
              [(Role.SOLVER, unit)])
    fields = {f.slug: f for f in Field.objects.all()}
    for username, full_name, field_slug, profile in EXPERTS:
        user = _user(username, f"{username}@sangtao.local", full_name, [(Role.EXPERT, None)])
        expert, created = Expert.objects.get_or_create(user=user, defaults={
            "title": full_name.split(" ")[0], "organisation_name": "Đại học Quốc gia TP.HCM", "profile": profile})
        if created:
            expert.fields.set([fields[field_slug]])


def _health_challenge_data(units, title, closes_in_days, mode=SelectionMode.OPEN):
    now = timezone.now()
    return {
        "title": title, "summary": "Người bệnh ngoại trú chờ lâu; cần đặt lịch và phân luồng trước khi đến bệnh viện.",
        "problem_statement": "Bệnh viện tuyến thành phố tiếp nhận 3.000-5.000 lượt khám ngoại trú mỗi ngày.",
        "field": Field.objects.get(slug="y-te"), "owner_unit": units["soyte"], "facet": Facet.ENHANCEMENT,
        "selection_mode": mode, "call_opens_at": now - datetime.timedelta(days=30),
        "call_closes_at": now + datetime.timedelta(days=closes_in_days), "tags": ["đặt lịch", "bệnh viện"],
        "budget_min_vnd": 800_000_000, "budget_max_vnd": 2_500_000_000,
        "indicators": [{"name": "Thời gian chờ khám trung bình", "unit_of_measure": "phút",
                        "baseline_value": Decimal(150), "target_value": Decimal(45)}],
    }


def _selection_challenge(units, title, closes_in_days, mode=SelectionMode.OPEN):
    officer, leader = _staff("soyte")
    dost = User.objects.get(username="dost")
    challenge = services.create_draft(officer, _health_challenge_data(units, title, closes_in_days, mode))
    for move, actor in (("submit", officer), ("unit_approve", leader), ("approve", dost), ("publish", dost)):
        services.apply_move(challenge, actor, move)
    return Challenge.objects.get(pk=challenge.pk)


def _proposal_content(challenge, title, lead, budget):
    return {
        "title": title, "summary": f"{title}: giải pháp cho «{challenge.title}».",
        "approach": "Ứng dụng di động và tổng đài tự động đặt lịch khám; phân luồng theo chuyên khoa và khung giờ; "
                    "tích hợp hệ thống thông tin bệnh viện (HIS) và cổng dịch vụ công.",
        "experience": "Nhóm đã triển khai hệ thống đặt lịch tại nhiều cơ sở y tế.",
        "risks": "Người cao tuổi khó dùng ứng dụng: giữ kênh tổng đài và quầy hỗ trợ.",
        "team": [{"name": lead, "role": "Chủ nhiệm", "email": "", "experience": "10 năm"}],
        "team_informed": True,
        "workplan": [{"milestone": "Thí điểm tại 2 bệnh viện", "start": "2027-01-01", "end": "2027-06-30",
                      "deliverable": "Báo cáo thí điểm"},
                     {"milestone": "Nhân rộng", "start": "2027-07-01", "end": "2027-12-31",
                      "deliverable": "Hệ thống vận hành"}],
        "budget_lines": [{"item": "Phát triển phần mềm", "amount_vnd": budget * 7 // 10},
                         {"item": "Đào tạo và truyền thông", "amount_vnd": budget - budget * 7 // 10}],
        "budget_total_vnd": budget,
        "expected_results": {str(i.pk): "Giảm thời gian chờ còn dưới 45 phút" for i in challenge.indicators.all()},
    }


def load_selection(units) -> None:
    """One challenge taken through step 3 to a decision, and one open call with a draft proposal."""
    from sangtao.proposals import services as proposal_services
    from sangtao.proposals.models import EligibilityCriterion
    from sangtao.review import services as review_services
    from sangtao.review.models import Council, CouncilRules, Expert, Rubric

    if Challenge.objects.filter(title=SELECTION_TITLE).exists():
        return
    dost = User.objects.get(username="dost")
    challenge = _selection_challenge(units, SELECTION_TITLE, 10)
    proposals = []
    for (tax_code, _t, username), lead, budget in zip(SOLVERS, ["Võ Thanh Tùng", "Tạ Quang Bửu", "Đoàn Minh Nhật"],
                                                      [1_800_000_000, 2_200_000_000, 950_000_000], strict=True):
        member = User.objects.get(username=username)
        org = OrgUnit.objects.get(kind=UnitKind.SOLVER, code=tax_code)
        title = {"solver": "Đặt lịch khám thông minh Xanh", "sv.bachkhoa": "Phân luồng người bệnh bằng dữ liệu",
                 "sv.khoinghiep": "Tổng đài đặt lịch tự động"}[username]
        proposal = proposal_services.start_proposal(challenge, member, org, _proposal_content(challenge, title, lead,
                                                                                             budget))
        proposal_services.submit(proposal, member)
        proposals.append(proposal)
    # The demo compresses time: the deadline moves into the past and the call closes as the job would.
    Challenge.objects.filter(pk=challenge.pk).update(call_closes_at=timezone.now() - datetime.timedelta(minutes=1))
    services.apply_move(Challenge.objects.get(pk=challenge.pk), dost, "close", "Hết hạn nhận hồ sơ")
    checklist = {c.pk: True for c in EligibilityCriterion.objects.filter(active=True)}
    for proposal in proposals:
        proposal_services.screen(proposal, dost, checklist)
    council = review_services.save_council(dost, Council(
        name="Hội đồng tuyển chọn lĩnh vực Y tế 2026", rules=CouncilRules.objects.get(is_default=True),
        rubric=Rubric.objects.get(is_default=True), location="Sở Khoa học và Công nghệ TP.HCM"), [challenge])
    roles = ["chair", "vice_chair", "secretary", "reviewer", "reviewer", "member", "member"]
    for (username, *_rest), role in zip(EXPERTS, roles, strict=True):
        review_services.add_member(dost, council, Expert.objects.get(user__username=username), role)
    review_services.assign_whole_council(dost, council)
    review_services.release_assignments(dost, council)
    leaves = {c.code: c.pk for c in council.rubric.leaves()}
    plan = {proposals[0].pk: (13, 42, 30), proposals[1].pk: (12, 38, 27), proposals[2].pk: (10, 30, 22)}
    for offset, item in enumerate(council.assignments.select_related("expert__user").order_by("pk")):
        review_services.declare(item, item.expert.user, has_conflict=False)
        points = [max(0, p - (offset % 3)) for p in plan[item.proposal_id]]
        review_services.save_scores(item, item.expert.user, dict(zip(leaves.values(), points, strict=True)),
                                    dict.fromkeys(leaves.values(), "Nhận xét của thành viên hội đồng."),
                                    "Hồ sơ đáp ứng yêu cầu của bài toán.")
        review_services.submit_scoresheet(item, item.expert.user)
    review_services.record_decision(
        Challenge.objects.get(pk=challenge.pk), dost, proposal=proposals[0], decision_number="215/QĐ-SKHCN",
        decided_on=timezone.localdate(), rationale="Hồ sơ đạt điểm trung bình cao nhất và đáp ứng mọi tiêu chí.")
    open_call = _selection_challenge(units, OPEN_CALL_TITLE, 20)
    solver = User.objects.get(username="solver")
    proposal_services.start_proposal(open_call, solver, units["solver_org"], _proposal_content(
        open_call, "Nhắc lịch tiêm chủng qua Zalo và ứng dụng", "Võ Thanh Tùng", 900_000_000))


def _run_project(challenge, dost, lead_user, ward, accept: bool):
    """Plan a project for a decided challenge, report on it and, if asked, take it through acceptance."""
    from sangtao.projects import services as project_services
    from sangtao.review.models import Expert

    officer, _leader = _staff("soyte")
    today = timezone.localdate()
    project = project_services.create_project(challenge.decision, dost, {
        "contract_number": f"{challenge.pk:02d}/2026/HĐ-SKHCN", "contract_value_vnd": 1_500_000_000,
        "starts_on": today - datetime.timedelta(days=200), "ends_on": today + datetime.timedelta(days=160),
        "report_every_days": 30, "partners": [(ward, "Thí điểm tại phường, vận động người dân sử dụng")],
        "milestones": [
            {"title": "Khảo sát và thiết kế", "due_on": today - datetime.timedelta(days=150), "tranche_vnd": 450_000_000},
            {"title": "Phát triển và thí điểm", "due_on": today - datetime.timedelta(days=40), "tranche_vnd": 600_000_000},
            {"title": "Nhân rộng", "due_on": today + datetime.timedelta(days=120), "tranche_vnd": 450_000_000},
        ]})
    milestones = list(project.milestones.all())
    project_services.add_task(project, dost, ward, "Bố trí điểm hỗ trợ người dân", today + datetime.timedelta(days=20))
    report = project_services.submit_report(project, lead_user, today - datetime.timedelta(days=5),
                                            "Hoàn thành thiết kế, đang thí điểm tại hai bệnh viện.",
                                            {milestones[0].pk: 100, milestones[1].pk: 70, milestones[2].pk: 0})
    project_services.review_report(report, officer, accept=True)
    if not accept:
        return project
    for milestone in milestones:
        project_services.complete_milestone(milestone, lead_user, min(milestone.due_on, today))
    project_services.self_assess(project, lead_user, "Hoàn thành đủ khối lượng; hệ thống vận hành ổn định.")
    for expert in Expert.objects.order_by("pk")[:3]:
        project_services.add_acceptance_member(project, dost, expert)
        for milestone in milestones:
            project_services.rate(project, expert.user, milestone, "pass", "pass")
        project_services.rate(project, expert.user, None, "pass")
    project_services.conclude_acceptance(project, dost)
    project_services.record_deployment(project, officer, ward, "Đặt lịch khám trực tuyến", today - datetime.timedelta(days=95))
    return project


def load_projects(units) -> None:
    """The decided challenge in evaluation; a direct assignment taken all the way to completion."""
    from sangtao.evaluation import services as evaluation_services
    from sangtao.review import services as review_services

    challenge = Challenge.objects.get(title=SELECTION_TITLE)
    if hasattr(challenge, "project"):
        return
    dost = User.objects.get(username="dost")
    solver = User.objects.get(username="solver")
    ward = units["26740"]
    _run_project(challenge, dost, solver, ward, accept=True)
    for title, finished in ((DIRECT_TITLE, True), (RUNNING_TITLE, False)):
        direct = _selection_challenge(units, title, 30, SelectionMode.DIRECT)
        review_services.record_decision(direct, dost, lead_organisation=units["solver_org"],
                                        decided_on=timezone.localdate(),
                                        legal_basis="Luật Khoa học, công nghệ và đổi mới sáng tạo 2025",
                                        rationale="Đơn vị đã triển khai giải pháp tương tự cho thành phố.")
        _run_project(Challenge.objects.get(pk=direct.pk), dost, solver, ward, accept=finished)
        if finished:  # measured after its deployment, then closed
            evaluation_services.record_measurement(direct.indicators.first(), dost, 95, timezone.localdate(),
                                                   "Hệ thống thông tin bệnh viện")
            services.apply_move(Challenge.objects.get(pk=direct.pk), dost, "complete",
                                "Kết quả đã được đo và công bố; kết thúc theo dõi.")


COMMENTS = {  # free-text answers of the demo survey, before and after the deployment
    False: ["Phải xếp hàng lâu ở quầy thu ngân.", "Không biết phải nộp tiền ở đâu, hỏi mãi mới biết.",
            "Nên cho thanh toán bằng mã QR.", "Nhân viên nhiệt tình nhưng thủ tục còn rườm rà."],
    True: ["Quét mã QR trả tiền rất nhanh, không phải chờ.", "Hoá đơn điện tử gửi về điện thoại, tiện lợi.",
           "Mong áp dụng cho cả khám dịch vụ.", "Nhanh hơn nhiều so với trước."],
}


def load_outcomes(units) -> None:
    """A satisfaction survey around the deployment and KPI measurements for the completed challenge."""
    import random

    from sangtao.evaluation import services as evaluation_services
    from sangtao.surveys import services as survey_services
    from sangtao.surveys.ingest import Incoming, ingest
    from sangtao.surveys.models import Measure, Source, Survey

    challenge = Challenge.objects.get(title=DIRECT_TITLE)
    if Survey.objects.filter(challenge=challenge).exists():
        return
    dost = User.objects.get(username="dost")
    today = timezone.localdate()
    wards = [units[code] for code in WARDS[:3]]
    treated = units["26740"]
    instrument = survey_services.create_sipas_instrument(dost, "SIPAS — thanh toán viện phí")
    quarters = [(f"Quý {n + 1}/{(today - datetime.timedelta(days=360 - 90 * n)).year}",  # a label carries its year
                 today - datetime.timedelta(days=360 - 90 * n), today - datetime.timedelta(days=271 - 90 * n))
                for n in range(4)]
    quarters[-1] = (quarters[-1][0], quarters[-1][1], today + datetime.timedelta(days=60))
    survey = survey_services.create_survey(
        dost, name="Mức độ hài lòng với thanh toán viện phí", version=instrument.versions.get(),
        service="Thanh toán viện phí tại trạm y tế", units=[treated, *[w for w in wards if w != treated]],
        periods=quarters, challenge=challenge)
    go_live = challenge.project.deployments.get().go_live_on
    items = list(survey.version.items.filter(measure=Measure.SATISFACTION))
    comment_item = survey.version.items.get(measure=Measure.TEXT)
    rng = random.Random(2026)  # noqa: S311 -- demo data, not security
    for period in survey.periods.all():
        for unit in survey.units.all():
            improved = unit == treated and period.starts_on >= go_live
            share = 0.86 if improved else 0.64
            ingest(survey, [Incoming(unit.pk, period.pk, {i.pk: rng.choice([4, 5]) if rng.random() < share
                                                          else rng.choice([1, 2, 3]) for i in items},
                                     texts={comment_item.pk: rng.choice(COMMENTS[improved])} if n % 9 == 0 else {},
                                     external_id=f"demo-{unit.pk}-{period.pk}-{n}") for n in range(45)], Source.PAPER)
    officer, _leader = _staff("soyte")
    indicator = challenge.indicators.get()
    for days_ago, value in ((300, 140), (200, 118), (100, 80), (10, 52)):
        evaluation_services.record_measurement(indicator, officer, value, today - datetime.timedelta(days=days_ago),
                                               "Hệ thống thông tin bệnh viện")


RETURNED_TITLE = "Trả kết quả xét nghiệm trực tuyến cho người bệnh ngoại trú"
DRAFT_TITLE = "Sổ theo dõi sức khỏe điện tử cho người cao tuổi tại phường"
SECOND_SELECTION_TITLE = "Nhắc tái khám và cấp thuốc cho người bệnh mạn tính"
SECOND_COUNCIL = "Hội đồng tuyển chọn «Nhắc tái khám» 2026"


def load_pending_work(units) -> None:
    """Work left waiting for the demo roles, so each one's "Việc của tôi" shows something to do:
    the officer a challenge DoST returned for changes and a draft to finish; the expert (chair of a
    second council meeting in a week) a scoresheet half done and a declaration to sign. The leader
    (an approval), the solver (a draft before a deadline) and DoST (reviews) have theirs already."""
    from sangtao.proposals import services as proposal_services
    from sangtao.proposals.models import EligibilityCriterion
    from sangtao.review import services as review_services
    from sangtao.review.models import Council, CouncilRules, Expert, Rubric

    officer, leader = _staff("soyte")
    dost = User.objects.get(username="dost")
    if not Challenge.objects.filter(title=RETURNED_TITLE).exists():
        returned = services.create_draft(officer, _health_challenge_data(units, RETURNED_TITLE, 30))
        for move, actor, reason in (("submit", officer, ""), ("unit_approve", leader, ""),
                                    ("request_changes", dost, "Cần nêu số liệu hiện trạng theo từng bệnh viện và "
                                                               "chỉ số đo thời gian trả kết quả.")):
            services.apply_move(returned, actor, move, reason)
    if not Challenge.objects.filter(title=DRAFT_TITLE).exists():
        services.create_draft(officer, {"title": DRAFT_TITLE, "field": Field.objects.get(slug="y-te"),
                                        "owner_unit": units["soyte"], "facet": Facet.ADAPTIVE,
                                        "summary": "Người cao tuổi sống một mình cần được theo dõi huyết áp, "
                                                   "đường huyết và lịch uống thuốc tại nhà.",
                                        "problem_statement": "Trạm y tế phường chưa có công cụ theo dõi chỉ số "
                                                             "sức khỏe của người cao tuổi giữa hai lần khám."})
    if Council.objects.filter(name=SECOND_COUNCIL).exists():
        return
    challenge = _selection_challenge(units, SECOND_SELECTION_TITLE, 5)
    proposals = []
    for username, tax_code, title, lead, budget in (
            ("sv.bachkhoa", "0301234567", "Nhắc tái khám bằng tin nhắn và tổng đài", "Tạ Quang Bửu", 1_200_000_000),
            ("sv.khoinghiep", "0319876543-001", "Tủ thuốc thông minh tại trạm y tế", "Đoàn Minh Nhật", 800_000_000)):
        member = User.objects.get(username=username)
        org = OrgUnit.objects.get(kind=UnitKind.SOLVER, code=tax_code)
        proposal = proposal_services.start_proposal(challenge, member, org,
                                                    _proposal_content(challenge, title, lead, budget))
        proposal_services.submit(proposal, member)
        proposals.append(proposal)
    Challenge.objects.filter(pk=challenge.pk).update(call_closes_at=timezone.now() - datetime.timedelta(minutes=1))
    services.apply_move(Challenge.objects.get(pk=challenge.pk), dost, "close", "Hết hạn nhận hồ sơ")
    checklist = {c.pk: True for c in EligibilityCriterion.objects.filter(active=True)}
    for proposal in proposals:
        proposal_services.screen(proposal, dost, checklist)
    council = review_services.save_council(dost, Council(
        name=SECOND_COUNCIL, rules=CouncilRules.objects.get(is_default=True),
        rubric=Rubric.objects.get(is_default=True), location="Sở Khoa học và Công nghệ TP.HCM",
        session_date=timezone.localdate() + datetime.timedelta(days=7)), [challenge])
    roles = ["chair", "vice_chair", "secretary", "reviewer", "reviewer", "member", "member"]
    for (username, *_rest), role in zip(EXPERTS, roles, strict=True):
        review_services.add_member(dost, council, Expert.objects.get(user__username=username), role)
    review_services.assign_whole_council(dost, council)
    review_services.release_assignments(dost, council)
    # The chair has signed for the first proposal and scored one criterion; the second awaits a signature.
    first = council.assignments.select_related("expert__user").get(expert__user__username="expert",
                                                                    proposal=proposals[0])
    review_services.declare(first, first.expert.user, has_conflict=False)
    leaf = council.rubric.leaves()[0]
    review_services.save_scores(first, first.expert.user, {leaf.pk: leaf.max_points}, {leaf.pk: "Đáp ứng tốt."})


def load_demo() -> dict[str, int]:
    with transaction.atomic():
        units = load_units()
        load_users(units)
        created = load_challenges(units)
        load_solvers_and_experts(units)
        load_selection(units)
        load_projects(units)
        load_outcomes(units)
        from sangtao.capacity.demo import load_capacity

        load_capacity(units, DIRECT_TITLE)
        from sangtao.initiatives.demo import load_initiatives

        load_initiatives(units)

        from sangtao.annual.demo import load_annual

        load_annual(units)
        load_pending_work(units)
        from sangtao.knowledge.demo import load_knowledge

        load_knowledge(units, DIRECT_TITLE)
    return {"units": OrgUnit.objects.count(), "users": User.objects.count(),
            "challenges": Challenge.objects.count(), "challenges_created": created}

