"""Real headless Chromium walks step 3: a solver registers and submits; a council declares,
scores; DoST decides; the public sees the result."""

import os

import pytest

from conftest import (
    CHROMEDRIVER,
    CHROMIUM,
    COUNCIL_ROLES,
    assert_accessible,
    click_and_wait,
    close_call,
    fill_in,
    log_in,
    make_expert,
    visit,
)
from sangtao.challenges.models import Status
from sangtao.proposals.models import Proposal, ProposalVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402


def success_message(browser) -> str:
    return browser.find_element(By.CSS_SELECTOR, ".messages li.success").text


def test_solver_registers_and_submits_then_council_scores_and_dost_decides(live_server, browser, make_challenge,
                                                                           outsider, dost, field):
    base = live_server.url
    challenge = make_challenge(Status.PUBLISHED)

    # A citizen registers an organisation, then applies to the open challenge.
    log_in(browser, base, "citizen")
    visit(browser, base + "/solvers/register/")
    fill_in(browser, {"id_name": "Công ty TNHH Đổi Mới Sài Gòn", "id_tax_code": "0315556667",
                      "id_address": "Phường Bến Thành", "id_legal_representative": "Ngô Thị Hạnh"})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert "Đã đăng ký tổ chức" in success_message(browser)
    assert "Chưa xác minh" in browser.find_element(By.TAG_NAME, "h1").text
    visit(browser, base + challenge.get_absolute_url())
    click_and_wait(browser, By.LINK_TEXT, "Đăng ký hồ sơ", what="the proposal form")
    indicator = challenge.indicators.get()
    fill_in(browser, {"id_title": "Phân luồng khám bằng trí tuệ nhân tạo", "id_summary": "Dự báo lượng khám theo giờ.",
                      "id_approach": "Mô hình dự báo và đặt lịch theo khung giờ.", "id_experience": "Ba dự án y tế.",
                      "id_team-0-name": "Ngô Thị Hạnh", "id_team-0-role": "Chủ nhiệm",
                      "id_plan-0-milestone": "Thí điểm", "id_plan-0-deliverable": "Báo cáo",
                      "id_budget-0-item": "Phần mềm", "id_budget-0-amount_vnd": "600000000",
                      "id_budget-1-item": "Đào tạo", "id_budget-1-amount_vnd": "150000000",
                      f"id_result_{indicator.pk}": "Còn 50 phút"})
    # The total is computed as the lines are typed, grouped the Vietnamese way.
    assert browser.find_element(By.ID, "id_budget_total_vnd").get_attribute("value") == "750.000.000"
    browser.find_element(By.ID, "id_team_informed").click()  # the applicant told the team member
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert "Đã lưu bản nháp" in success_message(browser)
    click_and_wait(browser, By.CSS_SELECTOR, "button[name=submit]")
    click_and_wait(browser, By.XPATH, "//button[contains(., 'Xác nhận nộp hồ sơ')]")
    assert "Số biên nhận" in success_message(browser)
    proposal = Proposal.objects.get(title="Phân luồng khám bằng trí tuệ nhân tạo")
    receipt = ProposalVersion.objects.get(proposal=proposal).receipt
    assert receipt in browser.find_element(By.TAG_NAME, "h1").text
    assert_accessible(browser, what="the submitted proposal with its receipt")

    # The call closes; DoST screens the proposal and forms the council.
    close_call(challenge, dost)
    log_in(browser, base, "dost")
    visit(browser, base + f"/proposals/{proposal.pk}/screen/", what="the screening form")
    for box in browser.find_elements(By.CSS_SELECTOR, "main form input[type=checkbox]"):
        box.click()
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert "hợp lệ" in success_message(browser)
    from sangtao.review import services
    from sangtao.review.models import Council, CouncilRules, Rubric

    experts = [make_expert(f"hd{i}", f"Thành viên {i}", "y tế bệnh viện") for i in range(7)]
    council = services.save_council(dost, Council(name="Hội đồng thử nghiệm", rules=CouncilRules.objects.get(),
                                                  rubric=Rubric.objects.get()), [challenge])
    for expert, role in zip(experts, COUNCIL_ROLES, strict=True):
        services.add_member(dost, council, expert, role)
    visit(browser, base + council.get_absolute_url())
    click_and_wait(browser, By.XPATH, "//button[contains(., 'Toàn hội đồng chấm mọi hồ sơ')]")
    click_and_wait(browser, By.XPATH, "//button[contains(., 'Công bố phân công')]")
    assert "Đã gửi phân công" in success_message(browser)

    # Two members declare and score in the browser; the others through the services.
    leaves = [c.pk for c in council.rubric.leaves()]
    for number, points in ((0, ("13", "42", "30")), (1, ("12", "40", "28"))):
        log_in(browser, base, f"hd{number}")
        browser.get(base + "/reviews/")
        # Both members walk the same pages: the first one's are checked.
        if number == 0:
            assert_accessible(browser, what="the expert's queue")
        click_and_wait(browser, By.LINK_TEXT, "Khai báo xung đột lợi ích", check=number == 0)
        browser.find_element(By.CSS_SELECTOR, "input[name=has_conflict][value='0']").click()
        click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary", check=number == 0, what="the scoresheet")
        assert "Đã ký bản khai" in success_message(browser)
        fill_in(browser, {f"points_{pk}": value for pk, value in zip(leaves, points, strict=True)})
        click_and_wait(browser, By.CSS_SELECTOR, "button[name=submit]", check=number == 0, what="asked before locking")
        assert "Phiếu đã nộp bị khóa" in browser.find_element(By.TAG_NAME, "main").text
        click_and_wait(browser, By.ID, "confirm-action", check=False)
        assert "Đã nộp phiếu chấm" in success_message(browser)
    for item in council.assignments.exclude(expert__user__username__in=["hd0", "hd1"]).select_related("expert__user"):
        services.declare(item, item.expert.user, has_conflict=False)
        services.save_scores(item, item.expert.user, dict(zip(leaves, (12, 40, 28), strict=True)), {})
        services.submit_scoresheet(item, item.expert.user)

    # DoST reads the results and decides; the public page shows the outcome.
    log_in(browser, base, "dost")
    visit(browser, base + f"/councils/{council.pk}/results/", what="the council's results")
    assert "Đạt" in browser.find_element(By.TAG_NAME, "main").text
    click_and_wait(browser, By.PARTIAL_LINK_TEXT, "Quyết định cho")
    browser.find_element(By.CSS_SELECTOR, f"#id_proposal option[value='{proposal.pk}']").click()
    fill_in(browser, {"id_decision_number": "12/QĐ-SKHCN", "id_rationale": "Hồ sơ duy nhất đạt yêu cầu."})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert "Đã ghi nhận quyết định" in success_message(browser)
    browser.delete_all_cookies()
    visit(browser, base + challenge.get_absolute_url(), what="the decided challenge, in public")
    result = browser.find_element(By.ID, "ket-qua").text
    assert "Công ty TNHH Đổi Mới Sài Gòn" in result and "12/QĐ-SKHCN" in result
    challenge.refresh_from_db()
    assert challenge.status == Status.IMPLEMENTING
