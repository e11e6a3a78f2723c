"""The site's navigation, as data, in one place: groups of entries, each shown to whom its predicate admits.

A context adds its pages with one line, in its AppConfig.ready() (or here):

    from sangtao.portal.menu import add
    add("programme", "annual:plans", _("Kế hoạch năm"), is_dost_coordinator | is_unit_staff, prefixes=("/annual/",))

The header menu, the phone menu and the breadcrumbs of nested pages all read this list, so a
page in the menu is reachable by every role that may open it and by no other (the predicate must
admit exactly who the page answers 200 to: no link may lead to a 404).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import rules
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from sangtao.orgs.rules import is_dost_coordinator, is_signed_in, is_solver_member, is_unit_staff

# The groups, in the order they are shown ("public" is shown as plain links before the others).
GROUPS: dict[str, Any] = {
    "public": _("Công khai"),
    "programme": _("Chương trình"),
    "selection": pgettext_lazy("menu", "Tuyển chọn"),
    "delivery": _("Triển khai"),
    "measurement": _("Đo lường"),
    "admin": pgettext_lazy("menu", "Quản trị"),
}


@dataclass(frozen=True)
class Entry:
    group: str
    url_name: str
    label: Any
    predicate: rules.Predicate
    # Paths (without the language prefix) of the pages nested under this entry, for breadcrumbs.
    prefixes: tuple[str, ...] = field(default=())
    order: int = 100


ENTRIES: list[Entry] = []


def add(group: str, url_name: str, label: Any, predicate: Callable[[Any], bool] = rules.always_allow,
        prefixes: tuple[str, ...] = (), order: int = 100) -> Entry:
    """Put a page in the menu (re-adding the same url name replaces the entry)."""
    if group not in GROUPS:
        raise ValueError(f"unknown menu group {group!r}; one of {sorted(GROUPS)}")
    test = predicate if isinstance(predicate, rules.Predicate) else rules.predicate(predicate)
    entry = Entry(group, url_name, label, test, tuple(prefixes), order)
    ENTRIES[:] = [existing for existing in ENTRIES if existing.url_name != url_name] + [entry]
    return entry


def perm(name: str) -> rules.Predicate:
    """A predicate: the user holds this (object-less) permission."""
    return rules.predicate(lambda user: bool(user.has_perm(name)), name=f"perm:{name}")


@rules.predicate
def is_expert(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and hasattr(user, "expert"))


@rules.predicate
def is_site_admin(user) -> bool:
    return bool(getattr(user, "is_staff", False))


@rules.predicate
def has_projects(user) -> bool:
    from sangtao.projects.access import visible_projects

    return visible_projects(user).exists()


@rules.predicate
def manages_surveys(user) -> bool:
    from sangtao.surveys.access import managed_surveys

    return managed_surveys(user).exists()


# --- the pages of the contexts in place -----------------------------------------------------------
add("public", "challenges:list", _("Bài toán"), order=10)
add("public", "evaluation:dashboard", pgettext_lazy("menu", "Kết quả"), order=20)
# Open data is linked from every page's footer (with the API and the feeds), where publishers keep it:
# the header keeps its room for the work, on one line at 1366 px for every role.

add("programme", "challenges:mine", _("Bài toán của đơn vị"), is_unit_staff | is_dost_coordinator, order=10)
add("programme", "challenges:create", _("Đề xuất bài toán mới"), perm("challenges.create_challenge"), order=20)
add("programme", "challenges:portfolio", _("Danh mục bài toán"), is_dost_coordinator, order=30)

add("selection", "proposals:mine", _("Hồ sơ của tổ chức"), is_solver_member, prefixes=("/proposals/",), order=10)
add("selection", "review:my_reviews", _("Hồ sơ cần chấm"), is_expert, prefixes=("/reviews/",), order=20)
add("selection", "review:my_profile", _("Hồ sơ chuyên gia của tôi"), is_expert, order=30)
add("selection", "review:councils", _("Hội đồng"), is_dost_coordinator, prefixes=("/councils/",), order=40)
add("selection", "review:experts", pgettext_lazy("menu", "Chuyên gia"), is_dost_coordinator, prefixes=("/experts/",), order=50)
add("selection", "orgs:solvers", pgettext_lazy("menu", "Tổ chức giải quyết"), is_dost_coordinator, prefixes=("/solvers/",), order=60)
add("selection", "review:complaints", pgettext_lazy("menu", "Khiếu nại"), is_dost_coordinator, order=70)

add("delivery", "projects:portfolio", _("Dự án"), perm("projects.view_portfolio") | (is_solver_member & has_projects),
    prefixes=("/projects/",), order=10)

add("measurement", "surveys:list", _("Khảo sát"), perm("surveys.create") | (is_unit_staff & manages_surveys),
    prefixes=("/surveys/",), order=10)

add("admin", "orgs:units", pgettext_lazy("menu", "Đơn vị"), is_dost_coordinator, prefixes=("/manage/units/",), order=10)
add("admin", "orgs:users", _("Người dùng"), is_dost_coordinator, prefixes=("/manage/users/",), order=20)
add("admin", "challenges:fields", pgettext_lazy("menu", "Lĩnh vực"), is_dost_coordinator, prefixes=("/manage/fields/",), order=30)
add("admin", "audit:log", _("Nhật ký kiểm toán"), is_dost_coordinator, order=40)
add("admin", "admin:index", _("Quản trị hệ thống"), is_site_admin, order=90)


# --- what a request sees ------------------------------------------------------------------------

@dataclass
class Link:
    url: str
    label: Any
    current: bool = False


@dataclass
class Group:
    key: str
    label: Any
    links: list[Link]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


def _url(name: str) -> str | None:
    return _reversed(name, get_language(), get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=1024)
def _reversed(name: str, language: str | None, prefix: str, urlconf: str | None) -> str | None:
    """A menu entry's path: the same for every request in one language (reversing each entry on
    every page was a tenth of the menu's cost)."""
    try:
        return reverse(name, urlconf=urlconf)
    except NoReverseMatch:
        return None


