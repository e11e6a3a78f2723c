from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sangtao.core.errors import ServiceError
from sangtao.orgs import services
from sangtao.orgs.forms import MembershipForm, UnitFilterForm, UnitForm, UserForm
from sangtao.orgs.models import Membership, OrgUnit

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
    query = request.GET.get("q", "").strip()
    users = User.objects.order_by("username").prefetch_related("memberships__unit")
    if query:
        users = users.filter(Q(username__icontains=query) | Q(email__icontains=query) | Q(full_name__icontains=query))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "orgs/user_list.html", {"page": page, "query": query})


@login_required
def user_edit(request, pk=None):
    _require_manager(request)
    user = get_object_or_404(User, pk=pk) if pk else None
    form = UserForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        saved = services.save_user(request.user, form.save(commit=False), form.cleaned_data["password"])
        messages.success(request, _("Đã lưu người dùng %(name)s.") % {"name": saved.username})
        return redirect("orgs:user_edit", pk=saved.pk)
    context = {"form": form, "managed_user": user, "membership_form": MembershipForm()}
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
