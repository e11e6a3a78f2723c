"""The national deadlines of BRIEF §2, in working days: DoST appraises a challenge within 7 of receiving it
and publishes it within 15 of approving it, by rules and holidays DoST keeps."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from conftest import client_for
from sangtao.challenges import services
from sangtao.challenges.models import ChallengeRules, Status
from sangtao.challenges.workitems import challenge_work
from sangtao.core.models import Holiday
from sangtao.core.workdays import add_working_days

pytestmark = pytest.mark.django_db

CITY = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=CITY)


def test_working_days_skip_weekends_the_seeded_fixed_holidays_and_those_dost_adds_and_count_weekends_worked():
    friday = datetime.date(2026, 12, 4)
    assert add_working_days(friday, 7) == datetime.date(2026, 12, 15)
    Holiday.objects.create(day=datetime.date(2026, 12, 8), name="Nghỉ bù")
    assert add_working_days(friday, 7) == datetime.date(2026, 12, 16)
    Holiday.objects.create(day=datetime.date(2026, 12, 12), name="Làm bù", worked=True)  # a Saturday worked
    assert add_working_days(friday, 7) == datetime.date(2026, 12, 15)
    assert add_working_days(datetime.date(2026, 12, 30), 2) == datetime.date(2027, 1, 4)  # 1/1 is seeded
    # 1/5/2027 is a Saturday: the Monday after is off (seeded), so the Friday before + 1 is the Tuesday
    assert add_working_days(datetime.date(2027, 4, 29), 1) == datetime.date(2027, 5, 4)


@pytest.mark.parametrize(("arrived", "since", "due"), [
    (datetime.datetime(2026, 12, 4, 23, 30, tzinfo=CITY), "04/12/2026", "2026-12-15"),  # Friday evening
    (datetime.datetime(2026, 12, 5, 0, 30, tzinfo=CITY), "07/12/2026", "2026-12-16"),  # Saturday (Friday in UTC)
    (datetime.datetime(2026, 12, 6, 10, 0, tzinfo=CITY), "07/12/2026", "2026-12-16"),  # Sunday
    (datetime.datetime(2026, 12, 7, 6, 59, tzinfo=CITY), "07/12/2026", "2026-12-16")])  # Monday (Sunday in UTC)
def test_a_challenge_received_on_a_day_off_counts_from_the_next_working_day_in_the_citys_time(
        make_challenge, monkeypatch, dost, arrived, since, due):
    challenge = _received_on(make_challenge, monkeypatch, arrived)
    page = client_for(dost).get(challenge.get_absolute_url()).content.decode()
    assert f'<time datetime="{due}">' in page and f"7 ngày làm việc sau ngày nhận {since}" in page


def test_a_deadline_is_not_passed_on_its_day_and_is_the_day_after(make_challenge, monkeypatch, dost):
    challenge = _received_on(make_challenge, monkeypatch, MONDAY)  # due 11/11/2026
    client, real = client_for(dost), timezone.localdate
    for today, passed in ((datetime.date(2026, 11, 11), False), (datetime.date(2026, 11, 12), True)):
        with monkeypatch.context() as clock:  # today is `today`; any other day is read as it is
            clock.setattr(timezone, "localdate", lambda value=None, today=today: today if value is None else real(value))
            page = client.get(challenge.get_absolute_url()).content.decode()
        assert '<time datetime="2026-11-11">' in page and ("(quá hạn)" in page) is passed


def test_only_one_rule_set_is_the_default(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ChallengeRules.objects.create(name="Khác", is_default=True)


def _received_on(make_challenge, monkeypatch, when, state=Status.DOST_REVIEW):
    with monkeypatch.context() as past:
        past.setattr(timezone, "now", lambda: when)
        return make_challenge(state)


def test_dost_and_the_owner_see_the_appraisal_deadline_and_that_it_has_passed(make_challenge, monkeypatch, dost,
                                                                            officer):
    challenge = _received_on(make_challenge, monkeypatch, MONDAY)
    for user in (dost, officer):
        page = client_for(user).get(challenge.get_absolute_url()).content.decode()
        assert "Hạn thẩm định" in page and '<time datetime="2026-11-11">11/11/2026</time>' in page
        assert "7 ngày làm việc sau ngày nhận 02/11/2026" in page and "(quá hạn)" in page
    english = client_for(dost).get(f"/en{challenge.get_absolute_url()}").content.decode()
    assert "Appraisal due" in english and "7 working days after receipt on" in english and "(overdue)" in english
    make_challenge(Status.DOST_REVIEW)  # received today: the line is due when its earliest is
    [review] = [item for item in challenge_work(dost) if item.kind == "challenges.review"]
    assert (review.count, review.due, review.overdue) == (2, datetime.date(2026, 11, 11), True)


def test_the_deadline_follows_the_rules_dost_edits(make_challenge, monkeypatch, dost):
    challenge = _received_on(make_challenge, monkeypatch, MONDAY)
    ChallengeRules.objects.filter(is_default=True).update(review_working_days=3)
    page = client_for(dost).get(challenge.get_absolute_url()).content.decode()
    assert '<time datetime="2026-11-05">' in page and "3 ngày làm việc sau ngày nhận 02/11/2026" in page


def test_publication_is_due_within_fifteen_working_days_of_approval(make_challenge, monkeypatch, dost):
    challenge = _received_on(make_challenge, monkeypatch, MONDAY, Status.APPROVED)
    page = client_for(dost).get(challenge.get_absolute_url()).content.decode()
    assert "Hạn công bố" in page and '<time datetime="2026-11-23">' in page
    [publish] = [item for item in challenge_work(dost) if item.kind == "challenges.publish"]
    assert publish.due == datetime.date(2026, 11, 23)


def test_a_challenge_returned_and_submitted_again_starts_the_clock_again(make_challenge, monkeypatch, dost, officer,
                                                                         leader):
    challenge = _received_on(make_challenge, monkeypatch, MONDAY)
    challenge = services.apply_move(challenge, dost, "request_changes", "bổ sung chỉ số")
    challenge = services.apply_move(challenge, officer, "submit")
    services.apply_move(challenge, leader, "unit_approve")
    due = add_working_days(timezone.localdate(), 7)
    page = client_for(dost).get(challenge.get_absolute_url()).content.decode()
    assert f'<time datetime="{due.isoformat()}">' in page and "(quá hạn)" not in page
    [review] = [item for item in challenge_work(dost) if item.kind == "challenges.review"]
    assert (review.due, review.overdue) == (due, False)


@pytest.mark.parametrize("state", [Status.DRAFT, Status.UNIT_REVIEW, Status.PUBLISHED])
def test_a_step_with_no_national_deadline_shows_none(make_challenge, dost, state):
    page = client_for(dost).get(make_challenge(state).get_absolute_url()).content.decode()
    assert "Hạn thẩm định" not in page and "Hạn công bố" not in page


def test_dost_is_told_once_of_each_passed_deadline_in_each_coordinators_language(make_challenge, monkeypatch, dost,
                                                                                 officer, leader):
    from sangtao.challenges.deadlines import tell_dost_of_deadlines
    from sangtao.core.tasks import PERIODIC
    from sangtao.notifications.models import Notification

    assert tell_dost_of_deadlines.module_path in PERIODIC
    late = _received_on(make_challenge, monkeypatch, MONDAY)
    make_challenge(Status.DOST_REVIEW)  # received today: not late
    dost.language = "en"
    dost.save(update_fields=["language"])
    assert tell_dost_of_deadlines() == 1
    [notice] = Notification.objects.filter(recipient=dost, title__startswith="Appraisal overdue")
    assert (notice.title, notice.body, notice.url) == (f"Appraisal overdue: «{late.title}»", "Due: 11/11/2026",
                                                       late.get_absolute_url())
    assert notice.action_needed and tell_dost_of_deadlines() == 0
    late = services.apply_move(late, dost, "request_changes", "bổ sung chỉ số")
    notice.refresh_from_db()
    assert notice.read_at is not None  # the move asked for is made: the notice is done
    late = services.apply_move(late, officer, "submit")
    services.apply_move(late, leader, "unit_approve")
    assert tell_dost_of_deadlines() == 0  # received again today: a new deadline, not yet passed
    assert Notification.objects.filter(recipient=dost, title__startswith="Appraisal overdue").count() == 1


def test_the_work_list_shows_each_waiting_challenges_deadline_in_a_fixed_number_of_queries(
        make_challenge, monkeypatch, dost, django_assert_max_num_queries):
    late = _received_on(make_challenge, monkeypatch, MONDAY)
    approved = _received_on(make_challenge, monkeypatch, MONDAY, Status.APPROVED)
    draft = make_challenge(Status.DRAFT)
    published = make_challenge(Status.PUBLISHED)
    client = client_for(dost)
    client.get("/challenges/mine/")  # the session is warm: what is counted is the page
    with django_assert_max_num_queries(40) as counted:
        page = client.get("/challenges/mine/").content.decode()
    rows = {row.split('href="')[1].split('"')[0]: row for row in page.split("<tr>")[2:]}
    assert '<time datetime="2026-11-11">' in rows[late.get_absolute_url()] and "(quá hạn)" in rows[late.get_absolute_url()]
    assert '<time datetime="2026-11-23">' in rows[approved.get_absolute_url()]
    assert "<time" not in rows[draft.get_absolute_url()]
    assert "Hạn thẩm định" in rows[late.get_absolute_url()] and "Hạn công bố" in rows[approved.get_absolute_url()]
    from sangtao.core.formats import short_datetime

    closes = short_datetime(published.call_closes_at)
    assert f"{closes}</time><br><small class=\"meta\">Hạn nhận hồ sơ" in rows[published.get_absolute_url()]
    for _n in range(3):
        _received_on(make_challenge, monkeypatch, MONDAY)
    with django_assert_max_num_queries(len(counted)):
        client.get("/challenges/mine/")


def _on(monkeypatch, today: datetime.date):
    """The city's today is `today` (any other moment is read as it is)."""
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda value=None: today if value is None else real(value))


