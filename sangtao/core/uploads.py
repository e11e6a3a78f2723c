"""Check uploaded files by their content, not their name."""

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from sangtao.core.errors import InvalidInput

ALLOWED_KINDS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
}


@dataclass
class CheckedUpload:
    kind: str
    content_type: str
    size: int


def sniff_kind(upload) -> str | None:
    """Return pdf/docx/xlsx/png/jpeg from the file's bytes, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    return None


def check_upload(upload) -> CheckedUpload:
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise InvalidInput(
            _("Tệp %(name)s có dung lượng %(size)s, vượt giới hạn %(limit)s.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            field="file",
        )
    if upload.size == 0:
        raise InvalidInput(_("Tệp %(name)s rỗng.") % {"name": upload.name}, field="file")
    kind = sniff_kind(upload)
    if kind is None:
        raise InvalidInput(
            _("Nội dung tệp %(name)s không phải PDF, DOCX, XLSX, PNG hay JPEG.") % {"name": upload.name},
            field="file",
        )
    return CheckedUpload(kind=kind, content_type=ALLOWED_KINDS[kind], size=upload.size)
