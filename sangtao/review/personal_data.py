"""What the selection holds about an expert through their expert profile: in their export (privacy.copies)."""

from sangtao.privacy.copies import about
from sangtao.review.models import (
    Assignment,
    ConflictDeclaration,
    CouncilMember,
    Expert,
    ExpertRelationship,
    Score,
    Scoresheet,
)

about("review.expertise", lambda user: Expert.fields.through.objects.filter(expert__user=user))
about("review.relationships", lambda user: ExpertRelationship.objects.filter(expert__user=user))
about("review.council_seats", lambda user: CouncilMember.objects.filter(expert__user=user))
about("review.declarations", lambda user: ConflictDeclaration.objects.filter(expert__user=user))
about("review.assignments", lambda user: Assignment.objects.filter(expert__user=user))
about("review.scoresheets", lambda user: Scoresheet.objects.filter(assignment__expert__user=user))
about("review.scores", lambda user: Score.objects.filter(scoresheet__assignment__expert__user=user))
