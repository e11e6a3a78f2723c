"""The evidence register (brief §8): a file kept once and tagged with every PAR INDEX or PII indicator it
supports is found under each of those indicators, from every unit, without asking the units again."""

import csv
import io
import re
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import client_for
from sangtao.annual import services
from sangtao.annual.evidence import LATEST_SHOWN
from sangtao.annual.models import EvidenceFile, ExternalIndicator, PlanStatus, ReportPeriod
from sangtao.annual.tests.conftest import consolidated_in_january, task_data
from sangtao.core.models import JobRun
from sangtao.core.tasks import run_pending

REGISTER = "/annual/evidence/"


def _in_progress_plan(unit, officer, leader, dost, year=2026):
    plan = services.create_plan(officer, unit, year, f"Kế hoạch ĐMST {unit.name}")
    services.save_task(plan, officer, task_data())
    for move, actor in (("submit", officer), ("approve", leader), ("consolidate", dost), ("start", officer)):
        plan = services.move_plan(plan, actor, move)
    consolidated_in_january(plan)
    return plan


def _evidence(report, officer, title, *codes):
    upload = SimpleUploadedFile(f"{title}.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    return services.add_evidence(report.plan.unit, officer, upload, title,
                                 list(ExternalIndicator.objects.filter(code__in=codes)), [report])


@pytest.fixture
def two_units(make_plan, plan_roles, half_year, health, officer, leader, dost):
    """A ward's report approved by its leader and the health department's still a draft, each with a file
    tagged with PAR 1.5 and PII 6.1.1."""
    ward_report = services.start_report(make_plan(PlanStatus.IN_PROGRESS), plan_roles["officer"], half_year)
    ward_file = _evidence(ward_report, plan_roles["officer"], "Quyết định thành lập tổ công tác", "1.5", "6.1.1")
    services.submit_report(ward_report, plan_roles["officer"])
    services.approve_report(ward_report, plan_roles["leader"])
    health_report = services.start_report(_in_progress_plan(health, officer, leader, dost), officer, half_year)
    health_file = _evidence(health_report, officer, "Báo cáo thí điểm đặt lịch khám", "1.5")
    return {"ward_report": ward_report, "ward_file": ward_file, "health_report": health_report,
            "health_file": health_file}


def _sections(page: str) -> dict[str, str]:
    """Each indicator's section of the register, by the indicator's code."""
    found = {}
    for chunk in page.split('<section class="panel"')[1:]:
        heading = chunk.split("<h2", 1)[1].split(">", 1)[1].split("</h2>", 1)[0]
        found[heading.split(":", 1)[0].split()[-1]] = chunk.split("</section>", 1)[0]
    return found


def test_dost_finds_each_indicators_files_from_every_unit_once_the_units_leader_approved_the_report(
        two_units, dost, officer, leader):
    page = client_for(dost).get(REGISTER, {"year": 2026}).content.decode()
    sections = _sections(page)
    assert "Quyết định thành lập tổ công tác" in sections["1.5"] and "Quyết định thành lập tổ công tác" in sections["6.1.1"]
    assert "Báo cáo thí điểm đặt lịch khám" not in page  # the health department's report is a draft
    assert "1 tệp của 1 đơn vị" in sections["1.5"]
    assert "Chưa có minh chứng" in sections["5.4"]
    indicators = ExternalIndicator.objects.filter(active=True).count()
    assert f"2/{indicators} chỉ số đã có minh chứng" in page

    services.submit_report(two_units["health_report"], officer)
    services.approve_report(two_units["health_report"], leader)
    sections = _sections(client_for(dost).get(REGISTER, {"year": 2026}).content.decode())
    assert "2 tệp của 2 đơn vị" in sections["1.5"] and "Báo cáo thí điểm đặt lịch khám" in sections["1.5"]
    assert "1 tệp của 1 đơn vị" in sections["6.1.1"]


def test_each_file_of_the_register_downloads_for_the_person_reading_it(two_units, dost, plan_roles):
    for user in (dost, plan_roles["officer"]):
        page = client_for(user).get(REGISTER, {"year": 2026}).content.decode()
        links = set(re.findall(r'href="(/annual/\d+/evidence/\d+/)"', page))
        assert links, f"no download link for {user}"
        for address in links:
            response = client_for(user).get(address)
            assert response.status_code == 200 and b"%PDF" in b"".join(response.streaming_content)


