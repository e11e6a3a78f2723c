"""Two writes that meet on PostgreSQL (real row locks), as a second probe of the demo sent them: both go
through, in turn, with no 500 (IntegrityError, deadlock). Each test holds the first writer at the
point where the two used to collide until the second has arrived too, or until PostgreSQL shows the
second (rightly) waiting on a lock the first holds."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from conftest import proposal_data
from sangtao.challenges import services as challenge_services
from sangtao.challenges.models import Field, Question, Status
from sangtao.core import chain
from sangtao.core.errors import InvalidInput
from sangtao.knowledge import services as knowledge_services
from sangtao.knowledge.models import ResourceVersion
from sangtao.privacy import services as privacy
from sangtao.privacy.models import Consent
from sangtao.proposals import services as proposal_services
from sangtao.proposals.models import Proposal

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL; SQLite serialises every writer")


def _together(*calls):
    """Run the calls at once, each in a thread with its own connection; their results in order."""
    def run(call):
        try:
            return call()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(calls)) as pool:
        return [future.result(timeout=60) for future in [pool.submit(run, call) for call in calls]]


class Meeting:
    """The point where two writers used to collide. Each waits there until the other has arrived too, or
    until the other is seen waiting on a lock in PostgreSQL: it cannot arrive before this one commits, so
    this one goes on alone. (Waiting a fixed three seconds for it instead cost each test three seconds.)"""

    def __init__(self):
        self._arrived = 0
        self._count = threading.Lock()
        self._all_here = threading.Event()

    def meet(self) -> None:
        with self._count:
            self._arrived += 1
            if self._arrived == 2:
                self._all_here.set()
        give_up = time.monotonic() + 30
        while not self._all_here.wait(0.02):
            if _another_session_waits_on_a_lock() or time.monotonic() > give_up:
                return


def _another_session_waits_on_a_lock() -> bool:
    """Asked on this thread's own connection, in its transaction: the test database is this test's alone."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()"
                       " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock')")
        return cursor.fetchone()[0]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% " + name.encode() + b"\n", content_type="application/pdf")


def test_two_new_versions_of_a_library_file_at_once_take_the_next_two_numbers(officer, health, monkeypatch):
    resource = knowledge_services.do_add_resource(actor=officer, unit=health, upload=_pdf("v1.pdf"), data={
        "kind": "form", "title": "Biểu mẫu khảo sát", "description": "Phiếu khảo sát.", "is_public": True})
    both = Meeting()
    create = ResourceVersion.objects.create

    def create_once_both_have_counted(**fields):
        both.meet()
        return create(**fields)

    monkeypatch.setattr(ResourceVersion.objects, "create", create_once_both_have_counted)
    versions = _together(*(lambda n=n: knowledge_services.do_add_resource_version(
        resource, actor=officer, upload=_pdf(f"v{n}.pdf")) for n in (2, 3)))
    assert sorted(version.number for version in versions) == [2, 3]


def test_a_consent_given_on_the_privacy_page_while_a_question_with_the_name_is_asked_waits_its_turn(
        make_challenge, outsider, monkeypatch):
    """The question locks its asker, then the consents' chain; the privacy page took the chain first,
    then (inserting) the asker's row: each waited for the other (a deadlock, a 500)."""
    challenge = make_challenge(Status.PUBLISHED)
    both = Meeting()
    hold = chain.hold
    create = Question.objects.create

    def hold_then_meet(model, subjects, using):
        hold(model, subjects, using)
        if model is Consent and threading.current_thread().name == "privacy page":
            both.meet()

    def create_once_both_have_locked(**fields):
        both.meet()
        return create(**fields)

    def privacy_page():
        threading.current_thread().name = "privacy page"
        return privacy.give_consent(outsider, "survey_followup")

    monkeypatch.setattr(chain, "hold", hold_then_meet)
    monkeypatch.setattr(Question.objects, "create", create_once_both_have_locked)
    question, consent = _together(
        lambda: challenge_services.ask_question(challenge, outsider, "Khi nào có kết quả?", show_name=True),
        privacy_page)
    assert question.pk and consent.given
    assert {row.purpose.key for row in Consent.objects.filter(user=outsider)} == {"publish_name", "survey_followup"}


def test_an_organisation_starting_its_proposal_twice_at_once_gets_one_and_is_told_of_it(
        make_challenge, solver, solver_org, monkeypatch):
    challenge = make_challenge(Status.PUBLISHED)
    both = Meeting()
    apply_content = proposal_services._apply_content

    def apply_once_both_have_checked(proposal, content):
        both.meet()
        apply_content(proposal, content)

    def start():
        try:
            return proposal_services.start_proposal(challenge, solver, solver_org, proposal_data(challenge))
        except InvalidInput as refused:
            return str(refused.message)

    monkeypatch.setattr(proposal_services, "_apply_content", apply_once_both_have_checked)
    answers = _together(start, start)
    assert Proposal.objects.filter(challenge=challenge, organisation=solver_org).count() == 1
    assert sorted(type(answer).__name__ for answer in answers) == ["Proposal", "str"]
    assert "đã có hồ sơ cho bài toán này" in next(answer for answer in answers if isinstance(answer, str))


def test_a_field_saved_with_a_name_taken_since_its_form_was_checked_is_a_message(dost):
    Field.objects.create(name="Giáo dục", slug="giao-duc")
    with pytest.raises(InvalidInput) as refused:
        challenge_services.save_field(dost, Field(name="Giáo dục", slug="giao-duc-2"))
    assert refused.value.field == "name"
