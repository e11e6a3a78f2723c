"""The library of tools and templates: files with versions, searched together with the cases."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import client_for
from sangtao.core.errors import NotAllowed
from sangtao.knowledge import services


def _pdf(name: str, body: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% " + body + b"\n", content_type="application/pdf")


def test_a_template_keeps_its_versions_and_is_found_with_the_cases_folded(published, officer, ward_officer, health):
    terms = services.do_add_resource(actor=officer, unit=health, upload=_pdf("dkt.pdf", b"v1"), data={
        "kind": "tor", "title": "Điều khoản tham chiếu thuê hệ thống đặt lịch khám",
        "description": "Mẫu điều khoản để thuê giải pháp đặt lịch khám trực tuyến.", "is_public": False})
    other = services.do_add_resource(actor=officer, unit=health, upload=_pdf("mau.pdf", b"x"), data={
        "kind": "form", "title": "Biểu mẫu khảo sát chợ truyền thống", "description": "Phiếu khảo sát.",
        "is_public": True})
    with pytest.raises(NotAllowed):  # another unit's staff read it but do not replace its file
        services.do_add_resource_version(terms, actor=ward_officer, upload=_pdf("dkt-2.pdf", b"v2"))
    services.do_add_resource_version(terms, actor=officer, upload=_pdf("dkt-2.pdf", b"v2"), note="Thêm mục bảo mật")
    page = client_for(ward_officer).get("/knowledge/library/", {"q": "dat lich kham"}).content.decode()
    assert published.title in page and terms.title in page and "phiên bản 2" in page  # cases and templates together
    assert other.title not in page
    public = client_for(None).get("/knowledge/library/", {"q": "đặt lịch khám"}).content.decode()
    assert published.title in public and terms.title not in public  # an internal template is for staff
    detail = client_for(ward_officer).get(terms.get_absolute_url()).content.decode()
    assert "Thêm mục bảo mật" in detail
    for version in terms.versions.order_by("number"):  # every version stays downloadable
        response = client_for(ward_officer).get(f"/knowledge/library/{terms.pk}/files/{version.pk}/")
        assert response.status_code == 200
    assert client_for(None).get(f"/knowledge/library/{terms.pk}/").status_code == 404
