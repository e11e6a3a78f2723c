from django import template

from sangtao.surveys import charts

register = template.Library()


@register.filter
def impact_chart(impact):
    """The before/after and difference-in-differences chart of an impact (surveys/charts.py)."""
    return charts.impact_chart(impact)
