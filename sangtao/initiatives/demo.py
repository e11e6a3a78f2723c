"""Demo initiatives in every state, driven through the real services so their history is genuine.

Idempotent: an initiative is matched by its title. Called from sangtao/portal/demo.py.
"""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from sangtao.initiatives import services
from sangtao.initiatives.models import EmulationTitle, EmulationUse, Initiative
from sangtao.orgs.models import Membership, Role

User = get_user_model()
PASSWORD = "demo12345"  # noqa: S105 -- the documented demo password

# (unit key, author usernames with shares, title, kind, field slug, description, before, novelty, confidential,
#  public summary, benefit VND a year or None, benefit text, where it ends)
INITIATIVES: list[tuple[Any, ...]] = [
    ("soyte", [("officer", 60), (None, 40)], "Phân luồng người bệnh bằng mã QR tại khoa khám bệnh", "management", "y-te",
     "Người bệnh quét mã QR dán tại cổng bệnh viện, khai triệu chứng trên điện thoại và được xếp hàng theo chuyên khoa "
     "trước khi vào sảnh; quầy tiếp đón chỉ còn xử lý các trường hợp cần hỗ trợ.",
     "Người bệnh lấy số thủ công tại một quầy chung rồi mới được hướng dẫn sang chuyên khoa.",
     "Lần đầu đơn vị xếp hàng theo chuyên khoa ngay từ cổng, bằng điện thoại của người bệnh.",
     "Bảng trọng số ưu tiên theo triệu chứng do khoa Cấp cứu xây dựng.",
     "Xếp hàng theo chuyên khoa bằng mã QR ngay từ cổng bệnh viện; thời gian chờ giảm khoảng 40 phút mỗi lượt.",
     450_000_000, "Giảm 40 phút chờ mỗi lượt khám; giảm 3 nhân sự quầy tiếp đón.", "city"),
    ("soyte", [("officer", 100)], "Sổ tay điện tử theo dõi tồn kho thuốc tại trạm y tế phường", "technical", "y-te",
     "Bảng tính dùng chung trên nền tảng của Sở, tự cảnh báo thuốc sắp hết hạn và dưới mức tồn kho tối thiểu.",
     "Trạm y tế ghi sổ giấy, kiểm kê cuối tháng.", "Cảnh báo tự động theo hạn dùng và mức tồn kho.", "",
     "Cảnh báo tự động thuốc sắp hết hạn tại trạm y tế.", 85_000_000, "Giảm thuốc hủy do hết hạn.", "recognised"),
    ("soyte", [("officer", 50), ("cv.sonoivu", 50)], "Quy trình tiếp nhận phản ánh của người bệnh qua Zalo OA",
     "operational", "y-te", "Phản ánh qua Zalo OA được phân loại và chuyển khoa phụ trách trong 2 giờ làm việc.",
     "Hòm thư góp ý, xử lý hằng tuần.", "Phân loại và chuyển xử lý trong ngày.", "",
     "", None, "Người bệnh được trả lời nhanh hơn.", "refused"),
    ("soyte", [("officer", 100)], "Nhắc lịch tiêm chủng bằng tin nhắn cho phụ huynh", "tech_progress", "y-te",
     "Gửi tin nhắn nhắc lịch tiêm 3 ngày trước hạn từ dữ liệu tiêm chủng quốc gia.",
     "Cán bộ trạm gọi điện từng gia đình.", "Tự động từ dữ liệu có sẵn.", "", "", None,
     "Tỷ lệ tiêm đúng lịch tăng.", "voting"),
    ("soyte", [("officer", 70), (None, 30)], "Bản đồ số điểm cấp cứu ngoại viện", "technical", "y-te",
     "Bản đồ các điểm tập kết xe cấp cứu theo khung giờ, cập nhật từ dữ liệu cuộc gọi 115.",
     "Điều phối theo kinh nghiệm.", "Điều phối theo dữ liệu thời gian thực.", "Dữ liệu cuộc gọi 115 chưa ẩn danh.",
     "", None, "Rút ngắn thời gian tiếp cận hiện trường.", "forming"),
    ("soyte", [("officer", 100)], "Phiếu khảo sát hài lòng rút gọn 5 câu tại quầy thuốc", "management", "y-te",
     "Khảo sát 5 câu trên máy tính bảng tại quầy phát thuốc.", "Phiếu giấy 20 câu mỗi quý.",
     "Phản hồi tức thời, tổng hợp tự động.", "", "", None, "Số phiếu thu được tăng gấp 4.", "received"),
    ("soyte", [("officer", 100)], "Đặt lịch tái khám qua tổng đài tự động", "operational", "y-te",
     "Người bệnh đặt lịch tái khám qua tổng đài trả lời tự động.", "Đặt lịch tại quầy.",
     "Không cần đến bệnh viện để đặt lịch.", "", "", None, "Giảm người bệnh đến chỉ để hẹn lịch.", "overdue"),
    ("soyte", [("officer", 60), ("cv.sogddt", 40)], "Ứng dụng nhắc uống thuốc điều trị lao qua tin nhắn", "tech_progress",
     "y-te", "Tin nhắn nhắc uống thuốc hằng ngày và báo trạm y tế khi người bệnh bỏ liều 2 ngày liên tiếp.",
     "Cán bộ đến nhà kiểm tra hằng tuần.", "Theo dõi tuân thủ điều trị hằng ngày, từ xa.", "",
     "Nhắc uống thuốc lao qua tin nhắn; tỷ lệ bỏ trị giảm.", 60_000_000, "Tỷ lệ bỏ trị giảm từ 8% xuống 3%.",
     "city_proposed"),
    ("soyte", [("officer", 100)], "Mẫu biên bản giao ban điện tử", "management", "y-te",
     "Mẫu biên bản giao ban trên phần mềm văn phòng.", "Biên bản giấy.", "", "", "", None, "", "draft"),
    ("26740", [("officer2", 100)], "Xếp hàng bằng mã QR tại bộ phận một cửa phường", "management",
     "thu-tuc-hanh-chinh", "Người dân quét mã QR tại cổng để lấy số theo lĩnh vực thủ tục, nhận tin nhắn khi gần đến lượt.",
     "Lấy số tại máy in phiếu.", "Không phải đứng chờ tại sảnh.", "",
     "Lấy số thứ tự bằng mã QR tại bộ phận một cửa.", None, "Sảnh bớt đông vào giờ cao điểm.", "excluded"),
    ("26740", [("officer2", 100)], "Tổ công nghệ số cộng đồng hỗ trợ người cao tuổi", "operational",
     "chuyen-doi-so", "Đoàn viên hỗ trợ người cao tuổi cài ứng dụng dịch vụ công tại nhà.", "", "Hỗ trợ tại nhà.", "",
     "", None, "", "withdrawn"),
]