def test_dost_is_reminded_once_as_a_deadline_nears_then_told_once_when_it_passes(make_challenge, monkeypatch, dost):
    from sangtao.challenges.deadlines import tell_dost_of_deadlines
    from sangtao.notifications.models import Notification

    challenge = _received_on(make_challenge, monkeypatch, MONDAY)  # appraisal due Wednesday 11/11/2026
    before = Notification.objects.order_by("-id").values_list("id", flat=True).first()
    assert ChallengeRules.objects.get(is_default=True).remind_working_days == 2  # seeded
    for today, told in ((datetime.date(2026, 11, 6), 0),  # Friday: three working days left
                        (datetime.date(2026, 11, 8), 0),  # Sunday: still three
                        (datetime.date(2026, 11, 9), 1),  # Monday: two
                        (datetime.date(2026, 11, 10), 0),  # reminded already
                        (datetime.date(2026, 11, 11), 0),  # the day itself: not passed
                        (datetime.date(2026, 11, 12), 1),  # passed
                        (datetime.date(2026, 11, 13), 0)):
        _on(monkeypatch, today)
        assert tell_dost_of_deadlines() == told, today
    notices = Notification.objects.filter(recipient=dost, id__gt=before).order_by("id")
    assert [(n.title, n.body, n.action_needed) for n in notices] == [
        (f"Sắp đến hạn thẩm định: «{challenge.title}»", "Hạn: 11/11/2026", True),
        (f"Quá hạn thẩm định: «{challenge.title}»", "Hạn: 11/11/2026", True)]
    # One open item for the one move asked: each notice took the place of the one before it
    waiting = Notification.objects.filter(recipient=dost, subject=f"challenge:{challenge.pk}", read_at__isnull=True)
    assert [n.title for n in waiting] == [f"Quá hạn thẩm định: «{challenge.title}»"]
    services.apply_move(challenge, dost, "request_changes", "bổ sung chỉ số")
    assert not notices.filter(read_at__isnull=True).exists()  # the appraisal is made: both notices are done


