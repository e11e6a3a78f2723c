"""Errors that services raise; views turn them into messages, the API into JSON."""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    code = "error"
    status = 400

    def __init__(self, message=None, *, field: str | None = None, **context):
        self.message = message if message is not None else self.default_message
        self.field = field
        self.context = context
        super().__init__(str(self.message))

    default_message = _("Yêu cầu không hợp lệ.")


class NotAllowed(ServiceError):
    code = "not_allowed"
    status = 403
    default_message = _("Bạn không có quyền thực hiện thao tác này.")


class StaleState(ServiceError):
    """The object moved on since the user looked at it; nothing was applied."""

    code = "stale_state"
    status = 409
    default_message = _("Trạng thái đã thay đổi trước đó; thao tác không được thực hiện.")


class InvalidInput(ServiceError):
    code = "invalid"
    status = 422
