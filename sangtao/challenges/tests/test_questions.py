import pytest

from conftest import ApiClient, client_for
from sangtao.challenges import services
from sangtao.challenges.models import Question, QuestionStatus, Status
from sangtao.core.errors import NotAllowed
from sangtao.notifications.models import Notification


@pytest.mark.django_db
def test_question_is_pending_until_approved_or_answered(make_challenge, outsider, officer, solver):
    challenge = make_challenge(Status.PUBLISHED)
    client_for(outsider).post(f"/challenges/{challenge.pk}/questions/", {"body": "Có cần hợp tác với bệnh viện không?"})
    question = Question.objects.get()
    assert question.status == QuestionStatus.PENDING
    url = f"/challenges/{challenge.pk}/"
    assert "Có cần hợp tác" in client_for(outsider).get(url).content.decode()  # the asker sees their own
    assert "Có cần hợp tác" not in client_for(solver).get(url).content.decode()
    assert "Có cần hợp tác" not in client_for(None).get(url).content.decode()
    assert Notification.objects.filter(recipient=officer).exists()  # the owner is told to moderate

    client_for(officer).post(f"/challenges/{challenge.pk}/questions/{question.pk}/answer/", {"answer": "Có, bắt buộc."})
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    page = client_for(None).get(url).content.decode()
    assert "Có cần hợp tác" in page and "Có, bắt buộc." in page
    assert Notification.objects.filter(recipient=outsider).exists()


@pytest.mark.django_db
def test_rejected_question_stays_hidden(make_challenge, outsider, officer):
    challenge = make_challenge(Status.PUBLISHED)
    question = services.ask_question(challenge, outsider, "Nội dung quảng cáo không liên quan")
    services.moderate_question(question, officer, approve=False, note="spam")
    assert "quảng cáo" not in client_for(None).get(f"/challenges/{challenge.pk}/").content.decode()


@pytest.mark.django_db
def test_only_the_owning_unit_or_dost_moderate(make_challenge, outsider, ward_officer, solver):
    challenge = make_challenge(Status.PUBLISHED)
    question = services.ask_question(challenge, outsider, "Câu hỏi làm rõ phạm vi")
    for user in (ward_officer, solver, outsider):
        with pytest.raises(NotAllowed):
            services.answer_question(question, user, "trả lời")
        assert client_for(user).post(f"/challenges/{challenge.pk}/questions/{question.pk}/answer/",
                                     {"answer": "x"}).status_code == 404


