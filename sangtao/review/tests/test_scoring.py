"""Declarations before content, scoresheet rules, locking and the secretary's reopening."""

from decimal import Decimal

import pytest

from conftest import SELECTION_WORLD, ApiClient, client_for, module_world, selection_world
from sangtao.core.errors import InvalidInput, NotAllowed, StaleState
from sangtao.review import services
from sangtao.review.models import CouncilRole, Score, Scoresheet, SheetEvent, SheetStatus

pytestmark = pytest.mark.django_db
# Every test here starts from the same selection, built once for the module.
globals().update(module_world(selection_world, SELECTION_WORLD))


@pytest.fixture
def item(selection):
    return selection["council"].assignments.select_related("expert__user", "council").first()


def leaf_ids(item):
    return [c.pk for c in item.council.rubric.leaves()]


def test_content_is_hidden_until_the_declaration_is_signed(item):
    client = client_for(item.expert.user)
    assert client.get(f"/proposals/{item.proposal_id}/").status_code == 404
    assert client.get(f"/reviews/{item.pk}/score/").url.endswith(f"/reviews/{item.pk}/declare/")
    declare_page = client.get(f"/reviews/{item.pk}/declare/").content.decode()
    assert "Hệ thống đặt lịch khám" not in declare_page  # no content before signing
    client.post(f"/reviews/{item.pk}/declare/", {"has_conflict": "0"})
    assert client.get(f"/proposals/{item.proposal_id}/").status_code == 200


def test_a_conflicted_member_never_scores(item):
    services.declare(item, item.expert.user, has_conflict=True)
    with pytest.raises(NotAllowed):
        services.save_scores(item, item.expert.user, {leaf_ids(item)[0]: 10}, {})
    assert client_for(item.expert.user).get(f"/reviews/{item.pk}/score/").status_code == 404


def test_a_second_declaration_is_refused(item):
    services.declare(item, item.expert.user, has_conflict=False)
    with pytest.raises(StaleState):
        services.declare(item, item.expert.user, has_conflict=True)


def test_another_member_cannot_use_someone_elses_assignment(item, selection):
    other = next(e.user for e in selection["experts"] if e.pk != item.expert_id)
    with pytest.raises(NotAllowed):
        services.declare(item, other, has_conflict=False)
    assert client_for(other).get(f"/reviews/{item.pk}/declare/").status_code == 404


def test_points_out_of_range_are_refused(item):
    services.declare(item, item.expert.user, has_conflict=False)
    with pytest.raises(InvalidInput, match="từ 0 đến 15"):
        services.save_scores(item, item.expert.user, {leaf_ids(item)[0]: 16}, {})


def test_a_comment_is_required_below_half_the_maximum(item):
    services.declare(item, item.expert.user, has_conflict=False)
    urgency, feasibility, effect = leaf_ids(item)
    services.save_scores(item, item.expert.user, {urgency: 7, feasibility: 40, effect: 30}, {})
    with pytest.raises(InvalidInput, match="dưới một nửa"):
        services.submit_scoresheet(item, item.expert.user)
    services.save_scores(item, item.expert.user, {urgency: 7, feasibility: 40, effect: 30}, {urgency: "Chưa cấp thiết"})
    assert services.submit_scoresheet(item, item.expert.user).status == SheetStatus.SUBMITTED


def test_a_submitted_sheet_is_locked_and_only_the_secretary_reopens_it_with_a_reason(item, selection, dost):
    services.declare(item, item.expert.user, has_conflict=False)
    services.save_scores(item, item.expert.user, dict(zip(leaf_ids(item), [12, 40, 30], strict=True)), {})
    sheet = services.submit_scoresheet(item, item.expert.user)
    with pytest.raises(StaleState):
        services.save_scores(item, item.expert.user, {leaf_ids(item)[0]: 1}, {})
    chair = selection["council"].members.get(role=CouncilRole.CHAIR).expert.user
    secretary = selection["council"].members.get(role=CouncilRole.SECRETARY).expert.user
    for not_secretary in (item.expert.user, chair, dost):
        with pytest.raises(NotAllowed):
            services.reopen_scoresheet(sheet, not_secretary, "sửa")
    with pytest.raises(InvalidInput):
        services.reopen_scoresheet(sheet, secretary, "")
    reopened = services.reopen_scoresheet(sheet, secretary, "Thành viên nhập nhầm điểm tiêu chí 2")
    assert reopened.status == SheetStatus.DRAFT
    event = SheetEvent.objects.filter(scoresheet=sheet).last()
    assert (event.move, event.actor, event.reason) == ("reopen", secretary, "Thành viên nhập nhầm điểm tiêu chí 2")
    # The transition row is the sheet's audit: one per move, none for the refused attempts.
    assert list(SheetEvent.objects.filter(scoresheet=sheet).values_list("move", flat=True)) == ["submit", "reopen"]


