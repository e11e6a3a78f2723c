"""Demo knowledge, driven through the real services: the lessons of the completed challenge's acceptance,
a case drafted from it (KPI and satisfaction results as its outcome page shows them) and published to
everyone, a public case of a ward and an internal one of a department, an adoption request, and the
library's templates. Idempotent: nothing is added when the drafted case exists. Called from
sangtao/portal/demo.py."""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sangtao.challenges.models import Challenge, Field
from sangtao.knowledge import services
from sangtao.knowledge.models import Case

User = get_user_model()

# The after-action reviews of the two projects the demo takes through acceptance.
REVIEWS = {
    "Thanh toán viện phí không dùng tiền mặt tại trạm y tế phường": {
        "expected": "Người dân thanh toán viện phí bằng mã QR tại trạm y tế, không phải chờ ở quầy thu ngân.",
        "actual": "Thời gian chờ thanh toán giảm rõ; người cao tuổi lúc đầu còn lúng túng, trạm phải bố trí người hướng "
                  "dẫn trong hai tuần đầu.",
        "went_well": "Ngân hàng và trạm y tế thống nhất mẫu hóa đơn điện tử từ sớm nên đối soát cuối ngày không phát "
                     "sinh chênh lệch.",
        "to_change": "Khảo sát thói quen thanh toán của người bệnh trước khi thí điểm và in hướng dẫn chữ lớn dán tại "
                     "quầy.",
        "service": "Thanh toán viện phí tại trạm y tế",
    },
    "Ứng dụng đặt lịch khám và phân luồng người bệnh ngoại trú": {
        "expected": "Người bệnh đặt lịch trước, đến đúng khung giờ, thời gian chờ khám giảm một nửa.",
        "actual": "Tỷ lệ đặt lịch trước đạt 40% sau sáu tháng; khung giờ buổi sáng quá tải vì lịch bác sĩ cập nhật "
                  "chậm.",
        "went_well": "Đồng bộ lịch bác sĩ với phần mềm bệnh viện mỗi ngày giúp khung giờ chính xác.",
        "to_change": "Cho phép đặt lịch qua tổng đài cho người không dùng điện thoại thông minh.",
        "service": "Khám bệnh ngoại trú",
    },
}

# What the unit adds to the drafted case: the sections the platform cannot know.
DRAFT_COMPLETION = {
    "novelty": "Lần đầu một trạm y tế phường của thành phố thu viện phí hoàn toàn không dùng tiền mặt, có hóa đơn điện "
               "tử gửi về điện thoại người bệnh.",
    "difficulties": "Người cao tuổi chưa quen quét mã; một số ngân hàng chậm cấp mã QR động cho trạm; mạng yếu giờ cao "
                    "điểm.",
    "conditions": "Lãnh đạo phường cam kết, ngân hàng hỗ trợ kỹ thuật tại chỗ, và một cán bộ trạm được giao theo dõi "
                  "đối soát hằng ngày.",
    "materials": "Quy trình thu viện phí bằng mã QR (Thư viện: Biểu mẫu quy trình thanh toán không tiền mặt) và báo "
                 "cáo đánh giá kết quả trên trang kết quả của bài toán.",
    "novelty_en": "The first ward health station in the city to collect fees entirely without cash.",
}

# Sections the demo challenge may leave empty (its optional fields), written as the unit would.
DRAFT_FALLBACK = {
    "summary": "Trạm y tế phường thu viện phí bằng mã QR và gửi hóa đơn điện tử, người bệnh không phải chờ ở quầy.",
    "beneficiaries": "Người bệnh khám tại trạm y tế phường, người nhà và nhân viên thu ngân của trạm.",
    "partners": "Sở Y tế, trạm y tế phường, ngân hàng thương mại cung cấp mã QR động.",
    "replication": "Các trạm y tế phường có kết nối mạng ổn định có thể áp dụng trong một tháng.",
    "lessons": "Hướng dẫn trực tiếp người cao tuổi trong những tuần đầu quyết định thành công.",
}

