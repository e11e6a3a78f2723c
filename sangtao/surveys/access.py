"""The ways to fetch surveys: for their managers (DoST, staff of the challenge's owning unit), and by public link."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from sangtao.core.lookup import pk_or_404
from sangtao.orgs.roles import is_dost, staff_unit_ids
from sangtao.surveys.models import InstrumentVersion, Survey


def managed_surveys(user) -> QuerySet[Survey]:
    queryset = Survey.objects.select_related("version__instrument", "rule", "challenge")
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if is_dost(user):
        return queryset
    return queryset.filter(challenge__owner_unit_id__in=staff_unit_ids(user))


def get_survey_for(user, pk) -> Survey:
    survey = managed_surveys(user).filter(pk=pk_or_404(pk)).first()
    if survey is None:
        raise Http404
    return survey


def get_public_survey(slug) -> Survey:
    """Anyone holding the link may answer: the unguessable slug is the survey's public address."""
    return get_object_or_404(Survey.objects.select_related("version"), slug=slug)


def get_instrument_version_for(user, pk) -> InstrumentVersion:
    """Instruments are DoST's to build and version; Http404 for everyone else."""
    version = None
    if user.has_perm("surveys.create"):
        version = InstrumentVersion.objects.select_related("instrument").filter(pk=pk_or_404(pk)).first()
    if version is None:
        raise Http404
    return version
