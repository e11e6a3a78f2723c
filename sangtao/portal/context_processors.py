from django.conf import settings

from sangtao.notifications.services import unread_count
from sangtao.orgs.rules import is_dost_coordinator, is_solver_member, is_unit_staff
from sangtao.portal.menu import menu_for


def site(request):
    user = request.user
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "unread_notifications": unread_count(user),
        "user_is_dost": is_dost_coordinator(user),
        "user_is_staff_member": is_unit_staff(user),
        "user_is_solver": is_solver_member(user),
        "user_is_expert": bool(getattr(user, "is_authenticated", False) and hasattr(user, "expert")),
        **menu_for(request),
    }
