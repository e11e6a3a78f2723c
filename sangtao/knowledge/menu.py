"""The knowledge pages in the site's menu (sangtao/portal/menu.py)."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from sangtao.portal.menu import add, perm

    # One link for the cases and the library of tools (the cases page leads to it): the header has
    # room for one more public link at 1366 px in DoST's menu, not two.
    add("public", "knowledge:cases", _("Tình huống"), prefixes=("/cases/", "/knowledge/library/"), order=27)
    add("programme", "knowledge:lessons", _("Bài học kinh nghiệm"), perm("knowledge.read_internal"),
        prefixes=("/knowledge/lessons/", "/knowledge/reviews/"), order=50)
    add("programme", "knowledge:adoptions", _("Đề nghị áp dụng tình huống"), perm("knowledge.read_internal"),
        prefixes=("/knowledge/adoptions/",), order=51)
