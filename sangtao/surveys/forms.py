
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import PUBLIC_STATUSES, Challenge, Status
from sangtao.core import formats
from sangtao.core.forms import ModelChoiceField, ModelMultipleChoiceField
from sangtao.orgs.models import SERVING_KINDS, OrgUnit
from sangtao.surveys.models import Element, InstrumentVersion, Item, Measure, Source
from sangtao.surveys.services import period_label_problem


class SurveyForm(forms.Form):
    name = forms.CharField(label=_("Tên khảo sát"), max_length=300)
    version = ModelChoiceField(queryset=InstrumentVersion.objects.select_related("instrument"),
                                     label=_("Bộ câu hỏi"), required=False,
                                     help_text=_("Để trống để tạo bộ câu hỏi mới theo mẫu SIPAS."))
    service = forms.CharField(label=_("Dịch vụ công được khảo sát"), max_length=300)
    # A survey measures the service a challenge set out to change, from its approval on (the baseline before
    # a solution is deployed): drafts and challenges refused, withdrawn or cancelled have none to measure.
    challenge = ModelChoiceField(queryset=Challenge.objects.filter(status__in=[Status.APPROVED, *PUBLIC_STATUSES]),
                                 label=_("Bài toán liên quan"), required=False)
    units = ModelMultipleChoiceField(queryset=OrgUnit.objects.none(), label=_("Đơn vị khảo sát"),
                                           widget=forms.SelectMultiple(attrs={"size": 8}))
    periods = forms.CharField(
        label=_("Các kỳ (mỗi dòng: nhãn; từ ngày; đến ngày)"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ví dụ: Quý 1/2026; 01/01/2026; 31/03/2026"))
    uses_tokens = forms.BooleanField(label=_("Mỗi phiếu dùng một mã mời"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = OrgUnit.objects.current().filter(kind__in=SERVING_KINDS)
        self.fields["units"].widget.attrs["data-searchable"] = _("Lọc đơn vị theo tên")

    def clean_periods(self):
        periods = []
        for number, line in enumerate(self.cleaned_data["periods"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(";")]
            label = parts[0]
            starts, ends = (formats.parse_date(parts[i]) if len(parts) > i else None for i in (1, 2))
            if starts is None or ends is None:
                raise forms.ValidationError(_("Dòng %(n)s: cần «nhãn; ngày bắt đầu; ngày kết thúc», ngày theo dạng "
                                              "dd/mm/yyyy.") % {"n": number})
            if problem := period_label_problem(label, starts, ends):  # the service checks it again
                raise forms.ValidationError(_("Dòng %(n)s: %(problem)s") % {"n": number, "problem": problem})
            periods.append((label, starts, ends))
        return periods


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp CSV hoặc Excel (.xlsx)"),
                           error_messages={"required": _("Chọn một tệp CSV hoặc Excel.")})
    source = forms.ChoiceField(label=_("Nguồn"), choices=[(Source.PAPER, Source.PAPER.label),
                                                          (Source.IMPORT, Source.IMPORT.label)])


class TokenForm(forms.Form):
    unit = ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Đơn vị"))
    count = forms.IntegerField(label=_("Số mã mời"), min_value=1, max_value=10_000, initial=100)

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = survey.units.all()


QUESTION_LIMIT = Item._meta.get_field("text").max_length  # the column's: 500, text_en's too
CODE_LIMIT = Item._meta.get_field("code").max_length
ELEMENT_REFUSED = _("Chọn yếu tố và cách đo.")


class ItemForm(forms.Form):
    """A question's texts as the instrument builder edits them."""

    text = forms.CharField(max_length=QUESTION_LIMIT, error_messages={"required": _("Cần nội dung câu hỏi.")})
    text_en = forms.CharField(max_length=QUESTION_LIMIT, required=False)


class NewItemForm(ItemForm):
    """A question the instrument builder adds. The service requires the code and the text, and an element
    for every measure but free text, with its own messages."""

    code = forms.CharField(max_length=CODE_LIMIT, required=False)
    element = forms.TypedChoiceField(choices=Element.choices, coerce=int, required=False, empty_value=None,
                                     error_messages={"invalid_choice": ELEMENT_REFUSED})
    measure = forms.ChoiceField(choices=Measure.choices, required=False,
                                error_messages={"invalid_choice": ELEMENT_REFUSED})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False  # the service says "Cần mã và nội dung câu hỏi."


class ResponseForm(forms.Form):
    """What the public response page posts: answers q<item id> (1-5), the unit, the free text and
    consent. A value the page cannot have sent (unit=abc) is an error shown on the page."""

    unit = ModelChoiceField(queryset=OrgUnit.objects.none(), required=False,
                                  error_messages={"invalid_choice": _("Chọn nơi Ông/Bà đã sử dụng dịch vụ.")})
    text = forms.CharField(label=_("Ý kiến của Ông/Bà"), required=False, max_length=2000)
    consent = forms.BooleanField(required=False)
    follow_up = forms.BooleanField(required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    t = forms.CharField(required=False, max_length=100)

    def __init__(self, data=None, *args, survey, items, link_token="", **kwargs):
        # The invitation link's ?t=, checked as the page's field t is: dropped when it cannot be a token.
        try:
            link_token = self.base_fields["t"].clean(link_token)
        except forms.ValidationError:
            link_token = ""
        if data is not None and "t" not in data:  # the page's hidden field did not carry it
            data = data.copy()
            data["t"] = link_token
        super().__init__(data, *args, initial={"t": link_token}, **kwargs)
        self.survey = survey
        self.fields["unit"].queryset = survey.units.all()
        text_item = next((item for item in items if item.measure == Measure.TEXT), None)
        if text_item is not None:  # the box is the survey's own open question: its errors are named by it
            english = get_language() == "en" and text_item.text_en
            self.fields["text"].label = text_item.text_en if english else text_item.text
        self.scale_items = [item for item in items if item.is_scale]
        for item in self.scale_items:
            self.fields[f"q{item.pk}"] = forms.TypedChoiceField(choices=[(n, n) for n in range(1, 6)], coerce=int,
                                                                required=False, empty_value=None)

    def answers(self) -> dict[int, int]:
        return {item.pk: self.cleaned_data[f"q{item.pk}"] for item in self.scale_items
                if self.cleaned_data.get(f"q{item.pk}") is not None}

    def token(self) -> str:
        """The invitation token the page carries on: the posted one once it is clean, else the link's."""
        if self.is_bound and (self.is_valid() or "t" in self.cleaned_data):
            return self.cleaned_data["t"]
        return self.initial["t"]

    def clean(self):
        """What the service would refuse one at a time (consent, the place, no answer), said all at once."""
        cleaned = super().clean()
        if not cleaned.get("consent"):
            self.add_error("consent", _("Cần đồng ý tham gia trước khi gửi."))
        if not self.survey.uses_tokens and not cleaned.get("unit") and "unit" not in self.errors:
            self.add_error("unit", _("Chọn nơi Ông/Bà đã sử dụng dịch vụ."))
        if self.scale_items and not any(cleaned.get(f"q{item.pk}") is not None for item in self.scale_items):
            self.add_error(f"q{self.scale_items[0].pk}", _("Hãy trả lời ít nhất một câu hỏi."))
        if cleaned.get("follow_up") and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", _("Nhập email để được liên hệ lại, hoặc bỏ chọn ô liên hệ lại."))
        return cleaned

    def summary(self) -> list[tuple[str | None, str]]:
        """Every error at once, each after the name of its box and with the box's id on the page to go to it."""
        items = []
        on_the_page = ["consent", "unit", *(f"q{item.pk}" for item in self.scale_items), "text", "email"]
        for name, messages in sorted(self.errors.items(),
                                     key=lambda error: on_the_page.index(error[0]) if error[0] in on_the_page else -1):
            label = self.fields[name].label if name in self.fields else None
            anchor = name if name in self.fields and name != "t" else None
            items += [(anchor, f"{label}: {message}" if label else str(message)) for message in messages]
        return items

    def typed(self) -> dict[str, Any]:
        """What the person typed or ticked, as posted, to show again on a refused page (a text too long has
        no cleaned value)."""
        return {"text": self.data.get("text", ""), "email": self.data.get("email", ""),
                "consent": bool(self.data.get("consent")), "follow_up": bool(self.data.get("follow_up"))}
