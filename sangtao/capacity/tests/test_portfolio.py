"""DoST's portfolio: filters, counters with their definitions, and the same lines in the Excel export."""

import io

from openpyxl import load_workbook

from conftest import client_for
from sangtao.capacity import portfolio
from sangtao.capacity.tests.conftest import exported
from sangtao.challenges.models import Facet, Status
from sangtao.core.models import JobRun
from sangtao.core.workitems import work_for


def test_counters_filters_and_export_agree(make_challenge, dost, officer):
    make_challenge(Status.PUBLISHED, facet=Facet.MISSION)
    make_challenge(Status.PUBLISHED, facet=Facet.ADAPTIVE)
    make_challenge(Status.DRAFT, facet=Facet.MISSION)  # not in the portfolio
    lines = portfolio.challenge_lines({})
    assert portfolio.counters(lines)["total"] == 2
    assert {f: n for f, _label, _place, n in portfolio.by_facet(lines)} == {
        "enhancement": 0, "mission": 1, "adaptive": 1, "anticipatory": 0}
    page = client_for(dost).get("/capacity/portfolio/?facet=mission").content.decode()
    assert "Bài toán lớn đã được phê duyệt trở đi" in page  # the counter's definition beside it
    workbook = load_workbook(io.BytesIO(exported(client_for(dost), "/capacity/portfolio.xlsx?facet=mission")))
    assert workbook.active.max_row == 2  # header and the one mission-oriented challenge
    definitions = {row[0]: row[2] for row in workbook[workbook.sheetnames[1]].iter_rows(values_only=True)}
    assert definitions["Số việc trong danh mục"] == 1
    assert client_for(officer).post("/capacity/portfolio.xlsx").status_code == 404
    run = JobRun.objects.get()
    assert (run.state, run.done, run.total, run.created_by) == ("done", 100, 100, dost)
    english = client_for(dost).get(f"/en/jobs/{run.pk}/").content.decode()  # started on the Vietnamese site
    assert "<h1>Innovation portfolio export (Excel)</h1>" in english and "Items exported: 1." in english
    for url in (run.get_absolute_url(), f"/jobs/{run.pk}/result/"):  # the file is its requester's
        assert client_for(officer).get(url).status_code == 404


def test_an_export_that_fails_says_why_on_its_requesters_home(dost, monkeypatch):
    from sangtao.capacity import exports
    from sangtao.core.tasks import run_pending

    def broken(filters):
        raise OSError("the disk is full")

    monkeypatch.setattr(portfolio, "portfolio_lines", broken)
    started = client_for(dost).post("/capacity/portfolio.xlsx?facet=mission")
    run = JobRun.objects.get()
    assert started.url == run.get_absolute_url() and run.arguments["filters"] == {"facet": "mission"}
    run_pending()
    run.refresh_from_db()
    assert run.state == "failed" and "the disk is full" in run.message and not run.result
    [item] = [i for i in work_for(dost) if i.kind.startswith("core.job")]
    assert (item.kind, item.url, item.action_needed) == ("core.job_failed", run.get_absolute_url(), True)
    assert "the disk is full" in client_for(dost).get(run.get_absolute_url()).content.decode()
    assert exports.write_portfolio.module_path == run.kind


def test_an_export_started_on_the_english_site_reads_in_vietnamese_on_the_vietnamese_one(dost, monkeypatch):
    """The file is in its requester's language; what its run says is in the language of the page that shows it."""
    from sangtao.core.tasks import run_pending

    stages = []
    lines = portfolio.portfolio_lines

    def watching(filters):
        stages.append(JobRun.objects.values_list("message", flat=True).get())
        return lines(filters)

    monkeypatch.setattr(portfolio, "portfolio_lines", watching)
    client_for(dost).post("/en/capacity/portfolio.xlsx")
    run = JobRun.objects.get()
    run_pending()
    assert stages == ["Đọc danh mục"]  # kept as its msgid, though the job ran in English
    page = client_for(dost).get(f"/jobs/{run.pk}/").content.decode()
    assert "<h1>Xuất danh mục đổi mới sáng tạo (Excel)</h1>" in page and "Đã xuất 0 việc." in page
    page = client_for(dost).get(f"/en/jobs/{run.pk}/").content.decode()
    assert "<h1>Innovation portfolio export (Excel)</h1>" in page and "Items exported: 0." in page


def test_the_stage_and_kpi_status_filters_narrow_the_lines_the_page_and_the_export(make_challenge, dost, officer):
    import datetime

    from sangtao.evaluation.models import Measurement

    published = make_challenge(Status.PUBLISHED, title="Bài toán A")
    make_challenge(Status.APPROVED, title="Bài toán B")
    Measurement.objects.create(indicator=published.indicators.get(), value="55", measured_on=datetime.date(2026, 6, 1),
                               source="HIS", recorded_by=officer)  # baseline 180, target 60: met

    def titles(**filters):
        return [line.title for line in portfolio.portfolio_lines(filters)]

    assert titles(stage="challenge:published") == ["Bài toán A"] and titles(stage="challenge:approved") == ["Bài toán B"]
    assert titles(outcome="met") == ["Bài toán A"] and titles(outcome="no_data") == ["Bài toán B"]
    assert titles(stage="challenge:published", kind="initiative") == [] and titles(stage="annual_task:done") == []
    client = client_for(dost)
    page = client.get("/capacity/portfolio/?stage=challenge:approved").content.decode()
    assert '<option value="challenge:approved" selected>' in page
    listed = page.split('aria-label="Danh sách"')[1]
    assert "Bài toán B" in listed and "Bài toán A" not in listed
    workbook = load_workbook(io.BytesIO(exported(client, "/capacity/portfolio.xlsx?outcome=met")))
    assert [row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)] == ["Bài toán A"]
    assert "Bài toán B" in client.get("/capacity/portfolio/?stage=nonsense&outcome=nonsense").content.decode()


def test_stale_filter_values_on_the_portfolio_are_dropped_one_by_one(make_challenge, dost):
    make_challenge(Status.PUBLISHED, title="Bài toán sứ mệnh", facet=Facet.MISSION)
    make_challenge(Status.PUBLISHED, title="Bài toán thích ứng", facet=Facet.ADAPTIVE)
    client = client_for(dost)
    page = client.get("/capacity/portfolio/", {"facet": "mission", "kind": "du_an_cu", "stage": "challenge:archived",
                                               "outcome": "excellent"})
    assert page.status_code == 200 and page.context["filters"] == {"facet": "mission"}
    listed = page.content.decode().split('aria-label="Danh sách"')[1]
    assert "Bài toán sứ mệnh" in listed and "Bài toán thích ứng" not in listed
    client.post("/capacity/portfolio.xlsx?facet=mission&stage=challenge:archived&outcome=excellent")
    assert JobRun.objects.get().arguments["filters"] == {"facet": "mission"}  # the export's filters: the valid ones
