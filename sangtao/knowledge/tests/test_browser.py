"""Real headless Chromium, one journey: a project passes acceptance; its unit answers the after-action
review; a case is drafted with the KPI and satisfaction results; DoST requests a change, then publishes
it; an officer of another ward drafting a similar challenge sees the case suggested, asks to adopt it
from the case page, and the adoption appears there."""

import os

import pytest

from conftest import CHROMEDRIVER, CHROMIUM, POLL, absent, assert_accessible, click_and_wait, fill_in, log_in, visit
from sangtao.evaluation.outcome import challenge_outcome
from sangtao.knowledge.models import Adoption, Case, CaseStatus, Lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

ADDED = {  # what the unit writes in the sections the platform cannot draft
    "id_novelty": "Lần đầu bệnh viện công của thành phố chia khung giờ khám theo chuyên khoa.",
    "id_difficulties": "Người cao tuổi chưa quen đặt lịch; phải bố trí điểm hỗ trợ tại sảnh.",
    "id_conditions": "Lịch bác sĩ cập nhật hằng ngày và lãnh đạo bệnh viện cam kết.",
    "id_materials": "Quy trình tiếp đón mới và báo cáo đánh giá kết quả của Sở Y tế.",
    "id_beneficiaries": "Người bệnh ngoại trú và người nhà của họ.",
}


def test_acceptance_review_case_editing_publication_and_adoption(live_server, browser, graded, dost, officer,
                                                                  ward_officer, ward):
    base = live_server.url
    challenge = graded.challenge
    # DoST concludes the acceptance the council graded.
    log_in(browser, base, "dost")
    visit(browser, f"{base}/projects/{graded.pk}/")
    click_and_wait(browser, By.CSS_SELECTOR, "#conclude button")
    graded.refresh_from_db()
    assert graded.status == "accepted"
    # The unit owes its after-action review, answers it from the lessons page.
    log_in(browser, base, "officer")
    visit(browser, f"{base}/knowledge/lessons/")
    click_and_wait(browser, By.ID, f"review-challenge-{challenge.pk}")
    fill_in(browser, {"id_expected": "Thời gian chờ giảm còn 60 phút.", "id_actual": "Còn 72,5 phút sau sáu tháng.",
                      "id_went_well": "Lịch bác sĩ cập nhật hằng ngày.", "id_to_change": "Hỗ trợ người cao tuổi từ đầu."})
    click_and_wait(browser, By.ID, "send-review")
    assert Lesson.objects.filter(challenge=challenge, status="answered").exists()
    # The case is drafted from the platform's records: the outcome's numbers, the lesson.
    visit(browser, f"{base}/cases/")
    click_and_wait(browser, By.ID, f"draft-challenge-{challenge.pk}")
    results = browser.find_element(By.ID, "id_results").get_attribute("value")
    kpis, surveys = challenge_outcome(challenge)
    change = f"{100 * surveys[0].impact.change.estimate:.1f}".replace(".", ",")
    assert "72,5 phút" in results and f"thay đổi {change} điểm phần trăm" in results
    assert "Hỗ trợ người cao tuổi từ đầu." in browser.find_element(By.ID, "id_lessons").get_attribute("value")
    Select(browser.find_element(By.ID, "id_stage")).select_by_value("evaluating")
    click_and_wait(browser, By.ID, "send-case")  # sections still empty: the summary names each
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary").text
    assert "Điểm mới" in summary and "Điều kiện thành công" in summary
    fill_in(browser, ADDED)
    click_and_wait(browser, By.ID, "send-case")
    assert absent(browser, By.CSS_SELECTOR, ".error-summary"), browser.find_element(By.TAG_NAME, "main").text
    case = Case.objects.get(challenge=challenge)
    assert case.status == CaseStatus.SUBMITTED
    # DoST asks for a change, the unit makes it and sends again, DoST publishes for everyone.
    log_in(browser, base, "dost")
    visit(browser, f"{base}/cases/{case.pk}/")
    fill_in(browser, {"reason-request_changes": "Nêu rõ số người bệnh được hưởng lợi mỗi năm."})
    click_and_wait(browser, By.ID, "move-request_changes")
    log_in(browser, base, "officer")
    visit(browser, f"{base}/cases/{case.pk}/edit/")
    assert "số người bệnh" in browser.find_element(By.CSS_SELECTOR, ".alert.pending").text
    fill_in(browser, {"id_beneficiaries": "Khoảng 400.000 lượt người bệnh ngoại trú mỗi năm và người nhà của họ."})
    click_and_wait(browser, By.ID, "send-case")
    log_in(browser, base, "dost")
    visit(browser, f"{base}/cases/{case.pk}/")
    click_and_wait(browser, By.ID, "move-publish_public")
    assert browser.find_element(By.ID, "status").text == "Đã công bố công khai"
    # An officer of another ward drafting a similar challenge sees the case suggested as they type, opens
    # it and asks to adopt it from the case page; the request shows there.
    log_in(browser, base, "officer2")
    browser.get(f"{base}/challenges/new/")
    browser.find_element(By.ID, "id_title").send_keys("Giảm thời gian chờ khám bệnh tại trạm y tế phường")
    suggested = f"[data-suggest-list] li a[href$='{case.get_absolute_url()}']"
    WebDriverWait(browser, 10, poll_frequency=POLL).until(lambda b: b.find_elements(By.CSS_SELECTOR, suggested))
    assert_accessible(browser, what="the challenge form with suggestions")
    click_and_wait(browser, By.CSS_SELECTOR, suggested)
    assert browser.current_url.endswith(case.get_absolute_url())
    Select(browser.find_element(By.ID, "id_form")).select_by_value("deployment")
    fill_in(browser, {"id_service": "Khám bệnh tại trạm y tế phường", "id_go_live_on": "15/01/2027"})
    click_and_wait(browser, By.ID, "adopt-case")
    adoption = Adoption.objects.get(case=case)
    assert (adoption.unit, adoption.status) == (ward, "requested")
    assert ward.name in browser.find_element(By.ID, "adoptions").text
