"""What each audit action code means, in the reader's language, for the audit log page.

Codes written by `record()` are listed here, every context's (a test reads the code for each code it
records and fails on one without words in both languages); a workflow move ("<workflow>.<move>") is
named from its move table (the workflow's noun and the move's label). An unknown code is shown as it is.
"""

from importlib import import_module

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ACTION_LABELS = {
    "login": _("Đăng nhập"),
    "login_failed": _("Đăng nhập không thành công"),
    "password_reset": _("Đặt lại mật khẩu"),
    "password_changed": pgettext_lazy("audit", "Đổi mật khẩu"),
    "password_set": _("Đặt mật khẩu cho tài khoản đăng nhập một lần"),
    "profile_updated": _("Cập nhật hồ sơ cá nhân"),
    "email_changed": _("Đổi e-mail"),
    "email_change_requested": _("Yêu cầu đổi e-mail (chờ xác nhận)"),
    # sign-up, single sign-on, login protection and personal-data rights (issue 11)
    "signed_up": _("Tạo tài khoản bằng đăng ký"),
    "email_confirmed": _("Xác nhận e-mail"),
    "login_locked": _("Tạm khoá đăng nhập sau nhiều lần sai"),
    "api_token_locked": _("Tạm chặn token API sau nhiều lần sai"),
    "password_reset_requested": _("Yêu cầu đặt lại mật khẩu"),
    "second_factor_added": _("Bật xác thực hai bước"),
    "second_factor_removed": _("Tắt xác thực hai bước"),
    "second_factor_failed": _("Mã xác thực hai bước sai"),
    "sso_identity_linked": _("Liên kết danh tính đăng nhập một lần"),
    "sso_identity_unlinked": _("Bỏ liên kết danh tính đăng nhập một lần"),
    "consent_given": _("Đồng ý xử lý dữ liệu cá nhân"),
    "consent_withdrawn": _("Rút lại sự đồng ý"),
    "data_export_requested": _("Yêu cầu xuất dữ liệu cá nhân"),
    "account_erased": _("Xoá tài khoản (thay bằng bí danh)"),
    "personal_data_copy_erased": _("Xoá bản sao thông tin của người đã xoá tài khoản"),
    "personal_data_copy_corrected": _("Cập nhật họ tên theo hồ sơ của người đó"),
    "processing_restricted": _("Yêu cầu hạn chế xử lý dữ liệu"),
    "third_party_notices_sent": _("Gửi thông báo cho thành viên nhóm"),
    "third_party_notice_resent": _("Gửi lại thông báo cho thành viên nhóm"),
    "team_informed_confirmed": _("Xác nhận đã thông báo cho thành viên nhóm"),
    "user_created": _("Tạo tài khoản"),
    "api_token_created": _("Tạo khóa API"),
    "api_token_revoked": _("Thu hồi khóa API"),
    "invitation_accepted": _("Nhận lời mời"),
    "member_invited": _("Mời thành viên"),
    "membership_added": _("Thêm vai trò"),
    "membership_removed": _("Bỏ vai trò"),
    "unit_created": _("Tạo đơn vị"),
    "unit_updated": _("Sửa đơn vị"),
    "solver_registered": _("Đăng ký tổ chức giải pháp"),
    "solver_verified": _("Xác minh tổ chức giải pháp"),
    "field_saved": _("Lưu lĩnh vực"),
    "attachment_added": _("Thêm tệp đính kèm"),
    "attachment_removed": _("Gỡ tệp đính kèm"),
    "proposal_saved": _("Lưu hồ sơ đề xuất"),
    "proposal_attachment_added": _("Thêm tệp vào hồ sơ đề xuất"),
    "proposal_attachment_removed": _("Gỡ tệp khỏi hồ sơ đề xuất"),
    "expert_created": _("Tạo chuyên gia"),
    "relationship_declared": _("Khai báo quan hệ"),
    "relationship_removed": _("Gỡ quan hệ"),
    "council_created": _("Lập hội đồng"),
    "council_member_added": _("Thêm thành viên hội đồng"),
    "council_member_removed": _("Bỏ thành viên hội đồng"),
    "assigned_whole_council": _("Giao toàn bộ hội đồng chấm"),
    "assignment_added": _("Thêm phân công"),
    "assignment_removed": _("Bỏ phân công"),
    "assignment_run_started": _("Chạy phân công tự động"),
    "pair_rule_set": _("Chỉ định hoặc loại trừ cặp chấm"),
    "scores_saved": _("Lưu điểm"),
    "complaint_filed": _("Gửi khiếu nại"),
    "complaint_answered": _("Trả lời khiếu nại"),
    "decision_recorded": _("Ghi quyết định lựa chọn"),
    "project_created": _("Tạo dự án"),
    "project_document_added": _("Thêm tài liệu dự án"),
    "task_added": _("Thêm nhiệm vụ"),
    "milestone_completed": _("Hoàn thành mốc"),
    "tranche_disbursed": _("Giải ngân đợt"),
    "acceptance_member_added": _("Thêm thành viên nghiệm thu"),
    "deployment_recorded": _("Ghi nhận nơi áp dụng"),
    "measurement_recorded": _("Ghi số đo chỉ số"),
    "self_assessed": _("Tự đánh giá"),
    "instrument_created": _("Tạo bộ câu hỏi"),
    "item_added": _("Thêm câu hỏi"),
    "item_edited": _("Sửa câu hỏi"),
    "survey_created": _("Tạo khảo sát"),
    "survey_tokens_issued": _("Phát mã mời khảo sát"),
    "survey_import_started": _("Bắt đầu nhập phiếu"),
    "survey_import_done": _("Nhập phiếu xong"),
    "surveys.index_rule_saved": _("Lưu quy tắc chỉ số"),
    "surveys.responses_exported": _("Xuất phiếu khảo sát"),
    "rule_created": _("Tạo quy tắc"),
    "rule_changed": _("Sửa quy tắc"),
    "rule_deleted": _("Xóa quy tắc"),
    "audit_chains_verified": _("Kiểm tra chuỗi băm: nguyên vẹn"),
    "audit_chain_broken": _("Kiểm tra chuỗi băm: bị sửa"),
    "expert_updated": _("Sửa hồ sơ chuyên gia"),
    "council_updated": _("Sửa hội đồng"),
    "user_updated": _("Sửa tài khoản"),
    # annual tasks and reports, initiatives, capacity, knowledge (issues 13-15)
    "annual_plan.created": _("Tạo kế hoạch năm"),
    "annual_plans.imported": _("Nhập kế hoạch năm từ tệp"),
    "annual_task.saved": _("Lưu nhiệm vụ của kế hoạch năm"),
    "annual_task.deleted": _("Xoá nhiệm vụ của kế hoạch năm"),
    "annual_evidence.added": _("Thêm minh chứng"),
    "annual_working_group.saved": _("Cập nhật tổ công tác đổi mới sáng tạo"),
    "annual_city_report.requested": _("Yêu cầu lập báo cáo năm của thành phố"),
    "initiative.created": _("Tạo đơn sáng kiến"),
    "initiative.edited": _("Sửa đơn sáng kiến"),
    "initiative.attachment_added": _("Thêm tệp vào đơn sáng kiến"),
    "initiative.adopted": _("Ghi nhận nơi áp dụng sáng kiến"),
    "initiative.national_scope": _("Ghi nhận phạm vi ảnh hưởng toàn quốc"),
    "initiative.emulation_title": _("Ghi nhận sáng kiến dùng cho danh hiệu thi đua"),
    "initiative_council.formed": _("Lập hội đồng sáng kiến"),
    "initiative_council.seat_added": _("Thêm thành viên hội đồng sáng kiến"),
    "initiative_council.seat_removed": _("Bỏ thành viên hội đồng sáng kiến"),
    "capacity.round_created": _("Tạo đợt khảo sát năng lực"),
    "capacity.template_created": _("Tạo bộ câu hỏi năng lực"),
    "capacity.reminded": _("Nhắc đơn vị trả lời khảo sát năng lực"),
    "case.drafted": _("Soạn tình huống từ công việc đã kết thúc"),
    "case.created": _("Tạo tình huống"),
    "case.edited": _("Sửa tình huống"),
    "lesson.asked": _("Đề nghị rút bài học"),
    "lesson.edited": _("Sửa bài học"),
    "adoption.requested": _("Đề nghị áp dụng tình huống"),
    "adoption.planned": _("Lên kế hoạch áp dụng"),
    "resource.added": _("Thêm tài liệu"),
    "resource.version_added": _("Thêm phiên bản tài liệu"),
}


