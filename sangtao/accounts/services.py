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


def password_reset_requested(request, email: str) -> None:
    """A reset asked for an address: audited with the account it names, if any (the page says the same either way)."""
    from sangtao.core.ratelimit import client_address
    from sangtao.core.text import clean

    address = clean(email).strip().lower()[:254]
    user = User.objects.filter(email__iexact=address).first()
    record(None, "password_reset_requested", user or User(pk=0), email=address, ip=client_address(request))


def link_identity(request, sociallogin) -> None:
    """Attach a single sign-on identity to the signed-in account, which confirmed it."""
    from allauth.account.models import EmailAddress

    user = request.user
    with transaction.atomic():
        sociallogin.connect(request, user)
        if any(address.verified and address.email.lower() == user.email for address in sociallogin.email_addresses):
            # the provider vouches for the account's own address: later SSO logins need no e-mail round trip
            EmailAddress.objects.update_or_create(user=user, email=user.email,
                                                  defaults={"verified": True, "primary": True})
        record(request.user, "sso_identity_linked", request.user, provider=sociallogin.account.provider,
               uid=sociallogin.account.uid)
