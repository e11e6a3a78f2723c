from django.db import migrations

from sangtao.core.chain import refuse_changes

PURPOSES = [
    ("account", True,
     "Tài khoản", "Account",
     "Sáng Tạo dùng địa chỉ email, họ tên và mật khẩu (đã băm) của bạn để tạo và bảo vệ tài khoản, gửi thông báo "
     "bạn yêu cầu và ghi nhật ký đăng nhập. Bên kiểm soát dữ liệu: Sở Khoa học và Công nghệ. Dữ liệu không được "
     "chuyển cho bên thứ ba. Bạn có quyền xem, xuất, sửa, hạn chế xử lý và yêu cầu xoá dữ liệu (Luật Bảo vệ dữ liệu "
     "cá nhân 91/2025/QH15, Nghị định 13/2023/NĐ-CP).",
     "Sáng Tạo uses your e-mail address, name and (hashed) password to create and protect your account, send the "
     "notifications you ask for and log sign-ins. Controller: the Department of Science and Technology. The data is "
     "not passed to third parties. You may view, export, correct, restrict and ask to delete your data (Law on "
     "Personal Data Protection 91/2025/QH15, Decree 13/2023/ND-CP).",
     "Email, họ tên, mật khẩu đã băm, nhật ký đăng nhập", "E-mail, name, hashed password, sign-in log",
     "Đến khi xoá tài khoản; nhật ký 5 năm", "Until the account is deleted; the log 5 years"),
    ("profile", False,
     "Thông tin hồ sơ tuỳ chọn", "Optional profile data",
     "Nếu bạn đồng ý, số điện thoại và mức định danh do nhà cung cấp đăng nhập một lần gửi được lưu và hiển thị cho "
     "cán bộ xử lý hồ sơ của bạn.",
     "If you agree, the phone number and identity level sent by your single sign-on provider are kept and shown to "
     "the officers handling your files.",
     "Số điện thoại, mức định danh", "Phone number, identity level",
     "Đến khi rút lại đồng ý", "Until consent is withdrawn"),
    ("survey_followup", False,
     "Liên hệ lại sau khảo sát", "Follow-up contact after a survey",
     "Nếu bạn đồng ý, email bạn để lại trong một khảo sát được dùng một lần để hỏi thêm về câu trả lời; câu trả lời "
     "vẫn được thống kê ẩn danh.",
     "If you agree, the e-mail you leave in a survey is used once to ask more about your answer; answers are still "
     "counted anonymously.",
     "Email liên hệ", "Contact e-mail",
     "12 tháng", "12 months"),
    ("publish_name", False,
     "Công bố tên kèm câu trả lời", "Publishing your name with an answer",
     "Nếu bạn đồng ý, tên bạn được hiển thị công khai cạnh câu hỏi và trả lời bạn viết; nếu không, chúng được hiển "
     "thị không kèm tên.",
     "If you agree, your name is shown publicly beside the questions and answers you write; otherwise they are "
     "shown without it.",
     "Họ tên", "Name",
     "Đến khi rút lại đồng ý", "Until consent is withdrawn"),
]

RETENTION = [
    ("data_exports", "Bản xuất dữ liệu cá nhân", "Personal-data exports", 7),
    ("unconfirmed_accounts", "Tài khoản chưa xác nhận email", "Accounts whose e-mail was never confirmed", 30),
    ("survey_followup_emails", "Email liên hệ lại trong khảo sát", "Survey follow-up e-mails", 365),
]


def seed(apps, schema_editor):
    Purpose = apps.get_model("privacy", "Purpose")
    for key, required, name_vi, name_en, notice_vi, notice_en, data_vi, data_en, ret_vi, ret_en in PURPOSES:
        Purpose.objects.get_or_create(key=key, defaults={
            "required": required, "name_vi": name_vi, "name_en": name_en, "notice_vi": notice_vi,
            "notice_en": notice_en, "data_vi": data_vi, "data_en": data_en, "retention_vi": ret_vi,
            "retention_en": ret_en})
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for kind, label_vi, label_en, days in RETENTION:
        RetentionRule.objects.get_or_create(kind=kind, defaults={"label_vi": label_vi, "label_en": label_en,
                                                                 "days": days})


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial"), ("core", "0003_append_only_triggers")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        refuse_changes("privacy_consent", "privacy_personaldataread"),
    ]