def test_a_publication_deadline_is_reminded_in_english_and_not_at_all_when_the_rules_say_none(
        make_challenge, monkeypatch, dost):
    from sangtao.challenges.deadlines import tell_dost_of_deadlines
    from sangtao.notifications.models import Notification

    dost.language = "en"
    dost.save(update_fields=["language"])
    approved = _received_on(make_challenge, monkeypatch, MONDAY, Status.APPROVED)  # publication due 23/11/2026
    rules = ChallengeRules.objects.get(is_default=True)
    rules.remind_working_days = 0
    rules.save()
    _on(monkeypatch, datetime.date(2026, 11, 20))  # Friday, one working day left
    assert tell_dost_of_deadlines() == 0
    rules.remind_working_days = 1
    rules.save()
    before = Notification.objects.order_by("-id").values_list("id", flat=True).first()
    assert tell_dost_of_deadlines() == 1
    [notice] = Notification.objects.filter(recipient=dost, id__gt=before)
    assert (notice.title, notice.body) == (f"Publication due soon: «{approved.title}»", "Due: 23/11/2026")


def test_dost_is_asked_once_from_october_to_enter_the_coming_years_holidays_and_the_notice_clears_once_they_are(
        monkeypatch, dost):
    from sangtao.challenges.deadlines import ask_dost_for_the_years_holidays
    from sangtao.core.tasks import PERIODIC
    from sangtao.notifications.models import Notification

    assert ask_dost_for_the_years_holidays.module_path in PERIODIC
    _keeps_the_calendar(dost)
    for summer in (datetime.date(2026, 3, 1), datetime.date(2026, 9, 30)):
        _on(monkeypatch, summer)
        assert ask_dost_for_the_years_holidays() is False
    _on(monkeypatch, datetime.date(2026, 10, 1))
    assert ask_dost_for_the_years_holidays() is True
    assert ask_dost_for_the_years_holidays() is False  # asked already
    [notice] = Notification.objects.filter(recipient=dost, subject="core.holiday:2027")
    assert notice.title == "Nhập lịch nghỉ Tết, Giỗ Tổ Hùng Vương và Quốc khánh năm 2027" and notice.action_needed
    assert notice.url == "/admin/core/holiday/" and "sớm hơn thực tế" in notice.body
    Holiday.objects.create(day=datetime.date(2027, 2, 8), name="Tết Nguyên đán")
    assert ask_dost_for_the_years_holidays() is False
    notice.refresh_from_db()
    assert notice.read_at is None  # the Hùng Kings' day is still missing
    Holiday.objects.create(day=datetime.date(2027, 4, 16), name="Giỗ Tổ Hùng Vương")
    ask_dost_for_the_years_holidays()
    notice.refresh_from_db()
    assert notice.read_at is None  # 2/9/2027 is seeded, the day beside it is not
    Holiday.objects.create(day=datetime.date(2027, 9, 3), name="Quốc khánh (ngày thứ hai)")
    ask_dost_for_the_years_holidays()
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_in_january_dost_is_asked_for_the_years_own_holidays_if_still_missing_in_its_language(monkeypatch,
                                                                                                     dost):
    from sangtao.challenges.deadlines import ask_dost_for_the_years_holidays
    from sangtao.notifications.models import Notification

    _keeps_the_calendar(dost)
    dost.language = "en"
    dost.save(update_fields=["language"])
    _on(monkeypatch, datetime.date(2027, 1, 10))
    assert ask_dost_for_the_years_holidays() is True
    [notice] = Notification.objects.filter(recipient=dost, subject="core.holiday:2027")
    assert notice.title == "Enter the Tết, Hùng Kings' Day and National Day holidays of 2027"


