"""The person a challenge names as its contact, typed by the unit: a copy of their identity (privacy.copies)."""

from sangtao.challenges.models import Challenge
from sangtao.privacy.copies import copy, with_email

copy("challenges.contact", lambda user: with_email(Challenge.objects.all(), "contact_email", user),
     erased=lambda _pseudonym: {"contact_name": "", "contact_email": "", "contact_phone": ""},
     name_field="contact_name")
