"""Logins and failed logins go to the audit trail (Django's auth signals)."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from sangtao.accounts.models import User
from sangtao.core.audit import record
from sangtao.core.models import AuditEvent
from sangtao.core.text import clean


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


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
