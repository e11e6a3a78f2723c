"""Unread notifications that ask the person to act, as one line of "Việc của tôi"."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sangtao.core.workitems import WorkItem, provider
from sangtao.notifications.services import unread_action_count


@provider("notifications.action")
def notification_work(user) -> list[WorkItem]:
    return [WorkItem("notifications.action", _("Thông báo cần xử lý"), unread_action_count(user),
                     reverse("notifications") + "#action", group=_("Thông báo"))]
