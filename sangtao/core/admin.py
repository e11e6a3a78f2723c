"""The admin's delete page in a number of queries that does not grow with the rows it lists, and rule
tables DoST edits in the admin: every edit there leaves an audit row."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import NestedObjects, quote
from django.db import models, router, transaction
from django.forms.models import BaseModelFormSet
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext

from sangtao.core.audit import record
from sangtao.core.forms import JSONField, ModelChoiceField, ModelForm, ModelMultipleChoiceField, bound_number, is_id
from sangtao.core.models import Holiday


class _NestedObjectsWithNames(NestedObjects):
    """Fetches each related row with the rows its name reads (a project's is its challenge's title):
    the delete page names every row, and would otherwise ask once per row. One step only: every row
    a required key points to, not theirs in turn (a rubric's 650 scores joined 17 tables each, for
    names that read none of them)."""

    def related_objects(self, related_model, related_fields, objs):
        required = [f.name for f in related_model._meta.concrete_fields if f.is_relation and not f.null]
        return super().related_objects(related_model, related_fields, objs).select_related(*required)


class BoundedModelFormSet(BaseModelFormSet):
    """A changelist's editable rows, whose hidden id field refuses an id out of range (core/forms.py)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        key = form.fields.get(self.model._meta.pk.name)
        if type(key) is forms.ModelChoiceField:  # convention: allow unbounded-choice -- replaced here
            key.__class__ = ModelChoiceField


class BoundedChoices:
    """The admin's fields refuse an id or a number out of its column's range (core/forms.py), in its
    forms, its changelist's editable rows and the rows chosen for an action. Every registered admin,
    Django's and other packages' included, gets it (bound_every_admin, from core's ready())."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField):
            kwargs.setdefault("form_class", JSONField)
        return bound_number(db_field, super().formfield_for_dbfield(db_field, request, **kwargs))  # type: ignore[misc]

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", ModelForm)
        return super().get_changelist_form(request, **kwargs)  # type: ignore[misc]

    def get_changelist_formset(self, request, **kwargs):
        kwargs.setdefault("formset", BoundedModelFormSet)
        return super().get_changelist_formset(request, **kwargs)  # type: ignore[misc]

    def _get_edited_object_pks(self, request, prefix):
        edited = super()._get_edited_object_pks(request, prefix)  # type: ignore[misc]
        if isinstance(self.model._meta.pk, models.IntegerField):  # type: ignore[attr-defined]
            return [pk for pk in edited if is_id(pk)]
        return edited

    def response_action(self, request, queryset):
        chosen = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)  # convention: allow unchecked-input -- is_id below
        if isinstance(queryset.model._meta.pk, models.IntegerField) and not all(map(is_id, chosen)):
            self.message_user(request, gettext(  # type: ignore[attr-defined]
                "Items must be selected in order to perform actions on them. No items have been changed."),
                messages.WARNING)
            return None
        return super().response_action(request, queryset)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", ModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


def bound_every_admin(site: admin.AdminSite) -> None:
    """Gives BoundedChoices to every admin registered on site that lacks it."""
    for model_admin in site._registry.values():
        if not isinstance(model_admin, BoundedChoices):
            base = type(model_admin)
            model_admin.__class__ = type(base.__name__, (BoundedChoices, base), {"__module__": base.__module__})


class FewQueriesDeleteAdmin(BoundedChoices, admin.ModelAdmin):
    def get_deleted_objects(self, objs, request):
        """django.contrib.admin.utils.get_deleted_objects, with the collector above."""
        if not objs:
            return [], {}, set(), []
        collector = _NestedObjectsWithNames(using=router.db_for_write(objs[0]._meta.model), origin=objs)
        collector.collect(objs)
        perms_needed = set()

        def format_callback(obj):
            opts = obj._meta
            no_edit_link = f"{capfirst(opts.verbose_name)}: {obj}"
            if not self.admin_site.is_registered(obj.__class__):
                return no_edit_link
            if not self.admin_site.get_model_admin(obj.__class__).has_delete_permission(request, obj):
                perms_needed.add(opts.verbose_name)
            try:
                url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", None,
                              (quote(obj.pk),))
            except NoReverseMatch:
                return no_edit_link
            return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

        to_delete = collector.nested(format_callback)
        protected = [format_callback(obj) for obj in collector.protected]
        model_count = {model._meta.verbose_name_plural: len(objs) for model, objs in collector.model_objs.items()}
        return to_delete, model_count, perms_needed, protected


def _plain(value):
    """A form value as JSON: rows by id, the rest as text."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | models.QuerySet):
        return [_plain(item) for item in value]
    return value if value is None or isinstance(value, bool | int | str) else str(value)


def _changes(form) -> dict[str, list]:
    return {name: [_plain(form.initial.get(name)), _plain(form.cleaned_data.get(name))] for name in form.changed_data}


class AuditedAdmin(FewQueriesDeleteAdmin):
    """Writes the changed fields (old and new) of each created, changed or deleted row, inline rows included."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if form.has_changed() or not change:  # a save for its inline rows alone is recorded with them
                record(request.user, "rule_changed" if change else "rule_created", obj, changes=_changes(form))

    def delete_model(self, request, obj):
        with transaction.atomic():
            record(request.user, "rule_deleted", obj, name=str(obj))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                record(request.user, "rule_deleted", obj, name=str(obj))
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            for obj in formset.deleted_objects:
                record(request.user, "rule_deleted", obj, name=str(obj), parent=form.instance.pk)
            for inline in formset.forms:
                if inline.has_changed() and inline.instance.pk and inline.instance not in formset.deleted_objects:
                    created = inline.instance in formset.new_objects
                    record(request.user, "rule_created" if created else "rule_changed", inline.instance,
                           changes=_changes(inline), parent=form.instance.pk)


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    """The days off the working-day deadlines skip (core/workdays.py). The fixed ones are seeded; Tết, the
    Hùng Kings' day and the days the government adds beside them are entered each year."""

    list_display = ["day", "name", "worked"]
    list_filter = ["worked"]
    date_hierarchy = "day"
