"""The initiatives' pages in the site's menu (sangtao/portal/menu.py)."""

import rules
from django.utils.translation import gettext_lazy as _

from sangtao.orgs.rules import is_dost_coordinator, is_unit_staff


@rules.predicate
def has_initiative_councils(user) -> bool:
    from sangtao.initiatives.access import visible_councils

    return visible_councils(user).exists()


def register() -> None:
    from sangtao.portal.menu import add, perm

    add("public", "initiatives:register", _("Sáng kiến"), prefixes=("/initiatives/register/", "/initiatives/people/"),
        order=25)
    add("programme", "initiatives:dashboard", _("Sổ đăng ký sáng kiến"), perm("initiatives.see_register"),
        prefixes=("/initiatives/",), order=40)
    add("programme", "initiatives:mine", _("Đơn sáng kiến của tôi"), is_unit_staff, order=41)
    add("programme", "initiatives:councils", _("Hội đồng sáng kiến"), is_dost_coordinator | has_initiative_councils,
        prefixes=("/initiatives/council/",), order=42)
