from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from sangtao.core.errors import ServiceError
from sangtao.orgs import services
from sangtao.orgs.forms import (
    InviteForm,
    MembershipForm,
    SolverRegistrationForm,
    UnitFilterForm,
    UnitForm,
    UserForm,
    UserSearchForm,
)
from sangtao.orgs.models import Invitation, Membership, OrgUnit, Role, UnitKind
from sangtao.orgs.rules import is_member_of_solver
from sangtao.privacy.models import ReadKind, RestrictionStatus
from sangtao.privacy.services import is_restricted, log_contact_reads, log_read, restricted_among

User = get_user_model()


def _require_manager(request) -> None:
    if not request.user.has_perm("orgs.manage"):
        raise Http404


@login_required
def unit_list(request):
    _require_manager(request)
    form = UnitFilterForm(request.GET or None)
    units = OrgUnit.objects.select_related("parent")
    query = ""
    if form.is_valid():
        if form.cleaned_data["kind"]:
            units = units.filter(kind=form.cleaned_data["kind"])
        if not form.cleaned_data["include_dissolved"]:
            units = units.current()
        query = form.cleaned_data["q"].strip()
    else:
        units = units.current()
    page = Paginator(units.matching(query), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "orgs/unit_list.html", {"form": form, "page": page, "querystring": params.urlencode()})


@login_required
def unit_edit(request, pk=None):
    _require_manager(request)
    unit = get_object_or_404(OrgUnit, pk=pk) if pk else None
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_unit(request.user, form.save(commit=False), form.cleaned_data["successors"])
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Đã lưu đơn vị %(name)s.") % {"name": saved.name})
            return redirect("orgs:units")
    context = {"form": form, "unit": unit}
    if unit:
        context["predecessors"] = unit.predecessors.all()
        context["current_successors"] = unit.current_successors() if unit.is_dissolved else []
    return render(request, "orgs/unit_form.html", context)


@login_required
def user_list(request):
    _require_manager(request)
    form = UserSearchForm(request.GET)  # a search longer than any name is told beside the box, not run
    query = form.cleaned_data["q"] if form.is_valid() else ""
    users = User.objects.order_by("username").prefetch_related("memberships__unit")
    if query:
        # A restricted person's e-mail is not used, not even to find them (their username and name still are).
        by_email = Q(email__icontains=query) & ~Q(restrictions__status=RestrictionStatus.ACTIVE)
        users = users.filter(Q(username__icontains=query) | by_email | Q(full_name__icontains=query)).distinct()
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    restricted = restricted_among(u.pk for u in page.object_list)
    # The e-mails shown are contact details: each is a logged read (a restricted person's is not shown).
    log_contact_reads(request.user, [u for u in page.object_list if u.pk not in restricted],
                      gettext_noop("Xem danh sách người dùng"))
    return render(request, "orgs/user_list.html", {"page": page, "form": form, "restricted": restricted})


@login_required
def user_edit(request, pk=None):
    _require_manager(request)
    user = get_object_or_404(User, pk=pk) if pk else None
    # While the person restricts the processing of their data, their e-mail is neither shown nor changed here.
    restricted = user is not None and is_restricted(user)
    form = UserForm(request.POST or None, instance=user, restricted=restricted)
    if request.method == "POST" and form.is_valid():
        saved = services.save_user(request.user, form.save(commit=False), form.cleaned_data["password"])
        messages.success(request, _("Đã lưu người dùng %(name)s.") % {"name": saved.username})
        return redirect("orgs:user_edit", pk=saved.pk)
    context = {"form": form, "managed_user": user, "membership_form": MembershipForm(), "restricted": restricted}
    if user and not restricted and request.method == "GET":  # the person's contact details are shown: logged
        log_read(request.user, ReadKind.CONTACT, subject=user, obj=user, reason=gettext_noop("Quản lý người dùng"))  # stored as the source text
    if user:
        context["memberships"] = Membership.objects.filter(user=user).select_related("unit")
    return render(request, "orgs/user_form.html", context)


