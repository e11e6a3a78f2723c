"""A signed-in respondent's answers with the address they left to be contacted again, linked to them through
their follow-up consent: in their export, and the address erased with the account (privacy.copies)."""

from sangtao.privacy.copies import copy
from sangtao.surveys.models import Response

copy("surveys.follow_up", lambda user: Response.objects.filter(follow_up_consent__user=user),
     erased=lambda _pseudonym: {"follow_up_email": ""})
