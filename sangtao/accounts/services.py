from django.db import transaction
from django.utils import timezone

from sangtao.accounts.models import ApiToken, User
from sangtao.core.audit import record
from sangtao.core.errors import NotAllowed


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    with transaction.atomic():
        token, raw = ApiToken.issue(user, name)
        record(user, "api_token_created", token, name=token.name)
    return token, raw


def revoke_token(user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise NotAllowed()
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        record(user, "api_token_revoked", token, name=token.name)
