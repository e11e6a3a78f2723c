"""The one move machinery every stateful object uses.

A workflow is a table of moves. Each move names the states it starts from, the state it
leads to, the predicate of who may make it, its preconditions (guards: what must be true,
the message when it is not and where it is fixed) and who is told. `apply_move` is the
only code that changes a workflow's state field: it checks permission, state, reason and
guards, changes the state under a row lock in a transaction, writes the append-only
transition row and queues the notices. Services keep one public function per action and
delegate the move here; views and the API never set a state.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules import Predicate, always_deny

from sangtao.core.api_input import TEXT_MAX
from sangtao.core.audit import record
from sangtao.core.errors import InvalidInput, NotAllowed, StaleState
from sangtao.core.text import clean

# Only a service acting for the platform (a periodic job, a background import) passes no actor.
SYSTEM = None
# For moves that only the platform makes: every person is refused.
nobody: Predicate = always_deny
# Sent by `apply_move` inside the move's transaction, once the state has changed (sender: the model;
# obj, move, source): what is derived from a state (a search index) follows it, or rolls back with it.
# A state never changes through save(), so post_save alone would miss every move.
moved = Signal()


@dataclass(frozen=True)
class Guard:
    """A precondition of a move: `met(obj)` must hold; otherwise `message` says why and `fix` where to act."""

    met: Callable[[Any], bool]
    message: Any  # text, or a function of the object giving the text
    fix: Callable[[Any], str] | None = None  # the object's URL where the condition is put right
    field: str | None = None
    # A condition made of several (a form's missing fields, a sheet's unscored criteria): each
    # unmet part as (why, where it is put right), so a checklist links each to its own place.
    parts: Callable[[Any], list[tuple[str, str]]] | None = None

    def text(self, obj) -> str:
        return str(self.message(obj) if callable(self.message) else self.message)

    def fix_url(self, obj) -> str:
        return self.fix(obj) if self.fix else ""

    def items(self, obj) -> list[tuple[str, str]]:
        """The checklist lines of this unmet guard: (why, where it is fixed)."""
        if self.parts is not None:
            return [(str(why), fix) for why, fix in self.parts(obj)] or [(self.text(obj), self.fix_url(obj))]
        return [(self.text(obj), self.fix_url(obj))]


@dataclass(frozen=True)
class Move:
    name: str
    sources: tuple[str, ...]
    target: str
    allowed: Predicate
    label: Any
    guards: tuple[Guard, ...] = ()
    # Who is told of the move (the actor never is); None: nobody, or the service tells them itself.
    notify: Callable[[Any], Iterable] | None = None
    notice_title: Callable[[Any], Any] | None = None  # a title other than the workflow's default
    reason_required: bool = False
    danger: bool = False
    # Made only by a service of another step (a decision, an acceptance, a job), never from a button.
    service_only: bool = False
    # Whether its notice asks the recipients to act ("cần xử lý"); None: when they can make a move next.
    action_needed: bool | None = None


Notice = Callable[[Any, Move, str], tuple[Any, Any, str]]


@dataclass(frozen=True)
class Workflow:
    name: str
    model: type[models.Model]
    moves: dict[str, Move]
    noun: Any  # "the challenge", for messages
    state_field: str = "status"
    # The append-only table of this workflow's transitions and the name of its key to the object;
    # without one, each move is an AuditEvent "<workflow>.<move>".
    transitions: type[models.Model] | None = None
    subject: str = ""
    # (title, body, url) of the notice of a move, from the object, the move and the reason.
    notice: Notice | None = None
    # Whether its create service writes a first row to its transitions, the move CREATED, before any move.
    records_creation: bool = False

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_field)


def workflow(name: str, model: type[models.Model], moves: Iterable[Move], noun, **options) -> Workflow:
    """Declare a workflow and register it for its model."""
    flow = Workflow(name, model, {move.name: move for move in moves}, noun, **options)
    REGISTRY[model] = flow
    return flow


REGISTRY: dict[type[models.Model], Workflow] = {}
CREATED = "create"  # the move of the first row of a workflow that records_creation


def workflow_of(obj) -> Workflow:
    model = type(obj)
    if model not in REGISTRY:  # each app declares its tables in its workflow module: load it on first use
        import_module(f"{model._meta.app_config.name}.workflow")
    return REGISTRY[model]


def available_moves(user, obj) -> list[Move]:
    """The moves this user may offer on the object in its current state (guards met or not)."""
    if not getattr(user, "is_authenticated", False):
        return []
    flow = workflow_of(obj)
    state = flow.state_of(obj)
    return [move for move in flow.moves.values()
            if not move.service_only and state in move.sources and move.allowed.test(user, obj)]


def unmet_preconditions(user, obj, move: Move | str) -> list[Guard]:
    """The guards of a move not met now, so the page can list them before the user confirms."""
    move = workflow_of(obj).moves[move] if isinstance(move, str) else move
    return [guard for guard in move.guards if not guard.met(obj)]


@dataclass(frozen=True)
class Choice:
    """A move offered on a page, with what still stops it: (why, where it is put right)."""

    move: Move
    unmet: list[tuple[str, str]]

    @property
    def why_disabled(self) -> str:
        return " ".join(why for why, _fix in self.unmet)


def move_choices(user, obj) -> list[Choice]:
    """The moves to show this user, each with its unmet preconditions, known before anyone confirms."""
    return [choice_of(user, obj, move) for move in available_moves(user, obj)]


def choice_of(user, obj, move: Move) -> Choice:
    return Choice(move, [item for guard in unmet_preconditions(user, obj, move) for item in guard.items(obj)])


def _refuse_unmet(obj, move: Move) -> None:
    unmet = unmet_preconditions(SYSTEM, obj, move)
    if unmet:
        raise InvalidInput(" ".join(guard.text(obj) for guard in unmet), field=unmet[0].field,
                           unmet=[guard.text(obj) for guard in unmet])


def require_open_move(obj, move_name: str, *, actor) -> None:
    """Refuse at once a move the actor may not make, that the object's state does not open or whose
    preconditions are unmet, for a service that checks what the move takes (a time, a text) before
    apply_move: the caller hears why the move cannot be made now, not what its input lacks. apply_move
    checks all three again under its lock."""
    flow = workflow_of(obj)
    move = flow.moves[move_name]
    if actor is not SYSTEM and not move.allowed.test(actor, obj):
        raise NotAllowed()
    if flow.state_of(obj) not in move.sources:
        raise _no_longer_applies(flow, obj, move)
    _refuse_unmet(obj, move)


def _no_longer_applies(flow: Workflow, obj, move: Move) -> StaleState:
    return StaleState(
        _("%(noun)s đang ở trạng thái «%(state)s»; thao tác «%(move)s» không còn áp dụng được.")
        % {"noun": flow.noun, "state": getattr(obj, f"get_{flow.state_field}_display")(), "move": move.label},
        current_status=flow.state_of(obj),
    )


REASON_MAX = TEXT_MAX  # characters of a move's reason, as the API's schemas take it


def apply_move(obj, move_name: str, *, actor, reason: str = "", expected_state: str | None = None,
               changes: dict[str, Any] | None = None, notice: tuple[Any, Any] | None = None):
    """Make one move, or refuse it and change nothing; returns the object as locked and moved.

    `changes` are other fields the move sets with the state (a time stamp, a note); `notice`
    replaces the workflow's (title, body) when the service knows more (a receipt number).
    """
    flow = workflow_of(obj)
    move = flow.moves[move_name]
    reason = clean(reason or "")
    with transaction.atomic():
        locked = flow.model._default_manager.select_for_update().get(pk=obj.pk)
        current = flow.state_of(locked)
        if actor is not SYSTEM and not move.allowed.test(actor, locked):
            raise NotAllowed()
        if (expected_state and current != expected_state) or current not in move.sources:
            raise _no_longer_applies(flow, locked, move)
        if move.reason_required and not reason:
            raise InvalidInput(_("Cần nêu lý do."), field="reason")
        if actor is not SYSTEM and len(reason) > REASON_MAX:  # every page and endpoint that sends one
            raise InvalidInput(_("Lý do dài quá: tối đa %(n)s ký tự.") % {"n": REASON_MAX}, field="reason")
        _refuse_unmet(locked, move)
        now = timezone.now()
        values = {flow.state_field: move.target, **(changes or {})}
        if any(f.name == "updated_at" for f in flow.model._meta.fields):
            values["updated_at"] = now
        # The state in the WHERE clause keeps a second, concurrent move from applying twice.
        if not flow.model._default_manager.filter(pk=locked.pk, **{flow.state_field: current}).update(**values):
            raise StaleState(current_status=current)
        for name, value in values.items():
            setattr(locked, name, value)
        _write_transition(flow, locked, move, actor, current, reason, now)
        moved.send(sender=flow.model, obj=locked, move=move.name, source=current)
        _resolve_notices(flow, locked)
        _notify(flow, locked, move, actor, reason, notice)
    return locked


def _write_transition(flow: Workflow, obj, move: Move, actor, source: str, reason: str, at) -> None:
    if flow.transitions is None:
        record(actor, f"{flow.name}.{move.name}", obj, from_status=source, to_status=move.target, reason=reason)
        return
    flow.transitions._default_manager.create(**{flow.subject: obj}, actor=actor, move=move.name,
                                             from_status=source, to_status=move.target, reason=reason, at=at)


def notice_subject(flow: Workflow, obj) -> str:
    return f"{flow.name}:{obj.pk}"


def _resolve_notices(flow: Workflow, obj) -> None:
    """A move was made: the notices that asked for an action on the object in its former state are done."""
    from sangtao.notifications.services import resolve  # notifications build on core, not the reverse

    resolve(notice_subject(flow, obj))


def _can_act(flow: Workflow, obj, state: str) -> Callable[[Any], bool]:
    """Whether a recipient can take the object forward (a move from a button, not a withdrawal or a
    cancellation) from `state`: then their notice needs action."""
    moves = [m for m in flow.moves.values() if state in m.sources and not m.service_only and not m.danger]
    return lambda user: any(m.allowed.test(user, obj) for m in moves)


def _notify(flow: Workflow, obj, move: Move, actor, reason: str, notice: tuple[Any, Any] | None) -> None:
    if move.notify is None or flow.notice is None:
        return
    from sangtao.notifications.services import notify  # notifications build on core, not the reverse

    title, body, url = flow.notice(obj, move, reason)
    if move.notice_title is not None:
        title = move.notice_title(obj)
    if notice is not None:
        title, body = notice
    needed = _can_act(flow, obj, move.target) if move.action_needed is None else move.action_needed
    notify(move.notify(obj), title, body, url, exclude=actor, action_needed=needed, subject=notice_subject(flow, obj))
