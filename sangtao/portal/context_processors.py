from django.conf import settings

from sangtao.notifications.services import unread_count
from sangtao.orgs.models import Role
from sangtao.orgs.roles import is_dost, staff_unit_ids, units_with_role


def site(request):
    user = request.user
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "unread_notifications": unread_count(user),
        "user_is_dost": is_dost(user),
        "user_is_staff_member": bool(staff_unit_ids(user)),
        "user_is_solver": bool(units_with_role(user, Role.SOLVER)),
        "user_is_expert": bool(getattr(user, "is_authenticated", False) and hasattr(user, "expert")),
    }
