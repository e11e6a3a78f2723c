"""What a person does to their own account goes to the audit trail: logins and failed ones, sign-up, e-mail,
password, second factor and single sign-on (Django's, allauth's and its MFA's signals)."""

from allauth.account import signals as allauth_signals
from allauth.mfa import signals as mfa_signals
from allauth.socialaccount import signals as socialaccount_signals
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver

from sangtao.accounts.models import User
from sangtao.core.audit import record
from sangtao.core.models import AuditEvent
from sangtao.core.ratelimit import client_address
from sangtao.core.text import clean
from sangtao.privacy.services import consent_changed


def _address(request) -> str:
    """The client's address as the rate limit reads it: behind a trusted proxy, the one it names."""
    return client_address(request) if request is not None else ""


@receiver(user_logged_in, dispatch_uid="audit_login")
def audit_login(sender, request, user, **kwargs) -> None:
    record(user, "login", user, ip=_address(request))


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """The name tried is kept, and the account it names if there is one (the password never is)."""
    login = clean(str(credentials.get("username") or ""))[:150]
    field = "email__iexact" if "@" in login else "username__iexact"
    user = User.objects.filter(**{field: login}).first() if login else None
    AuditEvent.objects.create(action="login_failed", object_type=User._meta.label_lower,
                              object_id=str(user.pk) if user else "", data={"login": login, "ip": _address(request)})


@receiver(pre_save, sender=SocialAccount, dispatch_uid="profile_claims_need_consent")
def keep_profile_claims_only_with_consent(sender, instance, **kwargs) -> None:
    """The phone and identity level an identity provider sends are optional profile data: kept only while
    the person consents to the "profile" purpose (silence is not consent), dropped at every save otherwise."""
    from sangtao.accounts.oidc import forget_profile_claims
    from sangtao.privacy.services import has_consent

    if instance.user_id and not has_consent(instance.user, "profile"):
        forget_profile_claims(instance)


@receiver(consent_changed, dispatch_uid="profile_withdrawn")
def erase_profile_claims_on_withdrawal(sender, user, purpose, given, **kwargs) -> None:
    if purpose == "profile" and not given:
        for account in SocialAccount.objects.filter(user=user):
            account.save()  # the pre_save above drops the claims


@receiver(allauth_signals.user_signed_up, dispatch_uid="audit_signed_up")
def audit_signed_up(sender, request, user, **kwargs) -> None:
    sociallogin = kwargs.get("sociallogin")
    record(user, "signed_up", user, ip=_address(request),
           via=sociallogin.account.provider if sociallogin is not None else "password")


@receiver(allauth_signals.email_confirmed, dispatch_uid="audit_email_confirmed")
def audit_email_confirmed(sender, request, email_address, **kwargs) -> None:
    record(email_address.user, "email_confirmed", email_address.user, email=email_address.email)


@receiver(mfa_signals.authenticator_added, dispatch_uid="audit_mfa_added")
def audit_mfa_added(sender, request, user, authenticator, **kwargs) -> None:
    record(user, "second_factor_added", user, type=authenticator.type)


@receiver(mfa_signals.authenticator_removed, dispatch_uid="audit_mfa_removed")
def audit_mfa_removed(sender, request, user, authenticator, **kwargs) -> None:
    record(user, "second_factor_removed", user, type=authenticator.type)


@receiver(mfa_signals.authentication_failed, dispatch_uid="audit_mfa_failed")
def audit_mfa_failed(sender, request, user, authenticator, reauthentication=False, **kwargs) -> None:
    """A wrong second-factor code is a failed login (or a failed confirmation before a sensitive change);
    the code itself is never kept. allauth's login_failed rate limit throttles the guesses."""
    record(user, "second_factor_failed", user, ip=_address(request), type=authenticator.type,
           reauthentication=bool(reauthentication))


@receiver(allauth_signals.email_changed, dispatch_uid="audit_email_changed")
def audit_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs) -> None:
    """The account's address changed: its owner opened the link sent to the new one."""
    record(user, "email_changed", user, old=from_email_address.email if from_email_address else "",
           new=to_email_address.email)


@receiver(allauth_signals.password_changed, dispatch_uid="audit_password_changed")
def audit_password_changed(sender, request, user, **kwargs) -> None:
    record(user, "password_changed", user, ip=_address(request))


@receiver(allauth_signals.password_set, dispatch_uid="audit_password_set")
def audit_password_set(sender, request, user, **kwargs) -> None:
    record(user, "password_set", user, ip=_address(request))


@receiver(socialaccount_signals.social_account_removed, dispatch_uid="audit_sso_identity_unlinked")
def audit_sso_identity_unlinked(sender, request, socialaccount, **kwargs) -> None:
    record(socialaccount.user, "sso_identity_unlinked", socialaccount.user, provider=socialaccount.provider,
           uid=socialaccount.uid)
