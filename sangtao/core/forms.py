"""Form fields that pick model objects, and the single values some views post beside a form (an
object's id in a row's button): every value read from a request is cleaned by a form field first,
never by int() or a lookup, so a value the page could not have sent is a 404 or a message, not a
server error.

Every form that picks objects uses ModelChoiceField and ModelMultipleChoiceField from here (and
every model form derives from ModelForm here, which gives its foreign keys these fields): a posted
id that is not a whole number from 1 to BIGINT_MAX (abc, 1e9, 10**30, -1) is refused as an invalid
choice before any query, where Django's own fields would hand 10**30 to the driver (OverflowError
on SQLite: a 500). The convention checker (core/conventions.py) flags Django's bare fields.
"""

import datetime
import math
import re
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.forms.fields import InvalidJSONInput
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.core.api_input import BIGINT_MAX, FIRST_YEAR, LAST_YEAR
from sangtao.core.formats import DecimalField
from sangtao.core.text import PHONE_MESSAGE, clean, is_phone_number, storable

_DIGITS = re.compile(r"\s*\+?\d{1,19}\s*", re.ASCII)


def is_id(value) -> bool:
    """A value a page could post as a row's id: a whole number from 1 to BIGINT_MAX."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 1 <= value <= BIGINT_MAX
    return isinstance(value, str) and bool(_DIGITS.fullmatch(value)) and 1 <= int(value) <= BIGINT_MAX


def _keyed_by_integer(field: forms.ModelChoiceField) -> bool:
    if field.queryset is None:
        return False
    meta = field.queryset.model._meta
    key = meta.get_field(field.to_field_name) if field.to_field_name else meta.pk
    return isinstance(key, models.IntegerField)


class UploadField(forms.FileField):
    """A file to upload: when none was chosen, that is what the person is told (not "this field is required");
    an empty file is refused by Django's own check, which says so."""

    default_error_messages = {"required": _("Chọn một tệp để tải lên.")}


class ModelChoiceField(forms.ModelChoiceField):
    """Django's field, refusing an integer key out of any column's range before the query."""

    def to_python(self, value):
        if (value not in self.empty_values and not isinstance(value, self.queryset.model)
                and _keyed_by_integer(self) and not is_id(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing an integer key out of any column's range before the query."""

    def _check_values(self, value):
        if _keyed_by_integer(self) and not isinstance(value, str | bytes):
            try:
                values = list(value)
            except TypeError:
                values = []
            for pk in values:
                if not isinstance(pk, self.queryset.model) and not is_id(pk):
                    raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                          params={"pk": pk})
        return super()._check_values(value)


# The days a form takes, as the API takes them (core.api_input): a day is often turned into its bounds
# (its start, the next day's), which overflow at the first and last days a date can hold; year 0001 typed
# for 2001 was stored as it came.
DAYS_MESSAGE = _("Chọn một ngày từ 01/01/1900 đến 31/12/9998.")  # as the boxes ask for dates: DD/MM/YYYY
FIRST_DAY, LAST_DAY = datetime.date(FIRST_YEAR, 1, 1), datetime.date(LAST_YEAR, 12, 31)


class DateField(forms.DateField):
    """Django's date field, refusing a day before 1900 or after 9998."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators += [MinValueValidator(FIRST_DAY, DAYS_MESSAGE), MaxValueValidator(LAST_DAY, DAYS_MESSAGE)]


class DateTimeField(forms.DateTimeField):
    """Django's date and time field, refusing a time before 1900 or after 9998 (in the city's time)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(self._within_the_years)

    @staticmethod
    def _within_the_years(value: datetime.datetime) -> None:
        if not FIRST_DAY <= timezone.localtime(value).date() <= LAST_DAY:
            raise ValidationError(DAYS_MESSAGE, code="out_of_range")