REFUSAL = ("Hội đồng không đủ 2/3 thành viên đồng ý: giải pháp trùng với quy trình tiếp nhận phản ánh đã áp dụng "
           "tại đơn vị từ năm 2024 (sổ đăng ký số 04/2024), chưa có điểm mới trong phạm vi đơn vị.")
EXCLUDED = ("Giải pháp đang được Sở Thông tin và Truyền thông triển khai thống nhất trên toàn thành phố, "
            "không phải giải pháp mới trong phạm vi phường.")
PANEL = [("hdsk.1", "BSCKII. Trương Thị Ngọc Lan"), ("hdsk.2", "ThS. Phan Văn Hải"),
         ("hdsk.3", "ThS. Đỗ Thị Mai"), ("hdsk.4", "CN. Vũ Đình Khánh"), ("hdsk.5", "CN. Lý Thị Thu")]
ROLES = ["chair", "vice_chair", "secretary", "expert", "union"]


def _panel(unit):
    people = []
    for username, name in PANEL:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@sangtao.local", full_name=name)
            user.set_password(PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, role=Role.OFFICER, unit=unit)
        people.append(user)
    return people


def _council(initiative, manager, people, in_favour: int | None, reasons: str = ""):
    council = services.form_council(initiative, manager)
    for person, role in zip(people, ROLES, strict=True):
        services.add_seat(council, manager, person, role)
    council = services.open_voting(council, manager)
    if in_favour is None:
        return council
    for position, person in enumerate(people):
        if in_favour < 0 and position >= 2:
            break  # a council still voting: two have voted
        services.cast_vote(council, person, position < abs(in_favour), "Đồng ý" if position < abs(in_favour)
                           else "Chưa thấy điểm mới so với cách làm cũ")
    return council if in_favour < 0 else services.decide(council, manager, reasons)


