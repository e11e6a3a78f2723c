from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sangtao.challenges.access import public_challenges
from sangtao.challenges.models import Field, Status


def home(request):
    now = timezone.now()
    published = public_challenges().filter(status=Status.PUBLISHED)
    open_now = published.filter(call_opens_at__lte=now, call_closes_at__gt=now)
    fields = Field.objects.filter(active=True).annotate(
        n=Count("challenge", filter=Q(challenge__status__in=[Status.PUBLISHED, Status.CLOSED]))
    )
    return render(request, "portal/home.html", {
        "latest": published.order_by("-published_at", "-id")[:6],
        "closing_soon": open_now.order_by("call_closes_at")[:5],
        "open_count": open_now.count(),
        "public_count": public_challenges().count(),
        "fields": [field for field in fields if field.n],
    })


def trivial(request):
    """A view doing nothing: the baseline the benchmarks compare against."""
    return HttpResponse("ok", content_type="text/plain")  # convention: allow untranslated-string -- the benchmarks' baseline, read by no person