PUBLIC_WARD_CASE = {
    "title": "Tổ phản ứng nhanh xử lý phản ánh hiện trường trong 48 giờ",
    "title_en": "A rapid-response team resolving street reports within 48 hours",
    "summary": "Phường lập tổ phản ứng nhanh tiếp nhận phản ánh qua ứng dụng và xử lý tại hiện trường trong 48 giờ.",
    "problem": "Phản ánh về rác, lấn chiếm vỉa hè, đèn hỏng nằm chờ nhiều tuần vì chuyển qua nhiều bộ phận.",
    "innovation": "Một tổ liên ngành nhận phản ánh trực tiếp từ ứng dụng, phân công trong hai giờ và báo kết quả kèm "
                  "ảnh.",
    "novelty": "Phân công theo vị trí trên bản đồ thay vì theo lĩnh vực của từng bộ phận.",
    "partners": "Công an phường, đội quản lý trật tự đô thị, công ty môi trường, tổ dân phố.",
    "beneficiaries": "Người dân và hộ kinh doanh trên địa bàn phường.",
    "results": "Tỷ lệ phản ánh xử lý trong 48 giờ tăng từ 55% lên 86% sau một năm.",
    "difficulties": "Ban đầu trùng lặp phản ánh; phải gộp các phản ánh cùng vị trí.",
    "conditions": "Một đầu mối duy nhất, quyền điều động các lực lượng, ứng dụng có bản đồ.",
    "replication": "Các phường có ứng dụng phản ánh hiện trường có thể áp dụng trong một tháng.",
    "lessons": "Công khai kết quả xử lý kèm ảnh làm người dân tin và phản ánh đúng hơn.",
    "materials": "Quy chế phối hợp của tổ phản ứng nhanh và mẫu báo cáo tuần của phường.",
    "stage": "spreading", "facet": "enhancement", "service": "Tiếp nhận và xử lý phản ánh hiện trường",
}

INTERNAL_CASE = {
    "title": "Chia sẻ dữ liệu dân cư giữa các sở để không thu lại giấy tờ",
    "summary": "Các sở tra cứu dữ liệu dân cư dùng chung thay vì yêu cầu người dân nộp lại bản sao giấy tờ.",
    "problem": "Người dân phải nộp lại giấy khai sinh, giấy tờ cư trú cho nhiều thủ tục khác nhau.",
    "innovation": "Kết nối cơ sở dữ liệu quốc gia về dân cư với hệ thống một cửa của các sở.",
    "novelty": "Lần đầu các sở dùng chung một điểm kết nối và một quy trình xác thực.",
    "partners": "Sở Nội vụ, Công an thành phố, Trung tâm chuyển đổi số, các sở có thủ tục.",
    "beneficiaries": "Người dân và doanh nghiệp làm thủ tục hành chính; cán bộ một cửa.",
    "results": "Kết quả dự kiến: 300 thủ tục không yêu cầu nộp lại giấy tờ đã có vào cuối năm.",
    "difficulties": "Quy định về chia sẻ dữ liệu cá nhân còn chưa rõ với một số loại giấy tờ.",
    "conditions": "Văn bản thỏa thuận chia sẻ dữ liệu, đánh giá tác động xử lý dữ liệu cá nhân.",
    "replication": "Có thể nhân rộng sang các tỉnh có hệ thống một cửa tương tự sau khi quy định rõ ràng.",
    "lessons": "Cần đánh giá tác động dữ liệu cá nhân trước khi kết nối, không phải sau.",
    "materials": "Thỏa thuận chia sẻ dữ liệu mẫu (nội bộ) và danh mục thủ tục.",
    "stage": "implementing", "facet": "mission", "service": "Thủ tục hành chính một cửa",
}

