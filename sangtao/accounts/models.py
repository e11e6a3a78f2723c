import hashlib
import secrets

import rules
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.core.text import clean, sort_key

TOKEN_PREFIX = "st_"  # noqa: S105 -- a visible prefix, not a secret


class User(AbstractUser):
    email = models.EmailField(_("Email"), unique=True)
    full_name = models.CharField(_("Họ và tên"), max_length=150, blank=True)
    language = models.CharField(
        _("Ngôn ngữ"), max_length=5, choices=settings.LANGUAGES, default="vi"
    )
    # The name shown, in Vietnamese collation (core.text.sort_key): lists of people ordered by the database
    # put "Ánh" and "Đặng" where Vietnamese readers look for them, not after "Zô".
    sort_name = models.CharField(max_length=1200, editable=False, db_index=True, default="")

    def save(self, *args, **kwargs):
        self.full_name = clean(self.full_name)
        self.email = self.email.strip().lower()
        self.sort_name = sort_key(self.display_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"full_name", "username"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def has_perm(self, perm, obj=None):
        """The programme's rules (django-rules) bind everyone, superusers included: being able to
        run the admin site must not let anyone, say, edit a published challenge or read a sealed
        proposal. Django's own model permissions keep the superuser shortcut."""
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("Tên"), max_length=80)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user: User, name: str) -> tuple["ApiToken", str]:
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=clean(name), prefix=raw[:10], digest=hash_token(raw)
        )
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        token = (
            cls.objects.select_related("user")
            .filter(digest=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user