CREATED_LABEL = _("Tạo mới")  # the first row of a workflow that records its creation (core.workflow.CREATED)


def _workflows() -> list:
    """Every context's workflow table, each module loaded once."""
    from sangtao.core.workflow import REGISTRY

    for config in apps.get_app_configs():
        if config.name.startswith("sangtao."):
            try:
                import_module(f"{config.name}.workflow")
            except ModuleNotFoundError:
                continue
    return list(REGISTRY.values())


def _moves() -> dict[str, str]:
    from sangtao.core.workflow import CREATED, REGISTRY

    _workflows()
    moves = {f"{flow.name}.{move.name}": f"{flow.noun}: {move.label}"
             for flow in REGISTRY.values() for move in flow.moves.values()}
    return moves | {f"{flow.name}.{CREATED}": f"{flow.noun}: {CREATED_LABEL}"
                    for flow in REGISTRY.values() if flow.records_creation}


def action_label(code: str) -> str:
    """The action in words; the code itself when nothing names it."""
    if code in ACTION_LABELS:
        return str(ACTION_LABELS[code])
    return _moves().get(code, code)


def known_actions() -> list[tuple[str, str]]:
    """Every named action, (code, words), sorted by the words: the filter's choices."""
    named = {code: str(label) for code, label in ACTION_LABELS.items()} | _moves()
    return sorted(named.items(), key=lambda item: item[1])