RESOURCES = [
    ("guide", "Hướng dẫn viết tình huống đổi mới sáng tạo theo mẫu OECD",
     "Guide to writing an innovation case in the OECD format",
     "Cách viết từng mục của tình huống: ngôn ngữ dễ hiểu, số liệu có nguồn, nêu cả thất bại; ví dụ minh họa.", True),
    ("form", "Biểu mẫu rút kinh nghiệm sau khi kết thúc công việc",
     "After-action review form",
     "Bốn câu hỏi rút kinh nghiệm và cách tổ chức buổi rút kinh nghiệm 60 phút với nhóm thực hiện.", True),
    ("tor", "Điều khoản tham chiếu thuê đơn vị tư vấn đánh giá tác động",
     "Terms of reference for an impact evaluation consultant",
     "Phạm vi công việc, sản phẩm, tiêu chí lựa chọn đơn vị tư vấn đánh giá trước và sau khi áp dụng giải pháp.",
     False),
]


def _pdf(title: str, text: str) -> SimpleUploadedFile:
    from sangtao.core.documents import AdministrativeDocument

    doc = AdministrativeDocument(title)
    doc.heading(title.upper())
    doc.paragraph(text)
    return SimpleUploadedFile(f"{title[:40]}.pdf", doc.render(), content_type="application/pdf")


def _publish(case_data: dict, unit, author, dost, public: bool) -> Case:
    fields = {f.slug: f for f in Field.objects.all()}
    case = services.do_create_case(actor=author, unit=unit, title=case_data["title"])
    data = {**case_data, "field": fields.get("thu-tuc-hanh-chinh")}
    case = services.do_update_case(case, actor=author, data=data)
    case = services.do_submit_case(case, actor=author)
    return services.do_publish_case(case, actor=dost, public=public)


def load_knowledge(units, completed_title: str) -> None:
    completed = Challenge.objects.get(title=completed_title)
    if Case.objects.filter(challenge=completed).exists():
        return
    dost = User.objects.get(username="dost")
    officer = User.objects.get(username="officer")  # Sở Y tế, owner of the demo's health challenges
    for title, answers in REVIEWS.items():
        challenge = Challenge.objects.filter(title=title).first()
        if challenge is not None and hasattr(challenge, "project"):
            services.do_answer_review(actor=officer, subject_kind="challenge", subject_id=challenge.pk, data=answers)
    case = services.do_draft_case(actor=officer, source_kind="challenge", source_id=completed.pk)
    case = services.do_update_case(case, actor=officer, data={
        key: value for key, value in DRAFT_COMPLETION.items() if not getattr(case, key)})
    filled = {key: value for key, value in DRAFT_FALLBACK.items() if not getattr(case, key)}
    if filled:
        case = services.do_update_case(case, actor=officer, data=filled)
    case = services.do_submit_case(case, actor=officer)
    case = services.do_publish_case(case, actor=dost, public=True)
    ward_officer = User.objects.get(username="cv.26809")
    _publish(PUBLIC_WARD_CASE, units["26809"], ward_officer, dost, public=True)
    _publish(INTERNAL_CASE, units["sonoivu"], User.objects.get(username="cv.sonoivu"), dost, public=False)
    # A ward asks to deploy the cashless payment too; the Department of Health has not answered yet.
    services.do_request_adoption(case, actor=User.objects.get(username="cv.27142"), unit=units["27142"],
                                 form="deployment", service="Thanh toán viện phí tại trạm y tế phường",
                                 note="Trạm y tế phường đã có máy POS; cần hỗ trợ kết nối hóa đơn điện tử.",
                                 go_live_on=timezone.localdate() + datetime.timedelta(days=45))
    for kind, title, title_en, description, public in RESOURCES:
        services.do_add_resource(actor=dost, unit=units["dost"], data={
            "kind": kind, "title": title, "title_en": title_en, "description": description, "is_public": public,
            "note": "Phiên bản đầu tiên"}, upload=_pdf(title, description))
