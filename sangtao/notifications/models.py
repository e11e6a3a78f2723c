from django.conf import settings
from django.db import models
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.translation import get_language, get_language_from_path


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # "Cần xử lý": the recipient can act on what it is about (else "để biết", for information).
    action_needed = models.BooleanField(default=False)
    # What it is about ("<workflow>:<pk>"): the next move on that object clears the action needed.
    subject = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def link(self) -> str:
        """Its address in the language of the page that shows it: it is stored in the language of whoever
        acted, and an English reader followed it into the Vietnamese site (and a Vietnamese one into the
        English site)."""
        reader = get_language()
        if not self.url:
            return ""
        # An address resolves only in the language its prefix names ("/en/..."; none: the default).
        with translation.override(get_language_from_path(self.url) or settings.LANGUAGE_CODE):
            return translate_url(self.url, reader)
