"""Realistic Vietnamese records for the suggestion bench: titles and problems of the kind units file
(grand challenges, annual tasks, initiatives, cases), composed from the administration's vocabulary
with a fixed seed, so every run indexes the same 100,000 documents."""

import random

ACTIONS = [
    "Số hóa", "Rút ngắn thời gian giải quyết", "Giảm thời gian chờ", "Nâng cao chất lượng", "Ứng dụng trí tuệ nhân tạo trong",
    "Xây dựng nền tảng số cho", "Tự động hóa", "Công khai, minh bạch", "Phân luồng", "Nhắc lịch tự động cho",
    "Thanh toán không dùng tiền mặt cho", "Chuẩn hóa dữ liệu", "Kết nối liên thông", "Giám sát trực tuyến",
    "Cải tiến quy trình", "Đơn giản hóa", "Ứng dụng bản đồ số trong", "Tiếp nhận qua Zalo", "Ứng dụng mã QR trong",
    "Hỗ trợ người cao tuổi trong", "Đo lường sự hài lòng về", "Huy động cộng đồng tham gia", "Cảnh báo sớm",
    "Quản lý tập trung", "Chatbot hỏi đáp về", "Phối hợp liên ngành trong", "Thí điểm mô hình mới về",
]
OBJECTS = [
    "cấp giấy phép xây dựng nhà ở riêng lẻ", "đăng ký khai sinh, khai tử", "tiếp nhận phản ánh, kiến nghị của người dân",
    "khám chữa bệnh tại trạm y tế phường", "tiêm chủng mở rộng cho trẻ em", "thu gom rác thải sinh hoạt",
    "chống ngập nước đô thị khi triều cường", "điều tiết giao thông giờ cao điểm", "cấp đổi giấy phép lái xe",
    "đăng ký thường trú, tạm trú", "chứng thực bản sao điện tử", "an toàn thực phẩm tại chợ truyền thống",
    "kiểm tra phòng cháy chữa cháy cơ sở kinh doanh", "cấp giấy chứng nhận quyền sử dụng đất", "trật tự xây dựng",
    "chi trả trợ cấp xã hội cho người có công", "tuyển sinh đầu cấp mầm non và lớp một", "bảo hiểm y tế học sinh",
    "quản lý lòng đường, vỉa hè", "chiếu sáng công cộng", "chăm sóc cây xanh đô thị", "xử lý nước thải khu dân cư",
    "quan trắc ô nhiễm không khí", "giải quyết khiếu nại, tố cáo", "lưu trữ hồ sơ điện tử", "xét duyệt nhà ở xã hội",
    "hỗ trợ doanh nghiệp khởi nghiệp sáng tạo", "đăng ký hộ kinh doanh", "cấp phiếu lý lịch tư pháp",
    "quản lý người lao động nước ngoài", "cấp phép quảng cáo ngoài trời", "thu phí gửi xe", "xử phạt vi phạm hành chính",
    "quản lý nghĩa trang", "cấp nước sạch vùng ven", "phòng chống sốt xuất huyết", "quản lý chó mèo thả rông",
    "hỗ trợ việc làm cho thanh niên", "đào tạo nghề cho lao động nông thôn", "quản lý thuế hộ kinh doanh",
    "cấp căn cước công dân", "quản lý kênh rạch", "sửa chữa nhà chung cư cũ", "quản lý bến bãi xe buýt",
    "tổ chức lễ hội và sự kiện", "quản lý di tích lịch sử", "phát triển du lịch đường thủy", "quản lý thiết bị y tế",
    "cấp cứu ngoài bệnh viện", "theo dõi sức khỏe người cao tuổi", "giáo dục kỹ năng số cho người dân",
]
PLACES = [
    "phường Bến Thành", "phường Sài Gòn", "phường Tân Định", "xã Bình Chánh", "phường Thủ Đức", "xã Cần Giờ",
    "phường Gò Vấp", "phường Bình Thạnh", "xã Củ Chi", "phường Tân Bình", "phường Phú Nhuận", "xã Nhà Bè",
    "phường Chợ Lớn", "phường An Khánh", "phường Hiệp Bình", "xã Hóc Môn", "phường Bình Tân", "phường Tân Phú",
]
SITUATIONS = [
    "Hiện nay việc {o} tại {p} còn làm thủ công trên giấy, người dân phải đi lại nhiều lần.",
    "Mỗi tháng bộ phận một cửa tiếp nhận khoảng {n} hồ sơ về {o}; tỷ lệ trễ hạn khoảng {k}%.",
    "Dữ liệu về {o} nằm rải rác ở nhiều phần mềm, chưa liên thông với cơ sở dữ liệu dùng chung của thành phố.",
    "Cán bộ phụ trách {o} quá tải vào đầu tuần, người dân phải chờ trung bình {k} phút.",
    "Người cao tuổi và người lao động tự do khó tiếp cận dịch vụ công trực tuyến về {o}.",
    "Khảo sát năm trước cho thấy chỉ {k}% người dân hài lòng với {o}.",
    "Thông tin hướng dẫn về {o} chưa thống nhất giữa các phường, xã; hồ sơ bị trả lại nhiều lần vì thiếu giấy tờ.",
    "Việc phối hợp giữa các phòng chuyên môn trong {o} chưa chặt chẽ, trách nhiệm chồng chéo.",
    "Chi phí tuân thủ của doanh nghiệp khi thực hiện {o} còn cao, trung bình {n} nghìn đồng mỗi hồ sơ.",
    "Chưa có số liệu theo thời gian thực để lãnh đạo theo dõi {o} và ra quyết định kịp thời.",
]
GOALS = [
    "Mục tiêu là giảm một nửa thời gian giải quyết và số lần đi lại.",
    "Cần giải pháp dễ dùng trên điện thoại, tích hợp định danh điện tử VNeID.",
    "Đơn vị mong muốn có công cụ theo dõi tiến độ và cảnh báo hồ sơ sắp trễ hạn.",
    "Kết quả mong đợi: tỷ lệ hồ sơ trực tuyến toàn trình đạt trên 80%.",
    "Giải pháp cần dùng được cho cả người không rành công nghệ.",
    "",
]
KINDS = [("challenge", 0.15), ("task", 0.45), ("initiative", 0.3), ("case", 0.1)]


def draft(rng: random.Random) -> tuple[str, str]:
    """A title and a problem as a unit writes them."""
    o, p = rng.choice(OBJECTS), rng.choice(PLACES)
    title = f"{rng.choice(ACTIONS)} {o}" + (f" tại {p}" if rng.random() < 0.4 else "")
    sentences = [s.format(o=o, p=p, n=rng.randint(50, 900), k=rng.randint(10, 70))
                 for s in rng.sample(SITUATIONS, rng.randint(2, 3))]
    problem = " ".join(sentences + [rng.choice(GOALS)]).strip()
    return title, problem


def documents(n: int, units: int, seed: int = 15):
    """(kind, title, problem, unit index) of n records."""
    rng = random.Random(seed)
    kinds, weights = zip(*KINDS, strict=True)
    for _i in range(n):
        title, problem = draft(rng)
        yield rng.choices(kinds, weights)[0], title, problem, rng.randrange(units)
