"""Step 5: each success indicator of a challenge tracked as a KPI with dated measurements."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Indicator


class Measurement(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    value = models.DecimalField(_("Giá trị"), max_digits=18, decimal_places=4)
    measured_on = models.DateField(_("Ngày đo"))
    source = models.CharField(_("Nguồn số liệu"), max_length=300)
    evidence_url = models.URLField(_("Đường dẫn minh chứng"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measured_on", "id"]
        constraints = [models.UniqueConstraint(fields=["indicator", "measured_on", "source"],
                                               name="one_measurement_per_day_and_source")]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value} @ {self.measured_on}"
