"""The acceptance council's minutes (biên bản nghiệm thu), as a PDF."""

from django.utils import timezone

from sangtao.core.documents import AdministrativeDocument
from sangtao.core.formats import long_date
from sangtao.projects.acceptance import acceptance_result
from sangtao.projects.models import Grade, Project


def _label(grade: str | None) -> str:
    return str(Grade(grade).label) if grade else "—"


def acceptance_minutes_pdf(project: Project) -> bytes:
    result = acceptance_result(project)
    doc = AdministrativeDocument(f"Biên bản nghiệm thu {project.challenge.title}")
    doc.header_block(["SỞ KHOA HỌC VÀ CÔNG NGHỆ", "HỘI ĐỒNG NGHIỆM THU"],
                     ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    doc.set_font("Serif", "I", 13)
    doc.cell(0, 7, f"Thành phố Hồ Chí Minh, {long_date(timezone.localdate())}", align="R", new_x="LMARGIN",
             new_y="NEXT")
    doc.ln(4)
    doc.heading("BIÊN BẢN\nHọp hội đồng nghiệm thu kết quả thực hiện nhiệm vụ")
    doc.paragraph(f"Nhiệm vụ: {project.challenge.title}. Đơn vị chủ trì: {project.lead_organisation.name}. "
                  f"Hợp đồng số {project.contract_number or '—'}.")
    sections = iter(("I", "II", "III", "IV"))  # numbered as they come: without a self-assessment, no gap
    doc.paragraph(f"{next(sections)}. Thành viên hội đồng", "B")
    for number, member in enumerate(project.acceptance_members.select_related("expert__user"), start=1):
        doc.paragraph(f"{number}. {member.expert.user.display_name}")
    if hasattr(project, "self_assessment"):
        doc.paragraph(f"{next(sections)}. Tự đánh giá của đơn vị chủ trì", "B")
        doc.paragraph(project.self_assessment.summary)
    doc.paragraph(f"{next(sections)}. Đánh giá sản phẩm", "B")
    rows = [[m.title, _label(result.deliverables[m.pk][0]), _label(result.deliverables[m.pk][1])]
            for m in project.milestones.all()]
    rows.append(["Báo cáo tổng kết", "", _label(result.report)])
    doc.data_table(["Sản phẩm", "Khối lượng", "Chất lượng"], rows, [90, 35, 35])
    doc.paragraph(f"{next(sections)}. Kết luận", "B")
    doc.paragraph(f"Kết quả nghiệm thu: {_label(result.overall)}." if result.overall
                  else "Chưa đủ đánh giá để kết luận.")
    return doc.render()
