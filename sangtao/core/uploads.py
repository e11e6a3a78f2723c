"""Check uploaded files by their content, not their name."""

import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sangtao.core.errors import InvalidInput
from sangtao.core.progress import job_text

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


def check_size(upload, limit: int) -> None:
    """Refuse an empty file, or one larger than limit, naming both sizes."""
    if upload.size > limit:
        raise InvalidInput(
            _("Tệp %(name)s có dung lượng %(size)s, vượt giới hạn %(limit)s.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            field="file",
        )
    if upload.size == 0:
        raise InvalidInput(_("Tệp %(name)s rỗng.") % {"name": upload.name}, field="file")


def check_upload(upload) -> CheckedUpload:
    check_size(upload, settings.ATTACHMENT_MAX_BYTES)
    kind = sniff_kind(upload)
    if kind is None:
        raise InvalidInput(
            _("Nội dung tệp %(name)s không phải PDF, DOCX, XLSX, PNG hay JPEG.") % {"name": upload.name},
            field="file",
        )
    return CheckedUpload(kind=kind, content_type=ALLOWED_KINDS[kind], size=upload.size)


# --- spreadsheets that are read, not only stored ---------------------------------------------

XLSX_MAX_ROWS = 1_048_576  # the most rows a sheet can have in Excel
_ROW_TAGS = (b"<row", b":row")  # a row element's start, with or without a namespace prefix


def _more_rows_than(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int) -> bool:
    """Whether a worksheet's XML has more than limit rows, counted while it is decompressed a block
    at a time (an over-count at worst: rowBreaks counts once), stopping as soon as it has."""
    rows, tail = 0, b""
    with archive.open(member) as stream:
        while block := stream.read(1 << 20):
            data = tail + block
            tail = data[-4:]  # a tag cut by the block's end is counted with the next block
            rows += sum(data.count(tag) - tail.count(tag) for tag in _ROW_TAGS)
            if rows > limit:
                return True
    return rows + sum(tail.count(tag) for tag in _ROW_TAGS) > limit


def check_workbook(path, name: str) -> None:
    """Before a spreadsheet is opened: an .xlsx by its content, no larger unpacked than
    IMPORT_MAX_UNPACKED_BYTES (the sizes its zip declares, which reading never exceeds), and no
    sheet with more rows than Excel allows. A zip bomb of a few kilobytes is refused here. A worker
    calls it: each refusal is kept as a msgid with its values, said in the language of whoever reads it."""
    try:
        with open(path, "rb") as handle:
            if sniff_kind(handle) != "xlsx":
                raise InvalidInput(job_text(gettext_lazy("Tệp %(name)s không phải bảng tính Excel (.xlsx)."), name=name),
                                   field="file")
            archive = zipfile.ZipFile(handle)
            members = archive.infolist()
            unpacked, limit = sum(m.file_size for m in members), settings.IMPORT_MAX_UNPACKED_BYTES
            if unpacked > limit:
                raise InvalidInput(job_text(gettext_lazy("Bảng tính %(name)s giải nén ra %(size)s, vượt giới hạn %(limit)s."),
                                            name=name, size=filesizeformat(unpacked), limit=filesizeformat(limit)),
                                   field="file")
            for member in members:
                if member.filename.startswith("xl/worksheets/") and _more_rows_than(archive, member, XLSX_MAX_ROWS):
                    raise InvalidInput(job_text(gettext_lazy("Bảng tính %(name)s có hơn %(n)s dòng."),
                                                name=name, n=XLSX_MAX_ROWS), field="file")
    except (zipfile.BadZipFile, EOFError, NotImplementedError, zlib.error):
        raise InvalidInput(job_text(gettext_lazy("Tệp %(name)s bị hỏng: không đọc được bảng tính."), name=name),
                           field="file") from None
