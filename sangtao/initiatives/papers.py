"""The initiative's documents in the Decree 30/2020 layout (core/documents.py): the receipt, the
council's decision, the certificate (Giấy chứng nhận sáng kiến), the written refusal, and the package
for the national initiative portal (structured JSON plus the PDFs)."""

import io
import json
import zipfile

from django.conf import settings
from django.utils import timezone

from sangtao.core.documents import AdministrativeDocument
from sangtao.core.formats import long_date, short_date, to_the_second, vnd
from sangtao.initiatives.models import Council, Initiative, InitiativeType, Level

MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


def _city_name(unit) -> str:
    configured = getattr(settings, "CITY_NAME", "")
    if configured:
        return configured
    while unit.parent_id is not None:
        unit = unit.parent
    return unit.name


def _place_and_date(doc: AdministrativeDocument, unit, day) -> None:
    doc.set_font("Serif", "I", 13)
    doc.cell(0, 7, f"{_city_name(unit)}, {long_date(day)}", align="R", new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)


def _long(day) -> str:
    return long_date(day) if day else "—"


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _authors_line(initiative: Initiative) -> str:
    return "; ".join(f"{a.name} ({a.share.normalize():f}%)" for a in initiative.authors.all())


def _issuer_lines(council: Council) -> list[str]:
    from sangtao.initiatives.services import issuer_of

    issuer = issuer_of(council)
    if council.level == Level.CITY:
        return [issuer.name.upper(), "HỘI ĐỒNG SÁNG KIẾN THÀNH PHỐ"]
    parent = council.initiative.unit.parent
    return [parent.name.upper() if parent else "", issuer.name.upper()]


def receipt_pdf(initiative: Initiative) -> bytes:
    unit = initiative.unit
    doc = AdministrativeDocument(f"Giấy biên nhận đơn sáng kiến {initiative.register_code}")
    doc.header_block([unit.parent.name.upper() if unit.parent else "", unit.name.upper(),
                      f"Số sổ: {initiative.register_code}"], MOTTO)
    _place_and_date(doc, unit, timezone.localdate(initiative.received_at))
    doc.heading("GIẤY BIÊN NHẬN\nĐơn yêu cầu công nhận sáng kiến")
    doc.paragraph(f"{unit.name} đã nhận đơn yêu cầu công nhận sáng kiến «{initiative.title}» "
                  f"của tác giả: {_authors_line(initiative)}.")
    doc.paragraph(f"Đơn được vào sổ đăng ký sáng kiến của đơn vị số {initiative.register_code}, "
                  f"lúc {to_the_second(initiative.received_at) if initiative.received_at else '—'}.")
    doc.paragraph(f"Đơn vị có trách nhiệm trả lời tác giả chậm nhất {_long(initiative.answer_due_on)}.", "B")
    return doc.render()


def decision_pdf(council: Council) -> bytes:
    initiative = council.initiative
    city = council.level == Level.CITY
    doc = AdministrativeDocument(f"Quyết định {council.decision_number}")
    doc.header_block([*_issuer_lines(council), f"Số: {council.decision_number}"], MOTTO)
    _place_and_date(doc, initiative.unit, council.decided_on)
    what = "phạm vi ảnh hưởng cấp thành phố của sáng kiến" if city else "sáng kiến"
    verdict = "Về việc công nhận" if council.recognised else "Về việc không công nhận"
    doc.heading(f"QUYẾT ĐỊNH\n{verdict} {what}")
    doc.paragraph("Căn cứ Điều lệ Sáng kiến ban hành kèm theo Nghị định số 13/2012/NĐ-CP ngày 02 tháng 3 năm 2012 "
                  "của Chính phủ và Thông tư số 18/2013/TT-BKHCN của Bộ Khoa học và Công nghệ;")
    rules = council.rules
    doc.paragraph(f"Căn cứ kết quả biểu quyết của {council.name}: {council.in_favour}/{council.members_counted} "
                  f"thành viên đồng ý (quy định: ít nhất {rules.recognition_numerator}/{rules.recognition_denominator} "
                  "tổng số thành viên);")
    doc.paragraph("QUYẾT ĐỊNH:", "B")
    if council.recognised:
        doc.paragraph(f"Điều 1. Công nhận {what} «{initiative.title}» "
                      f"({InitiativeType(initiative.kind).label}), áp dụng tại {initiative.unit.name}; "
                      f"tác giả: {_authors_line(initiative)}.")
        if city:
            doc.paragraph(f"Điều 2. Kết quả công nhận có giá trị xét danh hiệu thi đua đến hết "
                          f"{_long(initiative.scope_valid_until)}.")
        else:
            doc.paragraph(f"Điều 2. Cấp Giấy chứng nhận sáng kiến số {council.certificate_number} cho các tác giả.")
    else:
        doc.paragraph(f"Điều 1. Không công nhận {what} «{initiative.title}». Lý do:")
        doc.paragraph(council.reasons)
        doc.paragraph("Điều 2. Tác giả có quyền khiếu nại theo quy định của pháp luật.")
    doc.paragraph("Điều 3. Quyết định có hiệu lực kể từ ngày ký.")
    return doc.render()


