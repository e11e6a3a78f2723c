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
    _user("expert", "expert@sangtao.local", "PGS.TS. Đặng Quốc Bảo", [(Role.EXPERT, None)])
    _user("solver", "solver@sangtao.local", "Võ Thanh Tùng", [(Role.SOLVER, units["solver_org"])])
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
            "summary": f"{problem.split(';')[0].split(',')[0]}. Thành phố mời các tổ chức khoa học, doanh nghiệp và cộng đồng đề xuất giải pháp.",
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


def load_demo() -> dict[str, int]:
    with transaction.atomic():
        units = load_units()
        load_users(units)
        created = load_challenges(units)
    return {"units": OrgUnit.objects.count(), "users": User.objects.count(),
            "challenges": Challenge.objects.count(), "challenges_created": created}

