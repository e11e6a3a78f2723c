"""The admin's delete page in a number of queries that does not grow with the rows it lists."""

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, quote
from django.db import router
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst


class _NestedObjectsWithNames(NestedObjects):
    """Fetches each related row with the rows its name reads (a project's is its challenge's title):
    the delete page names every row, and would otherwise ask once per row."""

    def related_objects(self, related_model, related_fields, objs):
        return super().related_objects(related_model, related_fields, objs).select_related()


class FewQueriesDeleteAdmin(admin.ModelAdmin):
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