# The object types audit rows name that have no workflow (a workflow's own noun names the others).
OBJECT_LABELS = {
    "accounts.user": _("Người dùng"),
    "accounts.apitoken": _("Token API"),
    "orgs.orgunit": _("Đơn vị"),
    "challenges.field": _("Lĩnh vực"),
    "surveys.survey": _("Khảo sát"),
    "surveys.instrument": _("Bộ câu hỏi"),
    "review.expert": _("Chuyên gia"),
    "review.complaint": _("Khiếu nại"),
    "annual.evidencefile": _("Tệp minh chứng"),
    "knowledge.resource": _("Công cụ, biểu mẫu"),
    "core.auditevent": _("Nhật ký kiểm toán"),
}


def object_type_labels() -> dict[str, str]:
    """Each object type's words as the log's reader calls it ("Bài toán" for challenges.challenge, where
    the row's code said "challenges.challenge"); a type not named here is shown as its code."""
    nouns = {flow.model._meta.label_lower: flow.noun for flow in _workflows()}
    return {code: str(words) for code, words in (OBJECT_LABELS | nouns).items()}


# The words of the details the log shows most (a move's states and reason); other keys stay as recorded.
DETAIL_KEYS = {"from_status": _("Từ"), "to_status": _("Sang"), "reason": _("Lý do"), "changes": _("Thay đổi")}
STATE_KEYS = ("from_status", "to_status")


def state_labels() -> dict[str, dict[str, str]]:
    """Each workflow's states as its pages name them ("Sở KH&CN thẩm định" for dost_review), by object type."""
    return {flow.model._meta.label_lower: {str(value): str(label) for value, label
                                           in flow.model._meta.get_field(flow.state_field).flatchoices}
            for flow in _workflows()}


def details(data: dict, states: dict[str, str]) -> list[tuple[str, object]]:
    """A row's details as the page shows them: known keys in words, a state by its name (`states`, the
    object type's, from state_labels); the CSV keeps the codes."""
    return [(str(DETAIL_KEYS.get(key, key)), states.get(str(value), value) if key in STATE_KEYS else value)
            for key, value in data.items()]