def test_the_publication_deadline_says_it_counts_from_the_approval(make_challenge, monkeypatch, dost):
    approved = _received_on(make_challenge, monkeypatch, MONDAY, Status.APPROVED)
    page = client_for(dost).get(approved.get_absolute_url()).content.decode()
    assert "Hạn công bố" in page and "15 ngày làm việc sau ngày phê duyệt 02/11/2026" in page
    english = client_for(dost).get(f"/en{approved.get_absolute_url()}").content.decode()
    assert "15 working days after approval on 02/11/2026" in english and "receipt" not in english


def test_the_calendar_refuses_a_weekday_marked_as_worked_on_a_weekend_and_accepts_a_saturday(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        Holiday(day=datetime.date(2026, 12, 9), name="Làm bù", worked=True).full_clean()  # a Wednesday
    assert refused.value.message_dict["worked"] == [
        "Chỉ thứ Bảy hoặc Chủ nhật mới có thể là ngày làm việc bù: 09/12/2026 vốn là ngày làm việc."]
    Holiday(day=datetime.date(2026, 12, 12), name="Làm bù", worked=True).full_clean()  # a Saturday


def _keeps_the_calendar(user):
    user.is_staff = user.is_superuser = True  # the coordinators who open the admin's calendar
    user.save(update_fields=["is_staff", "is_superuser"])


def test_from_october_the_coming_years_fixed_holidays_are_entered_with_their_days_in_lieu_and_recorded(
        monkeypatch, dost):
    from sangtao.challenges.deadlines import ask_dost_for_the_years_holidays
    from sangtao.core.models import AuditEvent

    _keeps_the_calendar(dost)
    _on(monkeypatch, datetime.date(2027, 10, 1))
    assert ask_dost_for_the_years_holidays() is True
    entered = dict(Holiday.objects.filter(day__year=2028).values_list("day", "name"))
    assert entered == {  # 1/1 a Saturday, 30/4 a Sunday beside Monday 1/5, 2/9 a Saturday
        datetime.date(2028, 1, 1): "Tết Dương lịch", datetime.date(2028, 1, 3): "Nghỉ bù Tết Dương lịch",
        datetime.date(2028, 4, 30): "Ngày Chiến thắng", datetime.date(2028, 5, 1): "Ngày Quốc tế Lao động",
        datetime.date(2028, 5, 2): "Nghỉ bù Ngày Chiến thắng", datetime.date(2028, 9, 2): "Quốc khánh",
        datetime.date(2028, 9, 4): "Nghỉ bù Quốc khánh"}
    assert AuditEvent.objects.filter(action="rule_created", object_type="core.holiday").count() == 7
    assert add_working_days(datetime.date(2027, 12, 31), 1) == datetime.date(2028, 1, 4)
    ask_dost_for_the_years_holidays()
    assert Holiday.objects.filter(day__year=2028).count() == 7  # entered once
    for day, name in ((datetime.date(2028, 1, 26), "Tết Nguyên đán"), (datetime.date(2028, 4, 4), "Giỗ Tổ"),
                      (datetime.date(2028, 9, 1), "Quốc khánh (ngày thứ hai)")):
        Holiday.objects.create(day=day, name=name)
    ask_dost_for_the_years_holidays()
    from sangtao.notifications.models import Notification

    assert Notification.objects.get(subject="core.holiday:2028").read_at is not None


def test_national_days_second_day_after_it_clears_the_prompt_in_a_year_whose_2_september_is_a_weekday(
        monkeypatch, dost):
    from sangtao.challenges.deadlines import announced_holidays_missing, ask_dost_for_the_years_holidays

    _on(monkeypatch, datetime.date(2029, 10, 1))
    ask_dost_for_the_years_holidays()  # 2/9/2030 is a Monday: no day in lieu
    for day in (datetime.date(2030, 2, 4), datetime.date(2030, 4, 12)):
        Holiday.objects.create(day=day, name="Tết, Giỗ Tổ")
    assert announced_holidays_missing(2030)
    Holiday.objects.create(day=datetime.date(2030, 9, 3), name="Quốc khánh (ngày thứ hai)")
    assert not announced_holidays_missing(2030)


def test_the_calendar_prompt_goes_only_to_coordinators_who_can_open_the_calendar(monkeypatch, dost):
    from sangtao.challenges.deadlines import ask_dost_for_the_years_holidays
    from sangtao.notifications.models import Notification

    _on(monkeypatch, datetime.date(2026, 10, 1))
    assert ask_dost_for_the_years_holidays() is False  # the only coordinator is not staff: nobody to ask yet
    assert not Notification.objects.filter(subject="core.holiday:2027").exists()
    _keeps_the_calendar(dost)
    assert ask_dost_for_the_years_holidays() is True


def test_the_approval_page_warns_when_the_call_would_close_before_the_publication_deadline(make_challenge, dost):
    from sangtao.challenges.models import Challenge

    challenge = make_challenge(Status.DOST_REVIEW)
    url = f"/challenges/{challenge.pk}/move/approve/"
    Challenge.objects.filter(pk=challenge.pk).update(call_closes_at=timezone.now() + datetime.timedelta(days=60))
    assert "hạn công bố là" not in client_for(dost).get(url).content.decode()
    closes = timezone.now() + datetime.timedelta(days=5)
    Challenge.objects.filter(pk=challenge.pk).update(call_closes_at=closes)
    from sangtao.challenges.deadlines import deadline

    due = deadline(Status.APPROVED, timezone.now()).due  # 15 working days from today's, whatever day it is
    page = client_for(dost).get(url).content.decode()
    assert (f"Phê duyệt hôm nay thì hạn công bố là {due:%d/%m/%Y}, sau ngày hết hạn nhận hồ sơ "
            f"{timezone.localtime(closes):%d/%m/%Y}") in page
    assert "Approved today, the challenge is due to be published by" in client_for(dost).get(f"/en{url}").content.decode()
