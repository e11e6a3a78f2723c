"""Request middleware of our own."""

from django.utils import timezone


def arrival_time(get_response):
    """Stamp each request with the server time at which it arrived, read once, before any work.

    Deadlines judge this time, not the moment a request's transaction wins its locks.
    """
    def middleware(request):
        request.arrived_at = timezone.now()
        return get_response(request)
    return middleware
