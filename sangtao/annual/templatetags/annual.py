from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def localized(period) -> str:
    """A report period's name in the reader's language (the calendar is data with both names)."""
    return period.localized_name(get_language() or "vi")
