import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sangtao.core.errors import InvalidInput
from sangtao.core.uploads import check_upload


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize("name,content,kind", [
    ("a.pdf", b"%PDF-1.7\n...", "pdf"),
    ("b.png", b"\x89PNG\r\n\x1a\n0000", "png"),
    ("c.jpg", b"\xff\xd8\xff\xe0JFIF", "jpeg"),
    ("report.docx", docx_bytes(), "docx"),
    ("renamed.pdf", docx_bytes(), "docx"),  # the content decides, not the name
])
def test_kind_is_detected_from_content(name, content, kind):
    assert check_upload(SimpleUploadedFile(name, content)).kind == kind


def test_executable_renamed_to_pdf_is_refused_with_reason():
    with pytest.raises(InvalidInput) as error:
        check_upload(SimpleUploadedFile("virus.pdf", b"MZ\x90\x00binary"))
    assert "virus.pdf" in str(error.value.message)


def test_oversize_file_is_refused_with_sizes_in_message(settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(InvalidInput) as error:
        check_upload(SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 100))
    assert "big.pdf" in str(error.value.message)


def test_empty_file_is_refused():
    with pytest.raises(InvalidInput):
        check_upload(SimpleUploadedFile("empty.pdf", b""))
