import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import client_for
from sangtao.challenges import services
from sangtao.challenges.models import Attachment, Status

PDF = b"%PDF-1.4\nhello"


@pytest.mark.django_db
def test_officer_uploads_pdf_and_public_downloads_after_publication(make_challenge, officer, dost, outsider):
    challenge = make_challenge(Status.DRAFT)
    response = client_for(officer).post(f"/challenges/{challenge.pk}/attachments/",
                                        {"file": SimpleUploadedFile("Kế hoạch.pdf", PDF)})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    url = f"/challenges/{challenge.pk}/attachments/{attachment.pk}/"
    assert client_for(outsider).get(url).status_code == 404  # draft: not visible
    download = client_for(officer).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    for move, actor in (("submit", officer), ("unit_approve", None), ("approve", dost), ("publish", dost)):
        from sangtao.accounts.models import User

        services.apply_move(challenge, actor or User.objects.get(username="leader"), move)
    assert client_for(None).get(url).status_code == 200


@pytest.mark.django_db
def test_mismatched_upload_is_refused_with_reason_and_nothing_saved(make_challenge, officer):
    challenge = make_challenge(Status.DRAFT)
    response = client_for(officer).post(f"/challenges/{challenge.pk}/attachments/",
                                        {"file": SimpleUploadedFile("script.pdf", b"#!/bin/sh\nrm -rf /")}, follow=True)
    assert "không phải PDF, DOCX, XLSX, PNG hay JPEG" in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_oversize_upload_is_refused(make_challenge, officer, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    challenge = make_challenge(Status.DRAFT)
    response = client_for(officer).post(f"/challenges/{challenge.pk}/attachments/",
                                        {"file": SimpleUploadedFile("big.pdf", PDF + b"x" * 200)}, follow=True)
    assert "vượt giới hạn" in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_attachments_cannot_be_added_after_submission(make_challenge, officer):
    challenge = make_challenge(Status.UNIT_REVIEW)
    client_for(officer).post(f"/challenges/{challenge.pk}/attachments/", {"file": SimpleUploadedFile("a.pdf", PDF)})
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_no_file_and_an_empty_file_are_each_told_for_what_they_are(make_challenge, officer):
    challenge = make_challenge(Status.DRAFT)
    told = {}
    for case, data in (("none", {}), ("empty", {"file": SimpleUploadedFile("trống.pdf", b"")})):
        response = client_for(officer).post(f"/challenges/{challenge.pk}/attachments/", data, follow=True)
        told[case] = [str(message) for message in response.context["messages"]]
    assert told == {"none": ["Chọn một tệp để tải lên."], "empty": ["Tập tin được gửi là rỗng."]}
    assert not Attachment.objects.exists()