@pytest.mark.django_db
def test_questions_only_on_published_challenges_and_only_signed_in(make_challenge, outsider):
    draft = make_challenge(Status.DRAFT)
    with pytest.raises(NotAllowed):
        services.ask_question(draft, outsider, "Câu hỏi về bản nháp")
    published = make_challenge(Status.PUBLISHED)
    response = client_for(None).post(f"/challenges/{published.pk}/questions/", {"body": "Ẩn danh hỏi"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_owner_posts_public_clarification(make_challenge, officer):
    challenge = make_challenge(Status.PUBLISHED)
    client_for(officer).post(f"/challenges/{challenge.pk}/clarifications/", {"body": "Hạn nộp không gia hạn."})
    assert "Hạn nộp không gia hạn." in client_for(None).get(f"/challenges/{challenge.pk}/").content.decode()


@pytest.mark.django_db
def test_questions_api_round_trip(make_challenge, outsider, officer):
    challenge = make_challenge(Status.PUBLISHED)
    asked = ApiClient(outsider).post(f"/challenges/{challenge.pk}/questions", {"body": "Có tài liệu dữ liệu mẫu không?"})
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    qid = asked.json()["id"]
    assert ApiClient(None).get(f"/challenges/{challenge.pk}/questions").json() == []
    answered = ApiClient(officer).post(f"/questions/{qid}/answer", {"answer": "Có, trong phần tệp đính kèm."})
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert len(ApiClient(None).get(f"/challenges/{challenge.pk}/questions").json()) == 1


@pytest.mark.django_db
def test_api_question_on_a_hidden_challenge_is_404(make_challenge, outsider, officer, dost):
    challenge = make_challenge(Status.PUBLISHED)
    question = services.ask_question(challenge, outsider, "Câu hỏi về phạm vi")
    services.cancel(challenge, dost, reason="hủy")
    assert ApiClient(outsider).post(f"/questions/{question.pk}/answer", {"answer": "x"}).status_code == 404
    assert ApiClient(officer).post(f"/questions/{question.pk}/answer", {"answer": "Trả lời"}).status_code == 200


@pytest.mark.django_db
def test_an_answer_longer_than_8000_characters_is_refused_with_a_message_and_nothing_is_stored(
        make_challenge, outsider, officer):
    challenge = make_challenge(Status.PUBLISHED)
    question = services.ask_question(challenge, outsider, "Có cần hợp tác với bệnh viện không?")
    url = f"/challenges/{challenge.pk}/questions/{question.pk}/answer/"
    page = client_for(officer).post(url, {"answer": "x" * 8001}, follow=True).content.decode()
    assert "8001" in page  # Django's own message: at most 8000 characters (it has 8001)
    question.refresh_from_db()
    assert (question.status, question.answer) == (QuestionStatus.PENDING, "")
    page = client_for(officer).post(url, {"answer": "   "}, follow=True).content.decode()
    assert "Câu trả lời không được để trống." in page
    client_for(officer).post(url, {"answer": "x" * 8000})  # as the API takes it (AnswerIn)
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED and len(question.answer) == 8000


@pytest.mark.django_db
def test_a_moderation_note_longer_than_500_characters_is_refused_with_a_message_and_the_question_stays_pending(
        make_challenge, outsider, officer):
    challenge = make_challenge(Status.PUBLISHED)
    question = services.ask_question(challenge, outsider, "Nội dung quảng cáo không liên quan")
    url = f"/challenges/{challenge.pk}/questions/{question.pk}/moderate/"
    page = client_for(officer).post(url, {"decision": "reject", "note": "x" * 501}, follow=True).content.decode()
    assert "501" in page  # at most 500 characters (it has 501), as the API's ModerateIn and the column take
    question.refresh_from_db()
    assert (question.status, question.moderation_note) == (QuestionStatus.PENDING, "")
    client_for(officer).post(url, {"decision": "reject", "note": "Quảng cáo"})
    question.refresh_from_db()
    assert (question.status, question.moderation_note) == (QuestionStatus.REJECTED, "Quảng cáo")


@pytest.mark.django_db
def test_the_same_question_sent_twice_while_it_awaits_moderation_is_stored_and_announced_once(
        make_challenge, outsider, officer):
    challenge = make_challenge(Status.PUBLISHED)
    client = client_for(outsider)
    for _ in range(3):  # a double click, then the form sent again
        client.post(f"/challenges/{challenge.pk}/questions/", {"body": "Có cần hợp tác với bệnh viện không?"})
    assert Question.objects.count() == 1
    assert Notification.objects.filter(recipient=officer, title__contains="Câu hỏi mới").count() == 1
    client.post(f"/challenges/{challenge.pk}/questions/", {"body": "Hạn nộp có được gia hạn không?"})
    assert Question.objects.count() == 2  # another question is another question


@pytest.mark.django_db
def test_a_refused_question_comes_back_beside_its_box_as_typed_with_the_box_in_focus(make_challenge, outsider):
    challenge = make_challenge(Status.PUBLISHED)
    typed = "Có cần hợp tác với bệnh viện không? " * 120  # longer than 4,000 characters
    response = client_for(outsider).post(f"/challenges/{challenge.pk}/questions/", {"body": typed})
    page = response.content.decode()
    assert response.status_code == 200 and not challenge.questions.exists()
    form = page.split('id="hoi-dap"')[1]
    assert typed.strip() in form and 'class="error" id="id_body_error"' in form.split("</form>")[0]
    assert "autofocus" in form.split("</textarea>")[0].split("<textarea")[1]  # the browser is taken to it
    assert 'class="messages"' in page  # and said at the top


@pytest.mark.django_db
def test_the_address_of_a_refused_question_opened_again_leads_to_the_questions(make_challenge, outsider):
    challenge = make_challenge(Status.PUBLISHED)  # the language switch sends the browser to the page's address
    response = client_for(outsider).get(f"/en/challenges/{challenge.pk}/questions/")
    assert response.status_code == 302 and response.url == f"/en/challenges/{challenge.pk}/#hoi-dap"


@pytest.mark.django_db
def test_the_homes_line_of_questions_on_several_challenges_leads_to_those_challenges_only(make_challenge, outsider,
                                                                                          officer):
    from sangtao.core.workitems import work_for

    asked = [make_challenge(Status.PUBLISHED, title=f"Bài toán có câu hỏi {n}") for n in range(2)]
    quiet = make_challenge(Status.PUBLISHED, title="Bài toán chưa ai hỏi")
    for challenge in asked:
        services.ask_question(challenge, outsider, "Có cần hợp tác với bệnh viện không?")
    [line] = [item for item in work_for(officer) if item.kind == "challenges.questions"]
    assert line.count == 2 and line.url == "/challenges/mine/?questions=pending"
    page = client_for(officer).get(line.url).content.decode()
    assert all(challenge.title in page for challenge in asked) and quiet.title not in page
    assert "Chỉ những bài toán có câu hỏi của công chúng chờ duyệt." in page
