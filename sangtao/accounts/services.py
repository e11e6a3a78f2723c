from django.db import transaction
from django.utils import timezone

from sangtao.accounts.models import ApiToken, User
from sangtao.core.audit import record
from sangtao.core.errors import NotAllowed


def update_profile(user: User, form, request=None) -> str:
    """Save the profile form (an audit row for what changed). A new e-mail address is not taken at once: a
    confirmation link goes to it (allauth's change of address) and the account's address changes when its
    owner opens it (audited then, accounts.signals). An address that is another account's gets the same
    answer and no mail, so the form never tells whose it is. A corrected name reaches every copy of it.
    Returns the address a link was asked for."""
    from allauth.account.models import EmailAddress

    from sangtao.privacy.copies import correct_name

    before = {name: form.initial.get(name, "") for name in form.changed_data if name != "email"}
    wanted = form.cleaned_data["email"].strip().lower()
    as_it_was = User.objects.get(pk=user.pk)  # the form changes `user` itself as it validates
    current = as_it_was.email
    with transaction.atomic():
        saved = form.save()
        changed = {name: [old, getattr(saved, name)] for name, old in before.items() if getattr(saved, name) != old}
        if changed:
            record(user, "profile_updated", saved, changed=changed)
        if "full_name" in changed:  # a corrected name reaches the records that copied it (privacy.copies)
            correct_name(as_it_was, saved.full_name, actor=user)
        if wanted == current:
            return ""
        record(user, "email_change_requested", saved, old=current, new=wanted)
        free = not User.objects.filter(email__iexact=wanted).exclude(pk=user.pk).exists()
    if free:  # after the commit: the link is sent for a request that is recorded
        EmailAddress.objects.add_new_email(request, saved, wanted)
    return wanted


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
