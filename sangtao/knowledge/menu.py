"""The knowledge pages in the site's menu (sangtao/portal/menu.py)."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from sangtao.portal.menu import add, perm

    add("public", "knowledge:cases", _("Tình huống"), prefixes=("/cases/",), order=27)
    add("public", "knowledge:library", _("Thư viện"), prefixes=("/knowledge/library/",), order=28)
    add("programme", "knowledge:lessons", _("Bài học kinh nghiệm"), perm("knowledge.read_internal"),
        prefixes=("/knowledge/lessons/", "/knowledge/reviews/"), order=50)
    add("programme", "knowledge:adoptions", _("Đề nghị áp dụng tình huống"), perm("knowledge.read_internal"),
        prefixes=("/knowledge/adoptions/",), order=51)
