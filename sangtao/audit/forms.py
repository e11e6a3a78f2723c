import datetime
import re

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sangtao.accounts.models import User
from sangtao.audit.labels import known_actions
from sangtao.audit.trail import EPOCH, MICROSECOND, Position, sources
from sangtao.core import formats
from sangtao.core.forms import DateField, is_id
from sangtao.core.text import clean, fold

DATE_WIDGET = formats.DateInput()
class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Người thực hiện (tên, tên đăng nhập, email)"), required=False, max_length=150)
    object_type = forms.CharField(label=_("Loại đối tượng"), required=False, max_length=64,
                                  widget=forms.TextInput(attrs={"placeholder": "challenges.challenge"}))
    object_id = forms.CharField(label=_("Mã đối tượng"), required=False, max_length=64)
    action = forms.CharField(label=_("Hành động"), required=False, max_length=120,
                             help_text=_("Gõ tên hành động như trang ghi (ví dụ «Đăng nhập») rồi chọn trong danh sách."),
                             widget=forms.TextInput(attrs={"list": "audit-actions", "autocomplete": "off"}))
    date_from = DateField(label=_("Từ ngày"), required=False, widget=DATE_WIDGET)
    date_to = DateField(label=_("Đến ngày"), required=False, widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Ngày bắt đầu không được sau ngày kết thúc."))  # flagged on a box
        return data

    def clean_action(self) -> str:
        """The action's code, typed as the log shows it (its words, in the page's language, the list the
        box offers) or as its code (the links of the log's rows)."""
        typed = clean(self.cleaned_data["action"])
        return action_codes().get(fold(typed), typed)

    def cleaned_values(self) -> dict:
        """The filters as given, cleaned; empty when none are given or they are invalid."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: clean(value) if isinstance(value, str) else value for name, value in self.cleaned_data.items()}

    def apply(self, events):
        """The audit events matching the filters; none when the filters are invalid."""
        events = self.apply_common(events)
        data = self.cleaned_values()
        for name in ("object_type", "object_id", "action"):
            if data.get(name):
                events = events.filter(**{name: data[name]})
        return events

    @cached_property
    def actor_ids(self) -> list[int] | None:
        """The people the actor filter names, looked up once for every table of the log: each table is
        then read through its index of actors, not joined to every person (None: too many to list)."""
        ids = list(_people_named(self.cleaned_values()["actor"]).values_list("pk", flat=True)[:ACTORS_LISTED + 1])
        return ids if len(ids) <= ACTORS_LISTED else None

    def apply_common(self, rows):
        """Rows with an actor and a time `at` (audit events, workflow transitions) matching the actor
        and the dates; none when the filters are invalid."""
        if not self.is_bound:
            return rows
        if not self.is_valid():
            return rows.none()
        data = self.cleaned_values()
        if data["actor"]:
            ids = self.actor_ids
            rows = (rows.filter(actor_id__in=ids) if ids is not None else
                    rows.filter(actor__in=_people_named(data["actor"])))
        if data["date_from"]:
            rows = rows.filter(at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            rows = rows.filter(at__lt=_day_start(data["date_to"] + datetime.timedelta(days=1)))
        return rows


def action_codes() -> dict[str, str]:
    """Each named action's code by its words in either language, folded (no two actions share words): a
    link or a habit from the other language finds the same rows. The page's language wins a tie."""
    codes: dict[str, str] = {}
    for language in [code for code, _name in settings.LANGUAGES if code != get_language()] + [get_language()]:
        with translation.override(language):
            codes |= {fold(words): code for code, words in known_actions()}
    return codes


ACTORS_LISTED = 50  # more people than this match the actor filter: the database joins them itself (faster then)


def _people_named(text: str):
    return User.objects.filter(Q(username__icontains=text) | Q(email__icontains=text) | Q(full_name__icontains=text))


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


# Position as str() writes it: microseconds since 1970, the table (app_label.model), the id.
POSITION = re.compile(r"(\d{1,18})-([a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)-(\d{1,19})", re.ASCII)


class PositionField(forms.CharField):
    """A page link's place in the log. A link edited by hand (another shape, a table the log does not
    read, an id or a time out of range) is refused here, before any query."""

    default_error_messages = {"invalid": _("Liên kết trang không hợp lệ.")}

    def __init__(self, **kwargs):
        super().__init__(max_length=120, required=False, **kwargs)

    def clean(self, value) -> Position | None:
        text = super().clean(value)  # the text, its length checked
        if not text:
            return None
        found = POSITION.fullmatch(text)
        if not found or found[2] not in sources() or not is_id(found[3]):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            at = EPOCH + int(found[1]) * MICROSECOND
        except OverflowError:  # past the year 9999
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return Position(at, found[2], int(found[3]))


class AuditPageForm(forms.Form):
    """Which page of the log: the one older than `before` or newer than `after` (the links' positions),
    the newest without either."""

    before = PositionField()
    after = PositionField()

    def clean(self):
        data = super().clean()
        if self.data.get("page", "1") != "1":  # a link kept from when the log's pages were numbered
            raise forms.ValidationError(
                _("Nhật ký không còn đánh số trang; đây là trang mới nhất, chọn «Cũ hơn» để xem tiếp."), code="numbered")
        if data.get("before") and data.get("after"):
            raise forms.ValidationError(PositionField.default_error_messages["invalid"], code="invalid")
        return data

    def refusal(self) -> str:
        """What the page says when it shows the newest page instead of the one the link asked for."""
        if self.has_error(NON_FIELD_ERRORS, "numbered"):
            return str(self.non_field_errors()[0])
        return str(_("Liên kết trang không hợp lệ; đây là trang mới nhất."))
