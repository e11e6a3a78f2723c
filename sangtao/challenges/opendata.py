"""Atom feed and open-data exports of public challenges (published and closed only)."""

import json
from itertools import chain

from django import forms
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sangtao.challenges.access import public_challenges
from sangtao.challenges.models import Field
from sangtao.core.csv import streamed_csv_response

# Field name -> description, shown on /open-data/ in the page's language.
OPEN_DATA_FIELDS = [
    ("id", gettext_lazy("Mã bài toán")),
    ("url", gettext_lazy("Đường dẫn trang bài toán")),
    ("title", gettext_lazy("Tên bài toán (tiếng Việt)")),
    ("title_en", gettext_lazy("Tên tiếng Anh (có thể trống)")),
    ("summary", gettext_lazy("Tóm tắt")),
    ("field", gettext_lazy("Lĩnh vực")),
    ("owner_unit", gettext_lazy("Đơn vị đặt hàng")),
    ("owner_unit_code", gettext_lazy("Mã đơn vị (mã hành chính nếu có)")),
    ("status", gettext_lazy("Trạng thái: published | closed")),
    ("facet", gettext_lazy("Loại đổi mới OPSI: enhancement | mission | adaptive | anticipatory")),
    ("selection_mode", gettext_lazy("Hình thức: open (tuyển chọn) | direct (giao trực tiếp)")),
    ("budget_min_vnd", gettext_lazy("Kinh phí dự kiến từ (VNĐ)")),
    ("budget_max_vnd", gettext_lazy("Kinh phí dự kiến đến (VNĐ)")),
    ("call_opens_at", gettext_lazy("Mở nhận hồ sơ, ISO 8601 có múi giờ")),
    ("call_closes_at", gettext_lazy("Hạn nhận hồ sơ, ISO 8601 có múi giờ")),
    ("published_at", gettext_lazy("Thời điểm công bố, ISO 8601")),
    ("tags", gettext_lazy("Từ khóa, phân cách bởi |")),
]


def _iso(value):
    return value.isoformat() if value else ""


def open_data_rows():
    queryset = public_challenges().order_by("id")
    for challenge in queryset.iterator(chunk_size=500):
        yield {
            "id": challenge.pk,
            "url": settings.SITE_URL + challenge.get_absolute_url(),
            "title": challenge.title,
            "title_en": challenge.title_en,
            "summary": challenge.summary,
            "field": challenge.field.name,
            "owner_unit": challenge.owner_unit.name,
            "owner_unit_code": challenge.owner_unit.code,
            "status": challenge.status,
            "facet": challenge.facet,
            "selection_mode": challenge.selection_mode,
            "budget_min_vnd": challenge.budget_min_vnd,
            "budget_max_vnd": challenge.budget_max_vnd,
            "call_opens_at": _iso(challenge.call_opens_at),
            "call_closes_at": _iso(challenge.call_closes_at),
            "published_at": _iso(challenge.published_at),
            "tags": "|".join(challenge.tags),
        }


def open_data_csv(request):
    names = [name for name, _d in OPEN_DATA_FIELDS]
    rows = ([row[name] for name in names] for row in open_data_rows())
    return streamed_csv_response(chain([names], rows), "challenges.csv")


def open_data_json(request):
    payload = {
        "licence": settings.OPEN_DATA_LICENCE,
        "licence_url": settings.OPEN_DATA_LICENCE_URL,
        "fields": {name: str(text) for name, text in OPEN_DATA_FIELDS},
        "challenges": list(open_data_rows()),
    }
    return HttpResponse(json.dumps(payload, ensure_ascii=False, indent=1),
                        content_type="application/json; charset=utf-8")


def open_data_page(request):
    return render(request, "challenges/open_data.html", {
        "fields": OPEN_DATA_FIELDS, "licence": settings.OPEN_DATA_LICENCE,
        "licence_url": settings.OPEN_DATA_LICENCE_URL,
    })


class FeedFilter(forms.Form):
    field = forms.SlugField(max_length=Field._meta.get_field("slug").max_length, required=False)


class ChallengeFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        asked = FeedFilter(request.GET)  # a field that cannot be a slug (a NUL: a 500 on PostgreSQL) is no field
        if not asked.is_valid():
            raise Http404
        slug = asked.cleaned_data["field"]
        return get_object_or_404(Field, slug=slug) if slug else None

    def title(self, obj):
        return _("Bài toán lớn đang công bố") + (f" — {obj.name}" if obj else "")

    def link(self, obj):
        return "/challenges/" + (f"?field={obj.slug}" if obj else "")

    def subtitle(self, obj):
        return _("Các bài toán lớn đổi mới sáng tạo khu vực công đang công bố trên Sáng Tạo.")

    def items(self, obj):
        queryset = public_challenges().order_by("-published_at", "-id")
        if obj is not None:
            queryset = queryset.filter(field=obj)
        return queryset[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.field.name]
