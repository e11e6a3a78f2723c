"""The public result of step 3 on a challenge's page, as DoST's publication policy allows."""

from django import template

from sangtao.proposals.models import HANDED_IN
from sangtao.review.models import Decision, ScorePublication
from sangtao.review.results import council_results

register = template.Library()


@register.inclusion_tag("review/_public_result.html")
def selection_result(challenge):
    decision = Decision.objects.filter(challenge=challenge).select_related("lead_organisation", "council",
                                                                           "council__rubric").first()
    if decision is None:
        return {"decision": None}
    context = {"decision": decision, "policy": ScorePublication.NONE,
               "applications": challenge.proposals.filter(status__in=HANDED_IN).count()}
    council = decision.council
    if council is not None and decision.proposal_id and council.score_publication != ScorePublication.NONE:
        result = council_results(council)[0].get(decision.proposal_id)
        context.update(policy=council.score_publication, result=result, criteria=[
            (c, result.criterion_means[c.pk]) for c in council.rubric.top_level()] if result else [])
    return context
