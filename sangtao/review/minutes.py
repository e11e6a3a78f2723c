"""The minutes (biên bản) of a selection council's session, as a PDF."""

from django.utils import timezone

from sangtao.core.documents import AdministrativeDocument
from sangtao.core.formats import long_date, number, plain_number
from sangtao.review.models import Council
from sangtao.review.results import council_results
from sangtao.review.services import council_proposals


def minutes_pdf(council: Council) -> bytes:
    results, calibration = council_results(council)
    rubric = council.rubric
    top = rubric.top_level()
    when = council.session_date or timezone.localdate()
    doc = AdministrativeDocument(f"Biên bản họp {council.name}")
    doc.header_block(["SỞ KHOA HỌC VÀ CÔNG NGHỆ", council.name.upper()],
                     ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    doc.set_font("Serif", "I", 13)
    doc.cell(0, 7, f"{council.location or 'Thành phố Hồ Chí Minh'}, {long_date(when)}", align="R",
             new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    doc.heading("BIÊN BẢN\nHọp hội đồng tuyển chọn tổ chức chủ trì thực hiện nhiệm vụ")
    challenges = "; ".join(c.title for c in council.challenges.all())
    doc.paragraph(f"Bài toán: {challenges}.")
    doc.paragraph(f"Thời gian: {long_date(when)}. Địa điểm: {council.location or '—'}.")
    doc.paragraph("I. Thành phần hội đồng", "B")
    members = council.members.select_related("expert__user")
    doc.data_table(["TT", "Họ và tên", "Cơ quan công tác", "Vai trò"],
              [[str(i), m.expert.user.display_name, m.expert.organisation_name or "—", m.get_role_display()]
               for i, m in enumerate(members, start=1)], [10, 55, 60, 40])
    doc.paragraph("II. Kết quả chấm điểm", "B")
    doc.paragraph(f"Phiếu đánh giá: {rubric.name}. Quy tắc xét đạt: điểm trung bình tối thiểu "
                  f"{plain_number(rubric.pass_mean_total)}/100 và không tiêu chí nào bị quá "
                  f"{rubric.zero_share_numerator}/{rubric.zero_share_denominator} số thành viên chấm 0 điểm.")
    proposals = {p.pk: p for p in council_proposals(council)}
    rows = []
    for pid, result in sorted(results.items(), key=lambda item: (item[1].rank or 10**6, item[0])):
        proposal = proposals.get(pid)
        if proposal is None:
            continue
        rows.append([
            proposal.organisation.name, proposal.title, str(result.sheets),
            *[number(result.criterion_means[c.pk], 2) for c in top],
            number(result.mean_total, 2), "Đạt" if result.passed else "Không đạt",
            (str(result.rank) + (" (đồng hạng)" if result.tied_with else "")) if result.rank else "—",
        ])
    doc.data_table(["Tổ chức", "Hồ sơ", "Số phiếu", *[f"TC {c.code} ({plain_number(c.max_points)})" for c in top],
               "Tổng TB", "Kết quả", "Xếp hạng"], rows, [30, 34, 12, *([16] * len(top)), 16, 14, 16])
    if calibration.alpha is not None:
        doc.paragraph(f"Mức độ nhất quán giữa các thành viên (Krippendorff alpha, khoảng): "
                      f"{number(calibration.alpha, 3)}. Điểm hiệu chỉnh chỉ để tham khảo; kết quả xét đạt dùng "
                      "điểm thô theo quy định.", "I")
    doc.paragraph("III. Kết luận", "B")
    passing = [r for r in results.values() if r.rank == 1]
    if passing:
        names = ", ".join(proposals[r.proposal_id].organisation.name for r in passing if r.proposal_id in proposals)
        tie = " (đồng hạng, cần Sở KH&CN quyết định)" if len(passing) > 1 else ""
        doc.paragraph(f"Hội đồng đề xuất: {names}{tie}.")
    else:
        doc.paragraph("Không có hồ sơ nào đạt yêu cầu.")
    doc.ln(10)
    chair = next((m for m in members if m.role == "chair"), None)
    secretary = next((m for m in members if m.role == "secretary"), None)
    width = (doc.w - doc.l_margin - doc.r_margin) / 2
    doc.set_font("Serif", "B", 13)
    doc.cell(width, 7, "THƯ KÝ KHOA HỌC", align="C")
    doc.cell(width, 7, "CHỦ TỊCH HỘI ĐỒNG", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.ln(20)
    doc.cell(width, 7, secretary.expert.user.display_name if secretary else "", align="C")
    doc.cell(width, 7, chair.expert.user.display_name if chair else "", align="C", new_x="LMARGIN", new_y="NEXT")
    return doc.render()