def test_unit_staff_see_their_own_units_files_and_nobody_else_opens_the_register(two_units, officer, plan_roles):
    health_page = client_for(officer).get(REGISTER, {"year": 2026}).content.decode()
    assert "Báo cáo thí điểm đặt lịch khám" in health_page  # its own draft's file
    assert "Quyết định thành lập tổ công tác" not in health_page  # another unit's
    ward_page = client_for(plan_roles["officer"]).get(REGISTER, {"year": 2026}).content.decode()
    assert "Quyết định thành lập tổ công tác" in ward_page and "Báo cáo thí điểm đặt lịch khám" not in ward_page
    indicator = ExternalIndicator.objects.get(code="1.5")
    for name in ("expert", "outsider"):
        for address in (REGISTER, reverse("annual:evidence_register_csv"),
                        reverse("annual:evidence_indicator", args=[indicator.pk])):
            assert client_for(plan_roles[name]).get(address).status_code == 404
    assert client_for(None).get(REGISTER).status_code == 302  # to the sign-in


def test_the_register_shows_one_year_one_index_or_only_the_indicators_still_without_evidence(
        two_units, dost, health, officer, leader):
    par = client_for(dost).get(REGISTER, {"year": 2026, "index": "par"}).content.decode()
    assert set(_sections(par)) == set(ExternalIndicator.objects.filter(index="par").values_list("code", flat=True))
    missing = client_for(dost).get(REGISTER, {"year": 2026, "missing": "on"}).content.decode()
    assert "1.5" not in _sections(missing) and "6.1.1" not in _sections(missing) and "5.4" in _sections(missing)
    _in_progress_plan(health, officer, leader, dost, year=2025)
    another_year = client_for(dost).get(REGISTER, {"year": 2025}).content.decode()
    assert "Minh chứng theo chỉ số năm 2025" in another_year and 'id="id_year_error"' not in another_year
    assert "Quyết định thành lập tổ công tác" not in another_year