@functools.lru_cache(maxsize=8)
def _in_order(entries: tuple[Entry, ...]) -> list[Entry]:
    return sorted(entries, key=lambda e: (list(GROUPS).index(e.group), e.order))


def menu_for(request) -> dict[str, Any]:
    """The groups the user sees (public first) and the breadcrumbs of the page (empty on a menu page)."""
    user = request.user
    path = request.path
    home = reverse("home")  # "/" or "/en/": the language prefix of the nested paths
    allowed = [entry for entry in _in_order(tuple(ENTRIES))
               if (entry.predicate is rules.always_allow or is_signed_in(user)) and entry.predicate.test(user)]
    groups: dict[str, Group] = {}
    best: tuple[int, Entry, str] | None = None
    exact = False
    for entry in allowed:
        url = _url(entry.url_name)
        if url is None:
            continue
        is_here = path == url
        exact = exact or is_here
        groups.setdefault(entry.group, Group(entry.group, GROUPS[entry.group], [])).links.append(
            Link(url, entry.label, is_here))
        for prefix in (url, *(home.rstrip("/") + p for p in entry.prefixes)):
            if path.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), entry, url)
    public = groups.pop("public", Group("public", GROUPS["public"], []))
    crumbs: list[Link] = []
    if best is not None and not exact:
        _length, entry, url = best
        for link in groups.get(entry.group, public).links:
            link.current = link.url == url
        crumbs = [Link(home, _("Trang chủ")), *([] if entry.group == "public" else [Link("", GROUPS[entry.group])]),
                  Link(url, entry.label)]
    return {"menu_public": public.links, "menu_groups": list(groups.values()), "breadcrumbs": crumbs}
