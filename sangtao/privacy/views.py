from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sangtao.core.feedback import form_refused, run_service
from sangtao.core.text import clean
from sangtao.privacy import services
from sangtao.privacy.forms import ErasureForm, LiftRestrictionForm, RestrictionForm
from sangtao.privacy.models import PersonalDataRead, ProcessingRestriction, Purpose, RestrictionStatus


class ReadLogFilter(forms.Form):
    person = forms.CharField(label=gettext_lazy("Dữ liệu của (tên, tên đăng nhập hoặc email)"), max_length=150,
                             required=False)
    # One person's reads, by id: the links of other pages (a person's own data page) name them so.
    user = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False, widget=forms.HiddenInput)

    def apply(self, reads):
        if not self.is_valid():
            return reads
        if self.cleaned_data.get("user"):
            reads = reads.filter(subject_id=self.cleaned_data["user"])
        person = clean(self.cleaned_data.get("person") or "")
        if person:
            reads = reads.filter(Q(subject__full_name__icontains=person) | Q(subject__username__icontains=person)
                                 | Q(subject__email__icontains=person) | Q(subject_label__icontains=person))
        return reads


def notices(request):
    """The privacy notice of every purpose, in the reader's language, from the purposes' data."""
    return render(request, "privacy/notices.html", {"purposes": Purpose.objects.all()})


def notice(request, key):
    """The privacy notice of one purpose, its own page, from the same data as the page of all of them."""
    purpose = get_object_or_404(Purpose, key=key)
    return render(request, "privacy/notices.html", {"purposes": [purpose], "single": purpose})


@login_required
def read_log(request):
    """DoST: every recorded read of personal data, newest first; ?user=<id> for one person's."""
    if not request.user.has_perm("privacy.view_read_log"):
        raise Http404
    form = ReadLogFilter(request.GET or None)
    reads = form.apply(PersonalDataRead.objects.select_related("reader", "subject"))
    page = Paginator(reads, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {name: value for name, value in form.cleaned_data.items() if value} if form.is_valid() else {}
    return render(request, "privacy/read_log.html", {"page": page, "form": form, "querystring": urlencode(kept)})


def _named(page):
    page.object_list = services.name_readers(page.object_list)
    return page


@login_required
def my_data(request):
    consents = services.current_consents(request.user)
    purposes = [(purpose, consents.get(purpose.key)) for purpose in Purpose.objects.filter(third_party=False)]
    return render(request, "privacy/mine.html", {
        "restriction": services.active_restriction(request.user),
        "purposes": purposes, "exports": request.user.data_exports.select_related("job")[:5],
        "page": _named(Paginator(services.reads_of(request.user), settings.PAGE_SIZE).get_page(request.GET.get("page"))),
        "kept": services.KEPT_ON_DELETION,
    })


@login_required
@require_POST
def consent(request, key):
    purpose = Purpose.objects.filter(key=key, third_party=False).first()
    if purpose is None or purpose.required:
        return redirect("privacy:mine")
    if request.POST.get("give") == "1":
        services.give_consent(request.user, key, request=request)
        messages.success(request, _("Đã ghi nhận sự đồng ý."))
    else:
        services.withdraw_consent(request.user, key, request=request)
        messages.success(request, _("Đã rút lại sự đồng ý."))
    return redirect("privacy:mine")


@login_required
@require_POST
def export_request(request):
    services.request_export(request.user)
    messages.success(request, _("Đang tạo bản xuất dữ liệu. Trang này sẽ cho tải về khi xong."))
    return redirect("privacy:mine")


@login_required
def export_download(request, pk):
    return services.export_response(request.user, pk)


@login_required
def delete_account(request):
    if request.method == "POST":
        if form_refused(request, ErasureForm(request.POST, user=request.user)):  # a wrong or over-long password
            return redirect("privacy:delete")
        erased = services.erase_account(request.user, actor=request.user)
        from django.contrib.auth import logout

        logout(request)
        messages.success(request, _("Đã xoá tài khoản. Những gì luật yêu cầu giữ lại đã được thay bằng bí danh."))
        messages.info(request, _("Cũng đã xoá %(exports)s bản xuất dữ liệu cá nhân và %(files)s tệp kết quả của các "
                                 "công việc chạy nền bạn đã chạy.") % {
            "exports": erased["exports"], "files": erased["job_files"]})
        return redirect("home")
    return render(request, "privacy/delete.html", {"kept": services.KEPT_ON_DELETION})


@login_required
@require_POST
def restrict(request):
    """The person asks to restrict the processing of their data."""
    form = RestrictionForm(request.POST)
    if not form_refused(request, form):
        run_service(request, services.request_restriction, request.user, form.cleaned_data["reason"],
                    actor=request.user, success=_("Đã ghi nhận yêu cầu hạn chế xử lý. Sở KH&CN đã được thông báo."))
    return redirect("privacy:mine")


@login_required
def restrictions(request):
    """DoST: every restriction of processing, active first, each with its lifting."""
    if not request.user.has_perm("privacy.manage_restrictions"):
        raise Http404
    rows = ProcessingRestriction.objects.select_related("user", "lifted_by").order_by("status", "-requested_at")
    return render(request, "privacy/restrictions.html", {
        "active": [r for r in rows[:500] if r.status == RestrictionStatus.ACTIVE],
        "lifted": [r for r in rows[:500] if r.status == RestrictionStatus.LIFTED][:50]})


@login_required
@require_POST
def restriction_lift(request, pk):
    if not request.user.has_perm("privacy.manage_restrictions"):
        raise Http404
    restriction = get_object_or_404(ProcessingRestriction, pk=pk)
    form = LiftRestrictionForm(request.POST)
    if not form_refused(request, form):
        run_service(request, services.lift_restriction, restriction, form.cleaned_data["reason"], actor=request.user,
                    success=_("Đã gỡ hạn chế xử lý."))
    return redirect("privacy:restrictions")