def test_a_refused_filter_is_flagged_on_its_box_and_the_others_still_apply(two_units, dost):
    response = client_for(dost).get(REGISTER, {"year": "abc", "index": "par"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_year_error"' in page
    assert set(_sections(page)) == set(ExternalIndicator.objects.filter(index="par").values_list("code", flat=True))


def test_an_indicator_with_more_files_than_the_register_shows_lists_them_all_on_its_own_page(two_units, dost, plan_roles):
    annual = services.start_report(two_units["ward_report"].plan, plan_roles["officer"],
                                   ReportPeriod.objects.get(code="nam"))
    for number in range(LATEST_SHOWN + 2):
        _evidence(annual, plan_roles["officer"], f"Biên bản họp số {number}", "6.1.1")
    services.submit_report(annual, plan_roles["officer"])
    services.approve_report(annual, plan_roles["leader"])
    section = _sections(client_for(dost).get(REGISTER, {"year": 2026}).content.decode())["6.1.1"]
    assert section.count("<li>") == LATEST_SHOWN
    assert f"Biên bản họp số {LATEST_SHOWN + 1}" in section and "Biên bản họp số 0" not in section  # the newest
    indicator = ExternalIndicator.objects.get(code="6.1.1")
    assert f"Xem cả {LATEST_SHOWN + 3} tệp" in section
    whole = client_for(dost).get(reverse("annual:evidence_indicator", args=[indicator.pk]), {"year": 2026})
    text = whole.content.decode()
    assert all(f"Biên bản họp số {number}" in text for number in range(LATEST_SHOWN + 2))
    assert "Quyết định thành lập tổ công tác" in text


def test_the_register_exports_one_row_per_indicator_and_file_with_its_download_address(two_units, dost):
    response = client_for(dost).get(reverse("annual:evidence_register_csv"), {"year": 2026})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Bộ chỉ số", "Mã", "Chỉ số"]
    body = [(row[0], row[1], row[4]) for row in rows[1:]]
    assert body == [("PAR", "1.5", "Quyết định thành lập tổ công tác"), ("PII", "6.1.1", "Quyết định thành lập tổ công tác")]
    address = rows[1][-1]
    assert address.startswith("http://testserver/annual/")
    assert client_for(dost).get(address.removeprefix("http://testserver")).status_code == 200
    only_pii = client_for(dost).get(reverse("annual:evidence_register_csv"), {"year": 2026, "index": "pii"})
    assert len(list(csv.reader(io.StringIO(b"".join(only_pii.streaming_content).decode("utf-8-sig"))))) == 2


def _zip_of(client, data) -> zipfile.ZipFile:
    """Ask for the archive as the register's button does, let the worker build it, download it from the job."""
    started = client.post(reverse("annual:evidence_register_zip"), data)
    assert started.status_code == 302 and started.url.startswith("/jobs/"), started
    run_pending()
    result = client.get(f"{started.url}result/")
    assert result.status_code == 200, result
    return zipfile.ZipFile(io.BytesIO(b"".join(result.streaming_content)))


def test_the_archive_holds_each_file_in_the_folder_of_each_of_its_indicators_with_the_list_on_top(
        two_units, dost, officer, leader):
    services.submit_report(two_units["health_report"], officer)
    services.approve_report(two_units["health_report"], leader)
    archive = _zip_of(client_for(dost), {"year": 2026})
    names = archive.namelist()
    folders = {name.split("/")[0] for name in names if "/" in name}
    assert folders == {"PAR_1.5", "PII_6.1.1"}
    ward = two_units["ward_file"]
    in_par = [name for name in names if name.startswith("PAR_1.5/")]
    assert len(in_par) == 2 and any(f"_{ward.pk}_Quyết_định_thành_lập" in name for name in in_par)
    assert archive.read(in_par[0]).startswith(b"%PDF")
    assert len([name for name in names if name.startswith("PII_6.1.1/")]) == 1
    listing = list(csv.reader(io.StringIO(archive.read("danh-muc-minh-chung.csv").decode("utf-8-sig"))))
    assert len(listing) == 4 and listing[1][-1].startswith(settings.SITE_URL + "/annual/")


def test_the_archive_of_one_index_for_a_unit_holds_only_its_own_files_and_says_which_file_it_could_not_read(
        two_units, officer):
    two_units["health_file"].file.storage.delete(two_units["health_file"].file.name)
    _evidence(two_units["health_report"], officer, "Kế hoạch triển khai", "6.1.1")
    archive = _zip_of(client_for(officer), {"year": 2026, "index": "pii"})
    assert [name.split("/")[0] for name in archive.namelist() if "/" in name] == ["PII_6.1.1"]
    run = JobRun.objects.get()
    assert run.state == "done" and run.error_count == 0 and run.created_by == officer
    par = _zip_of(client_for(officer), {"year": 2026, "index": "par"})
    assert par.namelist() == ["danh-muc-minh-chung.csv"]  # its one PAR file is lost from storage
    lost = JobRun.objects.filter(created_by=officer).order_by("-created_at").first()
    assert lost.error_count == 1 and lost.errors[0]["column"] == two_units["health_file"].original_name


def test_nobody_outside_the_units_and_dost_may_ask_for_the_archive_and_a_bad_index_is_refused(two_units, plan_roles, dost):
    for name in ("expert", "outsider"):
        assert client_for(plan_roles[name]).post(reverse("annual:evidence_register_zip"), {"year": 2026}).status_code == 404
    client = client_for(dost)
    response = client.post(reverse("annual:evidence_register_zip"), {"year": 2026, "index": "xyz"})
    assert response.status_code == 302 and not JobRun.objects.exists()
    assert "Bộ chỉ số: " in client.get(response.url).content.decode()  # the refusal names the box


def test_a_report_once_sent_takes_no_more_evidence_so_dost_gets_only_what_the_leader_approved(two_units, plan_roles):
    from sangtao.core.errors import InvalidInput

    sent = two_units["ward_report"]
    with pytest.raises(InvalidInput):
        _evidence(sent, plan_roles["officer"], "Tệp thêm sau khi duyệt", "1.5")
    with pytest.raises(InvalidInput):
        services.cite_evidence(two_units["ward_file"], plan_roles["officer"], sent)
    page = client_for(plan_roles["officer"]).get(sent.get_absolute_url()).content.decode()
    assert 'name="file"' not in page and 'name="evidence"' not in page  # no upload or cite form on it
    upload = SimpleUploadedFile("them.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    client_for(plan_roles["officer"]).post(reverse("annual:evidence_add", args=[sent.plan_id, sent.pk]),
                                           {"title": "Tệp thêm", "file": upload})
    assert not EvidenceFile.objects.filter(title="Tệp thêm").exists()


def test_a_long_name_in_the_archive_is_shortened_before_its_extension():
    from sangtao.annual.evidence import _member

    member = _member("PII 6.1.1", f"Phường Sài Gòn 12 {'Biên bản họp tổ công tác đổi mới sáng tạo ' * 6}.pdf")
    assert member.startswith("PII_6.1.1/Phường_Sài_Gòn_12_Biên_bản") and member.endswith(".pdf")
    assert len(member.split("/")[1]) <= 111


def test_the_api_gives_the_register_by_indicator_and_each_indicators_files_to_whom_the_pages_do(
        two_units, dost, officer, plan_roles, api_client):
    register = api_client(dost).get("/annual/evidence?year=2026&index=pii").json()
    lines = {line["code"]: line for line in register["results"]}
    assert register["year"] == 2026 and set(lines) == set(
        ExternalIndicator.objects.filter(index="pii", active=True).values_list("code", flat=True))
    assert (lines["6.1.1"]["file_count"], lines["6.1.1"]["unit_count"]) == (1, 1)
    missing = api_client(dost).get("/annual/evidence?year=2026&missing=true").json()["results"]
    assert "6.1.1" not in {line["code"] for line in missing} and all(line["file_count"] == 0 for line in missing)

    indicator = ExternalIndicator.objects.get(code="1.5")
    address = f"/annual/evidence/{indicator.pk}"
    files = api_client(dost).get(f"{address}?year=2026").json()
    assert [f["title"] for f in files["files"]] == ["Quyết định thành lập tổ công tác"]  # the draft's file is not
    download = client_for(dost).get(files["files"][0]["url"])
    assert download.status_code == 200 and b"%PDF" in b"".join(download.streaming_content)
    own = api_client(officer).get(f"{address}?year=2026").json()["files"]
    assert [f["title"] for f in own] == ["Báo cáo thí điểm đặt lịch khám"]  # the health department's own draft
    for name in ("expert", "outsider", "anonymous"):
        assert api_client(plan_roles[name]).get("/annual/evidence").status_code == 404
        assert api_client(plan_roles[name]).get(address).status_code == 404
    assert api_client(dost).get("/annual/evidence/999999").status_code == 404


def test_a_token_downloads_each_file_the_api_lists_with_its_name_and_type_and_no_file_it_may_not_read(
        two_units, dost, officer, leader, plan_roles, api_client):
    from sangtao.accounts.models import ApiToken

    def with_token(user):
        return api_client(token=ApiToken.issue(user, "tệp minh chứng")[1])

    indicator = ExternalIndicator.objects.get(code="1.5")
    listed = with_token(dost).get(f"/annual/evidence/{indicator.pk}?year=2026").json()["files"]
    ward_file, health_file = two_units["ward_file"], two_units["health_file"]
    assert [f["download"] for f in listed] == [f"/api/v1/annual/evidence/files/{ward_file.pk}"]
    response = with_token(dost).get(listed[0]["download"].removeprefix("/api/v1"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and ward_file.original_name.endswith(".pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%test\n"  # read to its end: the client closes it

    def status(user, evidence):
        response = with_token(user).get(f"/annual/evidence/files/{evidence.pk}")
        if response.streaming:  # the file: read to its end, the test client then closes it (close() itself
            b"".join(response.streaming_content)  # would end the request and the test's database connection)
        return response.status_code

    assert status(officer, health_file) == 200  # the health department's own draft's file
    assert status(dost, health_file) == 404  # not until its leader approves the report
    assert status(officer, ward_file) == 404  # another unit's
    for name in ("expert", "outsider"):
        assert status(plan_roles[name], ward_file) == 404
    assert api_client().get(f"/annual/evidence/files/{ward_file.pk}").status_code == 404
    assert with_token(dost).get("/annual/evidence/files/999999").status_code == 404
    services.submit_report(two_units["health_report"], officer)
    services.approve_report(two_units["health_report"], leader)
    assert status(dost, health_file) == 200
