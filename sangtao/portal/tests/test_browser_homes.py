"""Real headless Chromium, one session, every role (unit leader, DoST, officer, expert, solver, a
partner agency of a project, a citizen): each lands on "Việc của tôi" after login, sees the item the
test left for them and completes it from there; on a phone the menu button opens the menu and a page
is reached through it. axe-core checks every page, desktop and phone widths."""

import datetime
import os

import pytest

from conftest import (
    CHROMEDRIVER,
    CHROMIUM,
    PASSWORD,
    assert_accessible,
    click_and_wait,
    fill_in,
    proposal_data,
    set_viewport,
    visit,
)
from sangtao.challenges.models import Challenge, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402


def log_in_to_home(browser, base, username):
    """Log in through the form and land, with no `next`, on the person's home."""
    browser.delete_all_cookies()
    browser.get(base + "/accounts/login/")
    fill_in(browser, {"id_username": username, "id_password": PASSWORD})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary", what=f"{username}'s home")
    assert browser.current_url == base + "/my-work/"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Việc của tôi"


def open_item(browser, title, count=1):
    """The home lists the item with its count; its link leads where it is done."""
    task = browser.find_element(By.XPATH, f"//li[contains(@class, 'task')][a[contains(., '{title}')]]")
    assert task.find_element(By.CSS_SELECTOR, ".task-count").text == str(count)
    click_and_wait(browser, By.XPATH, f"//li[contains(@class, 'task')]/a[contains(., '{title}')]")


def make_move(browser, move, reason=""):
    click_and_wait(browser, By.CSS_SELECTOR, f"main a.button[href$='/move/{move}/']")
    if reason:
        fill_in(browser, {"id_reason": reason})
    click_and_wait(browser, By.CSS_SELECTOR, "main form button")
    assert "Đã thực hiện" in browser.find_element(By.CSS_SELECTOR, ".messages li.success").text