def test_the_score_page_keeps_typed_values_when_submission_fails(item):
    services.declare(item, item.expert.user, has_conflict=False)
    urgency, feasibility, effect = leaf_ids(item)
    response = client_for(item.expert.user).post(f"/reviews/{item.pk}/score/", {
        f"points_{urgency}": "5", f"points_{feasibility}": "41", f"points_{effect}": "30", "submit": "1",
        "general_comment": "Nhận xét chung giữ lại"})
    page = response.content.decode()
    assert "dưới một nửa" in page and 'value="41"' in page and "Nhận xét chung giữ lại" in page
    assert Scoresheet.objects.get(assignment=item).status == SheetStatus.DRAFT


def test_scoring_through_the_api(item):
    api = ApiClient(item.expert.user)
    assert api.get(f"/reviews/{item.pk}/scoresheet").status_code == 403
    assert api.post(f"/reviews/{item.pk}/declaration", {"has_conflict": False}).status_code == 201
    urgency, feasibility, effect = leaf_ids(item)
    saved = api.put(f"/reviews/{item.pk}/scoresheet", {"scores": [
        {"criterion_id": urgency, "points": 12}, {"criterion_id": feasibility, "points": 40},
        {"criterion_id": effect, "points": 30}]})
    assert saved.status_code == 200 and saved.json()["problems"] == []
    submitted = api.post(f"/reviews/{item.pk}/scoresheet/submit")
    assert submitted.json()["status"] == "submitted"
    assert api.post(f"/reviews/{item.pk}/scoresheet/submit").status_code == 409
    listed = api.get("/reviews").json()
    assert any(r["id"] == item.pk and r["scoresheet_status"] == "submitted" for r in listed)


def _shown(response) -> list[str]:
    """The errors the score sheet lists at its top (another page's: its messages)."""
    if "summary" in response.context:
        return [message for _anchor, message in response.context["summary"]]
    return [str(m) for m in response.context["messages"]]


