"""Seeded defaults of the personal-data context: the notices to people whose data others enter.

The migration seeds them; the service that sends a notice seeds the one it needs again if it is
missing (a database emptied by hand, a test that flushed it), so a notice is never skipped.
"""

THIRD_PARTY_PURPOSES = {
    "proposal_team": {
        "name_vi": "Thành viên nhóm thực hiện trong hồ sơ đề xuất",
        "name_en": "Team members named in a proposal",
        "notice_vi": (
            "Một tổ chức đăng ký giải bài toán trên Sáng Tạo đã ghi tên bạn là thành viên nhóm thực hiện trong hồ sơ "
            "đề xuất của họ, cùng vai trò, email và kinh nghiệm (lý lịch) của bạn. Mục đích: để Sở Khoa học và Công "
            "nghệ (bên kiểm soát dữ liệu) và hội đồng tuyển chọn đánh giá hồ sơ. Dữ liệu được xem bởi cán bộ Sở và "
            "thành viên hội đồng được phân công; mỗi lượt xem được ghi nhật ký. Hồ sơ đã nộp được lưu 10 năm kể từ "
            "quyết định lựa chọn (lưu trữ hồ sơ công việc). Bạn có quyền được biết, yêu cầu sửa, hạn chế xử lý hoặc "
            "phản đối việc xử lý dữ liệu của mình (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15, Nghị định "
            "13/2023/NĐ-CP): liên hệ tổ chức đã nộp hồ sơ hoặc Sở Khoa học và Công nghệ."),
        "notice_en": (
            "An organisation applying to solve a challenge on Sáng Tạo has named you as a member of the team in its "
            "proposal, with your role, e-mail and experience (CV). Purpose: so that the Department of Science and "
            "Technology (the controller) and the selection council can evaluate the proposal. The data is seen by "
            "the Department's officers and the council members assigned to it; every read is logged. Submitted "
            "proposals are kept for 10 years from the selection decision (records of public business). You have "
            "the right to be informed, to ask for correction, to restrict or to object to the processing of your "
            "data (Law on Personal Data Protection 91/2025/QH15, Decree 13/2023/ND-CP): contact the organisation "
            "that submitted the proposal or the Department of Science and Technology."),
        "data_vi": "Họ tên, vai trò, email, kinh nghiệm (lý lịch)",
        "data_en": "Name, role, e-mail, experience (CV)",
        "retention_vi": "10 năm kể từ quyết định lựa chọn",
        "retention_en": "10 years from the selection decision",
    },
}


def third_party_purpose(Purpose, key: str):
    """The purpose of a notice to third persons, seeded from the defaults when it is missing."""
    purpose, _created = Purpose.objects.get_or_create(
        key=key, defaults={"required": False, "third_party": True, **THIRD_PARTY_PURPOSES[key]})
    return purpose
