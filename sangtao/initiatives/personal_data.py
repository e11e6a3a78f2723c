"""An initiative's authors, typed with their name and e-mail (linked to an account where there is one):
copies of their identity (privacy.copies). An erased author stands in the register under the pseudonym,
no longer linked to the account, so no page is about them any more."""

from sangtao.initiatives.models import Author
from sangtao.privacy.copies import copy, with_email

copy("initiatives.authors",
     lambda user: Author.objects.filter(user=user) | with_email(Author.objects.filter(user__isnull=True), "email", user),
     erased=lambda pseudonym: {"name": pseudonym, "email": "", "position": "", "user": None}, name_field="name")
