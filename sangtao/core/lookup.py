from django.http import Http404


def pk_or_404(value) -> int:
    """A primary key from a URL or payload; anything that is not an integer is simply not found."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