def load_initiatives(units) -> int:
    today = timezone.localdate()
    leader = User.objects.get(username="leader")
    dost = User.objects.get(username="dost")
    people = _panel(units["soyte"])
    city_panel = [User.objects.get(username=name) for name in ("expert", "cg.1", "cg.3", "cg.5", "cg.6")]
    created = 0
    for (unit_key, authors, title, kind, field, description, before, novelty, confidential, summary, benefit,
         benefit_text, end) in INITIATIVES:
        if Initiative.objects.filter(title=title).exists():
            continue
        from sangtao.challenges.models import Field

        unit = units[unit_key]
        writer = User.objects.get(username=authors[0][0])
        author_rows = []
        for username, share in authors:
            if username is None:
                author_rows.append({"name": "Trần Văn Bình", "email": "binh.tv@soyte.local",
                                    "position": "Điều dưỡng trưởng", "share": share})
            else:
                user = User.objects.get(username=username)
                author_rows.append({"user": user, "name": user.display_name, "email": user.email,
                                    "position": "Chuyên viên", "share": share})
        draft = services.create_draft(writer, {
            "unit": unit, "title": title, "kind": kind, "field": Field.objects.filter(slug=field).first(),
            "description": description, "before": before, "novelty": novelty, "confidential": confidential,
            "public_summary": summary, "first_applied_on": today - datetime.timedelta(days=120),
            "benefit_vnd": benefit, "benefit_text": benefit_text, "authors": author_rows,
            "deployments": [{"unit": unit, "kind": "applied", "since": today - datetime.timedelta(days=120)}]})
        created += 1
        manager = leader if unit_key == "soyte" else User.objects.get(username=f"ld.{unit_key}")
        if end == "draft":
            continue
        if end == "withdrawn":
            services.move(draft, writer, "withdraw", "Tác giả bổ sung số liệu, sẽ nộp lại năm sau.")
            continue
        initiative = services.submit(draft, writer)
        if end == "overdue":  # received long ago: the register shows it past its answer date
            Initiative.objects.filter(pk=initiative.pk).update(
                received_at=timezone.now() - datetime.timedelta(days=100),
                answer_due_on=services.add_months(today - datetime.timedelta(days=100), 3))
        elif end == "excluded":
            services.move(initiative, manager, "refuse", EXCLUDED)
        elif end == "forming":
            services.form_council(initiative, manager)
        elif end == "voting":
            _council(initiative, manager, people, in_favour=-2)
        elif end == "refused":
            _council(initiative, manager, people, in_favour=2, reasons=REFUSAL)
        elif end in ("recognised", "city", "city_proposed"):
            _council(initiative, manager, people, in_favour=4 if end == "city" else 5)
            initiative.refresh_from_db()
            if end == "city_proposed":
                services.move(initiative, manager, "propose_city", "Đã áp dụng tại 3 trạm y tế phường.")
            if end == "city":
                for key in ("26740", "26809"):
                    services.record_deployment(initiative, manager, units[key], today,  # after its recognition
                                               "Học tập mô hình tại trạm y tế phường")
                initiative = services.move(initiative, manager, "propose_city",
                                           "Đã nhân rộng tại hai trạm y tế phường; đề nghị công nhận phạm vi thành phố.")
                _council(initiative, dost, city_panel, in_favour=5)
                initiative.refresh_from_db()
                title_ = EmulationTitle.objects.get(code="cstd-co-so")
                if not EmulationUse.objects.filter(person=writer, title=title_, year=today.year).exists():
                    services.record_emulation(initiative, manager, writer, title_, today.year)
    return created