@login_required
@require_POST
def membership_add(request, pk):
    _require_manager(request)
    user = get_object_or_404(User, pk=pk)
    form = MembershipForm(request.POST)
    if form.is_valid():
        try:
            services.add_membership(request.user, user, form.cleaned_data["role"], form.cleaned_data["unit"])
            messages.success(request, _("Đã thêm vai trò."))
        except ServiceError as error:
            messages.error(request, str(error.message))
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect("orgs:user_edit", pk=user.pk)


@login_required
@require_POST
def membership_remove(request, pk, membership_id):
    _require_manager(request)
    membership = get_object_or_404(Membership.objects.select_related("user", "unit"), pk=membership_id, user_id=pk)
    services.remove_membership(request.user, membership)
    messages.success(request, _("Đã gỡ vai trò."))
    return redirect("orgs:user_edit", pk=pk)


# --- solver organisations -----------------------------------------------------------------

@login_required
def solver_register(request):
    form = SolverRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.register_solver(request.user, form.cleaned_data)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Đã đăng ký tổ chức. Sở KH&CN sẽ xác minh; trong lúc chờ, tổ chức vẫn có thể nộp hồ sơ."))
            return redirect("orgs:solver", unit.pk)
    return render(request, "orgs/solver_register.html", {"form": form})


def _solver_for(pk) -> OrgUnit:
    return get_object_or_404(OrgUnit.objects.select_related("solver_profile"), pk=pk, kind=UnitKind.SOLVER,
                             solver_profile__isnull=False)


def solver_detail(request, pk):
    unit = _solver_for(pk)
    member = is_member_of_solver(request.user, unit)
    insider = member or request.user.has_perm("orgs.manage")
    members = list(Membership.objects.filter(unit=unit, role=Role.SOLVER).select_related("user")) if insider else []
    restricted = restricted_among(m.user_id for m in members if m.user_id != request.user.pk)
    log_contact_reads(request.user, [m.user for m in members if m.user_id not in restricted],
                      gettext_noop("Xem thành viên của tổ chức"))
    return render(request, "orgs/solver_detail.html", {
        "unit": unit, "profile": unit.solver_profile, "insider": insider, "member": member,
        "members": members,
        "restricted": restricted,
        "invitations": unit.invitations.filter(accepted_at__isnull=True) if insider else [],
        "invite_form": InviteForm(),
    })


@login_required
@require_POST
def solver_invite(request, pk):
    unit = _solver_for(pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nhập một địa chỉ email hợp lệ."))
    else:
        try:
            services.invite_member(unit, request.user, form.cleaned_data["email"])
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Đã gửi lời mời tới %(email)s.") % {"email": form.cleaned_data["email"]})
    return redirect("orgs:solver", unit.pk)


@login_required
@require_POST
def solver_verify(request, pk):
    unit = _solver_for(pk)
    _require_manager(request)
    try:
        services.verify_solver(unit, request.user)
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Đã xác minh %(name)s.") % {"name": unit.name})
    return redirect("orgs:solver", unit.pk)


@login_required
def solver_list(request):
    _require_manager(request)
    units = OrgUnit.objects.filter(kind=UnitKind.SOLVER, solver_profile__isnull=False).select_related(
        "solver_profile").order_by("-solver_profile__verified_at", "sort_name")
    unverified = request.GET.get("unverified") == "1"
    if unverified:
        units = units.filter(solver_profile__verified_at__isnull=True)
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(request, "orgs/solver_list.html", {"page": page, "unverified": unverified,
                                                     "querystring": "unverified=1" if unverified else ""})


@login_required
def invitation_accept(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("unit"), token=token)
    if request.method == "POST":
        try:
            services.accept_invitation(token, request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Bạn đã là thành viên của %(name)s.") % {"name": invitation.unit.name})
            return redirect("orgs:solver", invitation.unit.pk)
    return render(request, "orgs/invitation.html", {"invitation": invitation})