def test_a_scoresheet_comment_longer_than_4000_characters_is_refused_with_a_message(item):
    services.declare(item, item.expert.user, has_conflict=False)
    urgency, feasibility, effect = leaf_ids(item)
    client = client_for(item.expert.user)
    url = f"/reviews/{item.pk}/score/"
    response = client.post(url, {f"points_{urgency}": "5", f"comment_{urgency}": "ý" * 4001,
                                 f"points_{feasibility}": "40", "save": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and any("4001" in text for text in _shown(response))
    row = page.split(f'name="points_{urgency}"')[1].split("</tr>")[0]
    assert 'class="error"' in row and "4001" in row  # told beside the criterion's comment
    assert 'value="40"' in page  # what was typed stays
    assert not Score.objects.filter(scoresheet__assignment=item).exists()  # nothing stored, not even the good points
    client.post(url, {f"points_{urgency}": "5", f"comment_{urgency}": "ý" * 4000, "save": "1"})
    assert Score.objects.get(scoresheet__assignment=item, criterion_id=urgency).comment == "ý" * 4000


def test_a_general_comment_longer_than_4000_characters_is_refused_beside_it(item):
    services.declare(item, item.expert.user, has_conflict=False)
    urgency = leaf_ids(item)[0]
    response = client_for(item.expert.user).post(f"/reviews/{item.pk}/score/", {
        f"points_{urgency}": "5", "general_comment": "ý" * 4001, "save": "1"})
    assert response.status_code == 200 and any("4001" in text for text in _shown(response))
    assert 'id="general_comment-error"' in response.content.decode()
    assert not Scoresheet.objects.filter(assignment=item).exclude(general_comment="").exists()
    assert not Score.objects.filter(scoresheet__assignment=item).exists()


@pytest.mark.parametrize("points", ["abc", "16", "-1", "NaN", "Infinity", "1e9", "7.125", str(10**30)])
def test_points_that_are_not_a_score_of_the_criterion_are_refused_with_a_message_and_not_stored(item, points):
    services.declare(item, item.expert.user, has_conflict=False)
    urgency = leaf_ids(item)[0]  # out of 15
    response = client_for(item.expert.user).post(f"/reviews/{item.pk}/score/", {f"points_{urgency}": points,
                                                                                 "save": "1"})
    assert response.status_code == 200 and _shown(response)
    if points in ("16", "-1"):  # the maximum as the page writes numbers, not "15.00"
        assert _shown(response)[0].endswith("điểm phải từ 0 đến 15.")
    if points == "abc":  # not a number is said as such, not as a range
        assert _shown(response)[0].endswith("nhập điểm bằng chữ số, ví dụ 12,5.")
    row = response.content.decode().split(f'name="points_{urgency}"')[1].split("</tr>")[0]
    assert 'class="error"' in row and f'value="{points}"' in response.content.decode()
    # Beside the points box, not the comment, and linked from the list at the top.
    assert f'aria-describedby="points_{urgency}-error"' in response.content.decode()
    assert f'<a href="#points_{urgency}">' in response.content.decode()
    assert not Score.objects.filter(scoresheet__assignment=item).exists()


def test_saving_a_sheet_asks_the_database_as_often_for_one_criterion_as_for_all_and_updates_in_place(item):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user, leaves = item.expert.user, leaf_ids(item)
    services.declare(item, user, has_conflict=False)
    services.save_scores(item, user, {leaves[0]: 5}, {leaves[0]: "nhận xét"})
    with CaptureQueriesContext(connection) as one:
        services.save_scores(item, user, {leaves[0]: 6}, {leaves[0]: "nhận xét"})
    with CaptureQueriesContext(connection) as every:
        services.save_scores(item, user, dict.fromkeys(leaves, 7), dict.fromkeys(leaves, "nhận xét"))
    assert len(leaves) == 3 and len(every) == len(one)
    scores = Score.objects.filter(scoresheet__assignment=item)
    assert sorted(scores.values_list("criterion_id", "points")) == [(leaf, 7) for leaf in sorted(leaves)]
    services.save_scores(item, user, {leaves[0]: "8,5"}, {leaves[0]: "sửa lại"})
    assert scores.get(criterion_id=leaves[0]).points == Decimal("8.5") and scores.count() == len(leaves)


def test_a_partly_filled_draft_is_saved_with_blank_points_and_a_decimal_comma(item):
    services.declare(item, item.expert.user, has_conflict=False)
    urgency, feasibility, effect = leaf_ids(item)
    client = client_for(item.expert.user)
    response = client.post(f"/reviews/{item.pk}/score/", {
        f"points_{urgency}": "7,5", f"comment_{urgency}": "Khá cấp thiết", f"points_{feasibility}": "9",
        f"comment_{feasibility}": "", "general_comment": "Đang đọc", "save": "1"})
    assert response.status_code == 302
    sheet = Scoresheet.objects.get(assignment=item)
    assert sheet.status == SheetStatus.DRAFT and sheet.general_comment == "Đang đọc"
    assert {(s.criterion_id, s.points, s.comment) for s in sheet.scores.all()} == {
        (urgency, 7.5, "Khá cấp thiết"), (feasibility, 9, "")}
    # Points taken out are cleared, as the page then shows them.
    client.post(f"/reviews/{item.pk}/score/", {f"points_{urgency}": "7,5", f"comment_{urgency}": "Khá cấp thiết",
                                               f"points_{feasibility}": "", "save": "1"})
    assert {s.criterion_id for s in sheet.scores.all()} == {urgency}


def test_a_comment_on_a_criterion_without_points_is_refused_not_dropped_and_stays_on_the_page(item):
    services.declare(item, item.expert.user, has_conflict=False)
    urgency, feasibility, effect = leaf_ids(item)
    response = client_for(item.expert.user).post(f"/reviews/{item.pk}/score/", {
        f"points_{urgency}": "7", f"points_{feasibility}": "", f"comment_{feasibility}": "chưa chấm", "save": "1"})
    code = item.council.rubric.leaves()[1].code
    assert response.status_code == 200 and f"Tiêu chí {code}: cho điểm để lưu nhận xét." in _shown(response)
    assert "chưa chấm" in response.content.decode() and not Score.objects.filter(scoresheet__assignment=item).exists()


def test_a_reopening_reason_longer_than_4000_characters_is_refused_with_a_message(item, selection):
    services.declare(item, item.expert.user, has_conflict=False)
    services.save_scores(item, item.expert.user, dict(zip(leaf_ids(item), [12, 40, 30], strict=True)), {})
    sheet = services.submit_scoresheet(item, item.expert.user)
    secretary = selection["council"].members.get(role=CouncilRole.SECRETARY).expert.user
    client = client_for(secretary)
    url = f"/councils/{selection['council'].pk}/sheets/{sheet.pk}/reopen/"
    response = client.post(url, {"reason": "ý" * 4001}, follow=True)
    assert response.status_code == 200 and any("4001" in text for text in _shown(response))
    assert Scoresheet.objects.get(pk=sheet.pk).status == SheetStatus.SUBMITTED
    assert not SheetEvent.objects.filter(scoresheet=sheet, move="reopen").exists()
    client.post(url, {"reason": "Thành viên nhập nhầm điểm"})
    assert Scoresheet.objects.get(pk=sheet.pk).status == SheetStatus.DRAFT


def test_submitting_from_the_page_saves_the_scores_then_asks_before_locking_the_sheet(item):
    services.declare(item, item.expert.user, has_conflict=False)
    urgency, feasibility, effect = leaf_ids(item)
    typed = {f"points_{urgency}": "12,5", f"points_{feasibility}": "30", f"points_{effect}": "25", "submit": "1",
             f"comment_{urgency}": "Cấp thiết", "general_comment": "Hồ sơ tốt"}
    client = client_for(item.expert.user)
    asked = client.post(f"/reviews/{item.pk}/score/", typed).content.decode()
    sheet = Scoresheet.objects.get(assignment=item)
    assert sheet.status == SheetStatus.DRAFT and sheet.general_comment == "Hồ sơ tốt"  # saved, not locked
    assert "Phiếu đã nộp bị khóa" in asked and 'name="confirmed" value="1"' in asked
    assert 'class="primary" id="confirm-action"' in asked  # a submission, not a deletion: the main action's button
    assert f'name="points_{urgency}" value="12,5"' in asked and 'name="submit" value="1"' in asked

    assert f'id="points_{urgency}" value="12,5"' in client.get(f"/reviews/{item.pk}/score/").content.decode()
    english = client.get(f"/en/reviews/{item.pk}/score/").content.decode()
    assert f'id="points_{urgency}" value="12.5"' in english and f'id="points_{feasibility}" value="30"' in english
    response = client.post(f"/reviews/{item.pk}/score/", {**typed, "confirmed": "1"})
    assert response.status_code == 302 and Scoresheet.objects.get(assignment=item).status == SheetStatus.SUBMITTED
    assert sorted(Score.objects.filter(scoresheet=sheet).values_list("points", flat=True)) == [12.5, 25, 30]


def test_on_a_phone_each_criterion_is_one_block_with_its_score_and_comment_named(item):
    services.declare(item, item.expert.user, has_conflict=False)
    page = client_for(item.expert.user).get(f"/reviews/{item.pk}/score/").content.decode()
    table = page.split('<table class="stacked">')[1].split("</table>")[0]  # site.css: one block per row on a phone
    rows = len(leaf_ids(item))
    assert table.count('data-label="Điểm"') == rows and table.count('data-label="Điểm tối đa"') == rows
    assert table.count('data-label="Nhận xét (bắt buộc nếu dưới một nửa điểm tối đa)"><textarea') == rows
