"""The daily check of the audit chains, and DoST's alert when one is broken."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sangtao.core.audit import CHECKPOINT, broken_links, heads
from sangtao.core.chain import BrokenLink
from sangtao.core.models import AuditEvent
from sangtao.core.tasks import periodic
from sangtao.notifications.services import notify
from sangtao.orgs.roles import dost_coordinators

VERIFY_EVERY = datetime.timedelta(hours=24)
VERIFIED, BROKEN = CHECKPOINT, "audit_chain_broken"


@periodic
def verify_audit_chains() -> list[BrokenLink] | None:
    """Check every chain once a day; a check that finds them whole is an audit row naming the last row
    of each subject that grew since the previous check, which later checks must find unchanged.
    Alert DoST when a chain is broken.
    Returns the broken links, or None when the last check is recent enough."""
    if AuditEvent.objects.filter(action__in=[VERIFIED, BROKEN], at__gt=timezone.now() - VERIFY_EVERY).exists():
        return None
    broken = broken_links()
    with transaction.atomic():
        if not broken:
            AuditEvent.objects.create(action=VERIFIED, object_type=AuditEvent._meta.label_lower, object_id="",
                                      data={"heads": heads()})
            return broken
        for link in broken:
            AuditEvent.objects.create(action=BROKEN, object_type=link.label, object_id=str(link.row_id),
                                      data={"table": link.table, "what": link.what, "expected": link.expected,
                                            "found": link.found})
        notify(dost_coordinators(),
               format_lazy(_("Nhật ký kiểm toán đã bị sửa ngoài hệ thống: {n} bảng"), n=len(broken)),
               "\n".join(map(str, broken)), f"{reverse('audit:log')}?action={BROKEN}")
    return broken
