"""The capacity round's moves: DoST prepares a round, launches it (the surveys and invitations are
made then) and closes it."""

from django.utils.translation import gettext_lazy as _

from sangtao.capacity.models import Round, RoundTransition
from sangtao.core.workflow import Guard, Move, workflow
from sangtao.orgs.rules import is_dost_coordinator

S = Round.Status

ROUND = workflow("capacity_round", Round, [
    Move("launch", (S.DRAFT,), S.OPEN, is_dost_coordinator, _("Phát động khảo sát"), guards=(
        Guard(lambda r: r.units.exists(), _("Chọn ít nhất một đơn vị tham gia."), field="units"),
        Guard(lambda r: r.closes_on >= r.opens_on, _("Ngày đóng phải sau ngày mở."), field="closes_on"),
    )),
    Move("close", (S.OPEN,), S.CLOSED, is_dost_coordinator, _("Kết thúc khảo sát")),
    Move("reopen", (S.CLOSED,), S.OPEN, is_dost_coordinator, _("Mở lại khảo sát"), reason_required=True),
], _("Đợt khảo sát năng lực"), transitions=RoundTransition, subject="round")