def certificate_pdf(council: Council) -> bytes:
    initiative = council.initiative
    doc = AdministrativeDocument(f"Giấy chứng nhận sáng kiến {council.certificate_number}")
    doc.header_block([*_issuer_lines(council), f"Số: {council.certificate_number}"], MOTTO)
    _place_and_date(doc, initiative.unit, council.decided_on)
    doc.heading("GIẤY CHỨNG NHẬN SÁNG KIẾN")
    doc.paragraph(f"Chứng nhận giải pháp «{initiative.title}» là sáng kiến "
                  f"({InitiativeType(initiative.kind).label}), được công nhận theo Quyết định số "
                  f"{council.decision_number} {_long(council.decided_on)}.")
    doc.paragraph("Tác giả:", "B")
    doc.data_table(["Họ và tên", "Chức vụ, nơi công tác", "Tỷ lệ đóng góp"],
                   [[a.name, a.position or "", f"{a.share.normalize():f}%"] for a in initiative.authors.all()],
                   [60, 70, 35])
    doc.paragraph(f"Đơn vị áp dụng: {initiative.unit.name}. Ngày áp dụng lần đầu: "
                  f"{short_date(initiative.first_applied_on) if initiative.first_applied_on else '—'}.")
    if initiative.benefit_vnd:
        doc.paragraph(f"Lợi ích kinh tế: {vnd(initiative.benefit_vnd)}/năm.")
    return doc.render()


def package_json(initiative: Initiative) -> dict:
    """The structured record for the national initiative portal (sangkien.gov.vn), without retyping.
    Confidential parts are left out: the portal publishes what it receives."""
    council = initiative.councils.filter(level=Level.UNIT, recognised=True).first()
    city = initiative.councils.filter(level=Level.CITY, recognised=True).first()
    return {
        "schema": "sangtao.initiative/1",
        "title": initiative.title,
        "type": initiative.kind,
        "field": initiative.field.name if initiative.field else "",
        "unit": {"name": initiative.unit.name, "code": initiative.unit.code},
        "register_number": initiative.register_code,
        "received_at": initiative.received_at.isoformat() if initiative.received_at else None,
        "authors": [{"name": a.name, "position": a.position, "share_percent": str(a.share)}
                    for a in initiative.authors.all()],
        "description": initiative.description,
        "novelty": initiative.novelty,
        "first_applied_on": initiative.first_applied_on.isoformat() if initiative.first_applied_on else None,
        "applied_in": [{"unit": d.unit.name, "kind": d.kind, "since": d.since.isoformat() if d.since else None}
                       for d in initiative.deployments.all()],
        "benefit_vnd_per_year": initiative.benefit_vnd, "benefit": initiative.benefit_text,
        "cost_vnd": initiative.cost_vnd, "cost": initiative.cost_text,
        "recognition": {"decision_number": council.decision_number, "certificate_number": council.certificate_number,
                        "decided_on": _iso(council.decided_on),
                        "votes_in_favour": council.in_favour, "members": council.members_counted} if council else None,
        "scope": initiative.scope,
        "city_recognition": {"decision_number": city.decision_number, "decided_on": _iso(city.decided_on),
                             "valid_until": _iso(initiative.scope_valid_until)} if city else None,
        "national_recognition": {"decision": initiative.national_decision,
                                 "decided_on": _iso(initiative.national_recognised_on)}
        if initiative.national_recognised_on else None,
    }


def national_package(initiative: Initiative) -> bytes:
    """A zip: initiative.json and the decision and certificate PDFs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("initiative.json", json.dumps(package_json(initiative), ensure_ascii=False, indent=1))
        for council in initiative.councils.filter(recognised=True).order_by("pk"):
            archive.writestr(f"decision-{council.level}.pdf", decision_pdf(council))
            if council.certificate_number:
                archive.writestr("certificate.pdf", certificate_pdf(council))
    return buffer.getvalue()
