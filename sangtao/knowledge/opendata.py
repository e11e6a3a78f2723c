"""Published public cases in open data (CSV, JSON) and the Atom feed. Internal cases, cases being
written and lessons never leave the platform this way; a case drafted from an initiative holds no
confidential part (refused on every edit), so nothing confidential can reach these files."""

import json
from itertools import chain

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sangtao.core.csv import streamed_csv_response
from sangtao.knowledge.access import public_cases
from sangtao.knowledge.models import SECTIONS, AdoptionStatus

OPEN_DATA_FIELDS = [
    ("id", gettext_lazy("Mã tình huống")),
    ("url", gettext_lazy("Đường dẫn trang công khai")),
    ("title", gettext_lazy("Tên tình huống")),
    ("title_en", gettext_lazy("Tên tiếng Anh")),
    ("unit", gettext_lazy("Đơn vị")),
    ("unit_code", gettext_lazy("Mã đơn vị")),
    ("field", gettext_lazy("Lĩnh vực")),
    ("facet", gettext_lazy("Loại đổi mới (OPSI): enhancement | mission | adaptive | anticipatory")),
    ("stage", gettext_lazy("Giai đoạn: identifying | ideas | proposals | implementing | evaluating | spreading")),
    ("published_at", gettext_lazy("Ngày công bố, ISO 8601")),
    ("reused_by", gettext_lazy("Số đơn vị đã áp dụng lại")),
    *[(name, gettext_lazy("Mục «%(section)s»") % {"section": label}) for key, label in SECTIONS
      for name in (key, f"{key}_en")],
]


def open_data_rows():
    from django.db.models import Count, Q

    cases = public_cases().annotate(reused=Count("adoptions", filter=Q(adoptions__status=AdoptionStatus.ACCEPTED)))
    for case in cases.order_by("id").iterator(chunk_size=500):
        row = {
            "id": case.pk, "url": settings.SITE_URL + reverse("knowledge:case", args=[case.pk]),
            "title": case.title, "title_en": case.title_en, "unit": case.unit.name, "unit_code": case.unit.code,
            "field": case.field.name if case.field else "", "facet": case.facet, "stage": case.stage,
            "published_at": case.published_at.isoformat() if case.published_at else "", "reused_by": case.reused,
        }
        for key, _label in SECTIONS:
            row[key] = getattr(case, key)
            row[f"{key}_en"] = getattr(case, f"{key}_en")
        yield row


def open_data_csv(request):
    names = [name for name, _d in OPEN_DATA_FIELDS]
    rows = ([row[name] for name in names] for row in open_data_rows())
    return streamed_csv_response(chain([names], rows), "cases.csv")


def open_data_json(request):
    payload = {"licence": settings.OPEN_DATA_LICENCE, "licence_url": settings.OPEN_DATA_LICENCE_URL,
               "fields": {name: str(text) for name, text in OPEN_DATA_FIELDS}, "cases": list(open_data_rows())}
    return HttpResponse(json.dumps(payload, ensure_ascii=False, indent=1),
                        content_type="application/json; charset=utf-8")


class CaseFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("Tình huống đổi mới sáng tạo")

    def link(self):
        return reverse("knowledge:cases")

    def subtitle(self):
        return _("Các tình huống đổi mới sáng tạo khu vực công được công bố trên Sáng Tạo.")

    def items(self):
        return public_cases().order_by("-published_at", "-id")[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return f"{item.unit.name}. {item.summary}"

    def item_link(self, item):
        return reverse("knowledge:case", args=[item.pk])

    def item_pubdate(self, item):
        return item.published_at
