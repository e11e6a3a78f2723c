from django.db import transaction
from django.utils import timezone

from sangtao.accounts.models import ApiToken, User
from sangtao.core.audit import record
from sangtao.core.errors import NotAllowed


def update_profile(user: User, form) -> User:
    """Save the profile form; the e-mail change and the other changes each leave an audit row."""
    before = {name: form.initial.get(name, "") for name in form.changed_data}
    with transaction.atomic():
        saved = form.save()
        changed = {name: [old, getattr(saved, name)] for name, old in before.items() if getattr(saved, name) != old}
        if "email" in changed:
            old, new = changed.pop("email")
            record(user, "email_changed", saved, old=old, new=new)
        if changed:
            record(user, "profile_updated", saved, changed=changed)
    return saved


def password_reset(user: User) -> None:
    record(user, "password_reset", user)


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
