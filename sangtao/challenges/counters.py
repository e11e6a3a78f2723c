"""The challenge counters of the public outcomes page and DoST's portfolio (core/counters.py)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Facet, Field, Status
from sangtao.core.counters import Counter, counter
from sangtao.orgs.models import OrgUnit

PUBLIC_BY_STAGE = counter(
    "outcomes.by_stage", _("Bài toán công khai theo giai đoạn"),
    _("Số bài toán ở mỗi trạng thái hiện tại, đếm trong bảng bài toán, chỉ những bài toán đã công bố "
      "(đang nhận hồ sơ trở đi); bản nháp, bài toán đang chờ duyệt, bị từ chối hoặc rút lại không được đếm."))
PUBLIC_BY_FIELD = counter(
    "outcomes.by_field", _("Bài toán công khai theo lĩnh vực"),
    _("Số bài toán đã công bố theo lĩnh vực được chọn khi lập bài toán; mỗi bài toán thuộc một lĩnh vực."))
PUBLIC_BY_FACET = counter(
    "outcomes.by_facet", _("Bài toán công khai theo loại đổi mới (OPSI)"),
    _("Số bài toán đã công bố theo loại đổi mới (nâng cao, thích ứng, dự báo, định hướng sứ mệnh) do đơn vị chọn."))
PUBLIC_BY_UNIT = counter(
    "outcomes.by_unit", _("Bài toán công khai theo đơn vị đặt hàng"),
    _("Số bài toán đã công bố theo đơn vị chủ trì đặt hàng; đơn vị phối hợp không được đếm."))
ALL_BY_STAGE = counter(
    "portfolio.by_stage", _("Mọi bài toán theo trạng thái"),
    _("Số bài toán trong bảng bài toán theo trạng thái hiện tại, kể cả bản nháp, bị từ chối và rút lại."))
ALL_BY_FIELD = counter(
    "portfolio.by_field", _("Mọi bài toán theo lĩnh vực"),
    _("Số bài toán (mọi trạng thái) theo lĩnh vực; lĩnh vực đã ngừng dùng vẫn được liệt kê nếu có bài toán."))
ALL_BY_FACET = counter(
    "portfolio.by_facet", _("Mọi bài toán theo loại đổi mới (OPSI)"),
    _("Số bài toán (mọi trạng thái) theo loại đổi mới do đơn vị chọn."))
ALL_BY_UNIT = counter(
    "portfolio.by_unit", _("Mọi bài toán theo đơn vị đặt hàng"),
    _("Số bài toán (mọi trạng thái) theo đơn vị chủ trì đặt hàng; chỉ đơn vị có ít nhất một bài toán."))


def breakdowns(challenges, *, public: bool) -> list[tuple[Counter, list[tuple[str, int]]]]:
    """(counter, [(label, n)]) by stage, field, facet and unit, of these challenges: four grouped queries."""
    by_status = dict(challenges.order_by().values_list("status").annotate(n=Count("id")))
    by_facet = dict(challenges.order_by().values_list("facet").annotate(n=Count("id")))
    by_field = dict(challenges.order_by().values_list("field_id").annotate(n=Count("id")))
    by_unit = dict(challenges.order_by().values_list("owner_unit_id").annotate(n=Count("id")))
    fields = Field.objects.filter(pk__in=list(by_field)).order_by("sort_name")
    units = OrgUnit.objects.filter(pk__in=list(by_unit)).order_by("sort_name")
    stages = [(str(label), by_status.get(value, 0)) for value, label in Status.choices
              if by_status.get(value) or not public]
    return [
        (PUBLIC_BY_STAGE if public else ALL_BY_STAGE, stages),
        (PUBLIC_BY_FIELD if public else ALL_BY_FIELD, [(str(f), by_field[f.pk]) for f in fields]),
        (PUBLIC_BY_FACET if public else ALL_BY_FACET, [(str(label), by_facet.get(value, 0))
                                                       for value, label in Facet.choices]),
        (PUBLIC_BY_UNIT if public else ALL_BY_UNIT, [(u.name, by_unit[u.pk]) for u in units]),
    ]
