"""The measured outcome on a challenge's public page."""

from django import template

from sangtao.challenges.models import Status
from sangtao.evaluation.outcome import challenge_outcome

register = template.Library()
SHOWN_IN = (Status.IMPLEMENTING, Status.EVALUATING, Status.COMPLETED)


@register.inclusion_tag("evaluation/_outcome.html", takes_context=True)
def outcome(context, challenge):
    if challenge.status not in SHOWN_IN:
        return {"shown": False}
    kpis, surveys = challenge_outcome(challenge)
    user = context["request"].user
    return {"shown": True, "challenge": challenge, "kpis": kpis, "surveys": surveys,
            "can_measure": user.has_perm("evaluation.measure", challenge), "csrf_token": context.get("csrf_token")}