def test_each_role_finds_and_does_its_work_from_its_home_and_the_phone_menu_works(
        live_server, browser, selection, make_challenge, officer, leader, dost, solver, solver_org, ward, ward_officer,
        outsider):
    from django.utils import timezone

    from sangtao.challenges import services as challenge_services
    from sangtao.notifications.models import Notification
    from sangtao.projects import services as project_services
    from sangtao.projects.models import Task, TaskStatus
    from sangtao.proposals import services as proposal_services
    from sangtao.review import services as review_services

    base = live_server.url
    challenge = make_challenge(Status.UNIT_REVIEW, title="Số hóa hồ sơ sức khỏe học sinh")
    open_call = make_challenge(Status.PUBLISHED, title="Giảm ùn tắc cổng trường")
    proposal_services.start_proposal(open_call, solver, solver_org, proposal_data(open_call, title="Đưa đón chung"))
    # A project assigned directly, with the ward as a partner agency and a task for it.
    today = timezone.localdate()
    assigned = make_challenge(Status.PUBLISHED, title="Điểm tiêm chủng lưu động", selection_mode="direct")
    decision = review_services.record_decision(assigned, dost, lead_organisation=solver_org, rationale="Đơn vị duy nhất",
                                               legal_basis="Điều 26 Luật KH,CN&ĐMST", decided_on=today)
    project = project_services.create_project(decision, dost, {
        "starts_on": today, "ends_on": today + datetime.timedelta(days=200), "partners": [(ward, "Bố trí địa điểm")],
        "milestones": [{"title": "Thí điểm", "due_on": today + datetime.timedelta(days=90)}]})
    task = project_services.add_task(project, dost, ward, "Bố trí điểm tiêm tại nhà văn hóa phường",
                                     today + datetime.timedelta(days=14))
    # A citizen's question, answered: an unread notice for them.
    question = challenge_services.ask_question(open_call, outsider, "Khi nào bắt đầu thí điểm ở cổng trường?")
    challenge_services.answer_question(question, officer, "Từ học kỳ hai.")

    # The leader approves the challenge awaiting them, from their home.
    log_in_to_home(browser, base, "leader")
    open_item(browser, "chờ lãnh đạo đơn vị phê duyệt")  # one challenge: the link opens it
    make_move(browser, "unit_approve")

    # DoST asks for changes; on a phone it reaches the complaints page through the menu.
    log_in_to_home(browser, base, "dost")
    open_item(browser, "chờ Sở KH&CN thẩm định")  # one challenge: the link opens it
    make_move(browser, "request_changes", "Cần nêu rõ chỉ số đo.")
    set_viewport(browser, 390, 844)
    toggle = browser.find_element(By.CSS_SELECTOR, "button.menu-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not browser.find_element(By.ID, "site-menu").is_displayed()
    toggle.send_keys(Keys.ENTER)  # by keyboard
    assert toggle.get_attribute("aria-expanded") == "true"
    assert_accessible(browser, widths=[(390, 844)], what="the open phone menu")
    click_and_wait(browser, By.LINK_TEXT, "Khiếu nại", what="the complaints page")  # checked at both widths
    assert browser.current_url.endswith("/complaints/")
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    set_viewport(browser, 1366, 900)

    # The officer fixes the returned challenge and submits it again.
    log_in_to_home(browser, base, "officer")
    open_item(browser, "bị trả lại")  # one challenge: the link opens it
    make_move(browser, "submit")
    assert Challenge.objects.get(pk=challenge.pk).status == Status.UNIT_REVIEW

    # A council member signs the declaration awaiting them.
    log_in_to_home(browser, base, selection["experts"][0].user.username)
    open_item(browser, "xung đột lợi ích cần ký", count=2)  # one for each of the council's two proposals
    click_and_wait(browser, By.LINK_TEXT, "Khai báo xung đột lợi ích", what="the declaration form")
    browser.find_element(By.CSS_SELECTOR, "input[name=has_conflict][value='0']").click()
    click_and_wait(browser, By.CSS_SELECTOR, "main form button.primary")
    assert "Đã ký bản khai" in browser.find_element(By.CSS_SELECTOR, ".messages li.success").text

    # The solver submits the draft before the deadline.
    log_in_to_home(browser, base, "solver")
    open_item(browser, "Hồ sơ đăng ký chưa nộp")  # one draft: the link opens it
    click_and_wait(browser, By.LINK_TEXT, "Nộp hồ sơ")
    click_and_wait(browser, By.XPATH, "//button[contains(., 'Xác nhận nộp hồ sơ')]", what="the submitted proposal")
    visit(browser, base + "/my-work/")
    # Read the loaded page's text: find_elements of something absent would wait the whole implicit wait.
    assert "Hồ sơ đăng ký chưa nộp" not in browser.find_element(By.TAG_NAME, "main").text

    # The partner agency (the ward) marks its project task done, from the project page its home links to.
    log_in_to_home(browser, base, "officer2")
    open_item(browser, "Nhiệm vụ dự án đơn vị bạn phụ trách")  # one project: the link opens it at the tasks
    assert browser.current_url.endswith(f"{project.get_absolute_url()}#task")
    click_and_wait(browser, By.CSS_SELECTOR, f"#task-{task.pk}-done button")
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE
    visit(browser, base + "/my-work/")
    assert "Nhiệm vụ dự án" not in browser.find_element(By.TAG_NAME, "main").text

    # The citizen reads the answer to their question on their home and marks it read there.
    log_in_to_home(browser, base, "citizen")
    notes = browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=work-notes]").text
    assert "Giảm ùn tắc cổng trường" in notes and "Không có thông báo mới" not in notes
    click_and_wait(browser, By.XPATH, "//main//button[contains(., 'Đánh dấu tất cả đã đọc')]")
    assert browser.current_url == base + "/my-work/"
    assert "Không có thông báo mới" in browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=work-notes]").text
    assert not Notification.objects.filter(recipient=outsider, read_at__isnull=True).exists()

    # The API docs render from the site's own files only (no network beyond it) and pass the gate.
    browser.get(base + "/api/v1/docs")
    assert browser.find_elements(By.CSS_SELECTOR, ".swagger-ui .opblock")  # waits until Swagger UI has drawn
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(base) for url in loaded), loaded
    assert_accessible(browser, what="the API docs")
