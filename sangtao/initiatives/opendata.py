"""The public register of recognised initiatives in open data and the Atom feed: only what the unit
chose to publish (title, unit, type, field, authors, dates, scope, the published summary); the
description, the novelty and above all the confidential parts never leave the platform this way."""

import json
from itertools import chain, islice

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sangtao.core.csv import streamed_csv_response
from sangtao.initiatives.access import public_initiatives, with_withheld_authors

# Field name -> description, shown in the page's language.
OPEN_DATA_FIELDS = [
    ("id", gettext_lazy("Mã sáng kiến")),
    ("url", gettext_lazy("Đường dẫn trang công khai")),
    ("title", gettext_lazy("Tên sáng kiến")),
    ("unit", gettext_lazy("Đơn vị công nhận")),
    ("unit_code", gettext_lazy("Mã đơn vị")),
    ("type", gettext_lazy("Loại giải pháp: technical | management | operational | tech_progress")),
    ("field", gettext_lazy("Lĩnh vực")),
    ("authors", gettext_lazy("Tác giả (tỷ lệ đóng góp), phân cách bởi |")),
    ("register_number", gettext_lazy("Số vào sổ của đơn vị")),
    ("recognised_on", gettext_lazy("Ngày công nhận, ISO 8601")),
    ("scope", gettext_lazy("Phạm vi ảnh hưởng: unit | city | national")),
    ("city_recognised_on", gettext_lazy("Ngày công nhận phạm vi thành phố, ISO 8601")),
    ("scope_valid_until", gettext_lazy("Giá trị xét thi đua đến, ISO 8601")),
    ("summary", gettext_lazy("Tóm tắt công bố")),
]


def _iso(value) -> str:
    return value.isoformat() if value else ""


def open_data_rows():
    items = public_initiatives().prefetch_related("authors").order_by("id").iterator(chunk_size=500)
    while chunk := list(islice(items, 500)):
        for item in with_withheld_authors(chunk):  # an author who restricted processing: the share only
            yield {
                "id": item.pk, "url": settings.SITE_URL + reverse("initiatives:public_detail", args=[item.pk]),
                "title": item.title, "unit": item.unit.name, "unit_code": item.unit.code, "type": item.kind,
                "field": item.field.name if item.field else "",
                "authors": "|".join(f"{'' if a.withheld else a.name} ({a.share.normalize():f}%)".strip()
                                    for a in item.authors.all()),
                "register_number": item.register_code, "recognised_on": _iso(item.recognised_on), "scope": item.scope,
                "city_recognised_on": _iso(item.city_recognised_on),
                "scope_valid_until": _iso(item.scope_valid_until), "summary": item.public_summary,
            }


def open_data_csv(request):
    names = [name for name, _d in OPEN_DATA_FIELDS]
    rows = ([row[name] for name in names] for row in open_data_rows())
    return streamed_csv_response(chain([names], rows), "initiatives.csv")


def open_data_json(request):
    payload = {"licence": settings.OPEN_DATA_LICENCE, "licence_url": settings.OPEN_DATA_LICENCE_URL,
               "fields": {name: str(text) for name, text in OPEN_DATA_FIELDS}, "initiatives": list(open_data_rows())}
    return HttpResponse(json.dumps(payload, ensure_ascii=False, indent=1),
                        content_type="application/json; charset=utf-8")


class InitiativeFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("Sáng kiến được công nhận")

    def link(self):
        return reverse("initiatives:register")

    def subtitle(self):
        return _("Sổ công khai các sáng kiến được công nhận trên Sáng Tạo.")

    def items(self):
        return public_initiatives().order_by("-recognised_on", "-id")[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return f"{item.unit.name}. {item.public_summary}"

    def item_link(self, item):
        return reverse("initiatives:public_detail", args=[item.pk])

    def item_pubdate(self, item):
        from datetime import datetime, time

        from django.utils import timezone

        day = item.city_recognised_on or item.recognised_on
        return timezone.make_aware(datetime.combine(day, time(8))) if day else None
