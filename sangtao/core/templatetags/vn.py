from django import template

from sangtao.core import formats

register = template.Library()


@register.filter
def vnd(value) -> str:
    return formats.vnd(value)


@register.filter
def millions(value) -> str:
    return formats.millions(value)


@register.simple_tag
def vnd_range(low, high) -> str:
    return formats.vnd_range(low, high)


@register.filter
def vn_number(value, decimals=0) -> str:
    return formats.number(value, int(decimals))


@register.filter
def vn_plain(value) -> str:
    """A rule's number as it was set: 70 for 70.00, 12,5 for 12.50 (formats.plain_number)."""
    return formats.plain_number(value)


@register.filter
def to_the_second(value) -> str:
    return formats.to_the_second(value) if value else ""


@register.filter
def shown(value) -> str:
    """A stored value as a person reads it: an ISO date (kept as text in JSON) as DD/MM/YYYY."""
    return formats.as_shown(value)