class MoveReasonForm(forms.Form):
    """The reason box of a workflow move's confirmation page. A move that needs a reason marks the box as
    asked for, and says why beside it (`why`, each context's words), before it is missed."""

    why: Any = ""  # a lazy translation
    reason = forms.CharField(label=_("Lý do / ghi chú"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                             max_length=4000)

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if reason_required:
            reason = self.fields["reason"]
            reason.required, reason.label, reason.help_text = True, _("Lý do"), self.why
            reason.error_messages["required"] = _("Cần nêu lý do.")


class PhoneField(forms.CharField):
    """A telephone number as people write it (core.text.is_phone_number), checked as the services check it."""

    def validate(self, value):
        super().validate(value)
        if value and not is_phone_number(value):
            raise ValidationError(PHONE_MESSAGE, code="invalid")


class JSONField(forms.JSONField):
    """Django's JSON field, refusing what no database stores as JSON, with a message where Django's would
    pass it on or fail: a number too large to be finite (1e400 reads as infinity, which JSON cannot write)
    or too long for Python to read (over 4,300 digits), text no database stores (core.text.storable), and
    nesting deeper than JSON_DEPTH (deeper, encoding it again on saving or showing it ran out of stack)."""

    default_error_messages = {"unstorable": _(
        "Không lưu được JSON này: có số quá lớn hoặc quá dài, ký tự không lưu được (\\u0000, hay \\ud800 đứng "
        "một mình) hoặc lồng nhau quá 100 tầng.")}

    def to_python(self, value):
        try:
            converted = super().to_python(value)
        except ValidationError:
            raise
        except (RecursionError, ValueError):
            raise ValidationError(self.error_messages["unstorable"], code="unstorable") from None
        if not _storable_json(converted):
            raise ValidationError(self.error_messages["unstorable"], code="unstorable")
        return converted

    def bound_data(self, data, initial):
        """What was posted, shown again as it was typed when it is refused."""
        try:
            value = super().bound_data(data, initial)
        except (RecursionError, ValueError):
            return InvalidJSONInput(data)
        return value if _storable_json(value) else InvalidJSONInput(data)


JSON_DEPTH = 100  # levels of arrays and objects: far more than any settings need


def _storable_json(value) -> bool:
    """Whether every number in value is finite, every text in it (keys included) storable, and it nests
    at most JSON_DEPTH levels; walked without recursion, as it may nest as deep as the decoder allows."""
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if depth >= JSON_DEPTH or isinstance(item, float) and not math.isfinite(item):
            return False
        if isinstance(item, str) and not storable(item):
            return False
        if isinstance(item, dict):
            pending.extend((child, depth + 1) for child in [*item.keys(), *item.values()])
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)
    return True


def bounded_formfield(db_field, **kwargs):
    """A model form's field for db_field, with the fields above for relations and dates, and a number
    field that refuses what its column cannot hold."""
    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", ModelChoiceField)
    elif isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", DateTimeField)
    elif isinstance(db_field, models.DateField):
        kwargs.setdefault("form_class", DateField)
    elif isinstance(db_field, models.DecimalField):
        kwargs.setdefault("form_class", DecimalField)
    elif isinstance(db_field, models.JSONField):
        kwargs.setdefault("form_class", JSONField)
    return bound_number(db_field, db_field.formfield(**kwargs))


def bound_number(db_field, formfield):
    """formfield, refusing a number out of db_field's column on every database (SQLite would take a
    PositiveSmallIntegerField of 10**30 as far as the model's clean(), which may then overflow)."""
    if not (isinstance(formfield, forms.IntegerField) and isinstance(db_field, models.IntegerField)):
        return formfield
    low, high = BaseDatabaseOperations.integer_field_ranges.get(db_field.get_internal_type(), (None, None))
    if high is not None and (formfield.max_value is None or formfield.max_value > high):
        formfield.max_value = high
        formfield.validators.append(MaxValueValidator(high))
    if low is not None and (formfield.min_value is None or formfield.min_value < low):
        formfield.min_value = low
        formfield.validators.append(MinValueValidator(low))
    return formfield


class ModelForm(forms.ModelForm):
    """Django's model form whose relation fields are the bounded fields above.

    A subclass's Meta gets bounded_formfield as its formfield_callback unless it names one."""

    def __init_subclass__(cls, **kwargs):
        meta = cls.__dict__.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(bounded_formfield)
        super().__init_subclass__(**kwargs)

    def clean(self):
        """Every text a model form stores is NFC and stripped (core.text.clean), whether or not the service
        that saves it cleans that field itself (a council's meeting place was stored decomposed). A password
        is kept as typed: the sign-in form compares it so."""
        cleaned = super().clean()
        for name, value in cleaned.items():
            field = self.fields.get(name)
            if isinstance(value, str) and not (field and isinstance(field.widget, forms.PasswordInput)):
                cleaned[name] = clean(value)
        return cleaned

    def _update_errors(self, errors):
        """A model's clean() may name a field this form does not show (a changelist row with a forged
        id is a blank row): its message is shown for the whole form, where Django raises ValueError."""
        if hasattr(errors, "error_dict"):
            for name in [name for name in errors.error_dict if name != NON_FIELD_ERRORS and name not in self.fields]:
                errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(errors.error_dict.pop(name))
        super()._update_errors(errors)


def chosen(queryset, value):
    """The object of queryset whose id was posted; 404 for anything else (abc, 1e9, an id not in it)."""
    try:
        return ModelChoiceField(queryset=queryset).clean(value)
    except ValidationError:
        raise Http404 from None


def ids(values: list[str]) -> list[int]:
    """The ids posted under one name (checkboxes); a value that is not an id is dropped."""
    field = forms.IntegerField(min_value=1, max_value=BIGINT_MAX)
    cleaned = []
    for value in values:
        try:
            cleaned.append(field.clean(value))
        except ValidationError:
            continue
    return cleaned


def integer(value, *, min_value: int = 0, max_value: int = BIGINT_MAX) -> int | None:
    """A posted whole number within bounds, or None for anything else (abc, 1e9, 10**30 for a BIGINT)."""
    try:
        return forms.IntegerField(min_value=min_value, max_value=max_value).clean(value)
    except ValidationError:
        return None
