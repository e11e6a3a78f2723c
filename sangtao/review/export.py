"""Excel export of a council's scores, anonymised per the council's policy."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from sangtao.core.csv import append_row
from sangtao.review.models import Council, SheetStatus
from sangtao.review.results import council_results


def scores_workbook(council: Council) -> bytes:
    results, calibration = council_results(council)
    leaves = council.rubric.leaves()
    top = council.rubric.top_level()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phiếu chấm"
    append_row(sheet, ["Hồ sơ", "Tổ chức", "Thành viên", *[f"{c.code}. {c.name} (/{c.max_points})" for c in leaves],
                  "Tổng", "Nhận xét"])
    members: dict[int, str] = {}
    assignments = council.assignments.select_related("proposal__organisation", "expert__user", "scoresheet") \
        .prefetch_related("scoresheet__scores").order_by("proposal_id", "expert_id")
    proposal_labels = {}
    for item in assignments:
        proposal = item.proposal
        proposal_labels[proposal.pk] = f"HS-{proposal.pk}"
        scoresheet = getattr(item, "scoresheet", None)
        if scoresheet is None or scoresheet.status != SheetStatus.SUBMITTED:
            continue
        if council.anonymise_exports:
            member = members.setdefault(item.expert_id, f"Thành viên {len(members) + 1}")
        else:
            member = item.expert.user.display_name
        points = {s.criterion_id: s.points for s in scoresheet.scores.all()}
        append_row(sheet, [f"HS-{proposal.pk}", "" if council.blind else proposal.organisation.name, member,
                      *[float(points.get(c.pk, 0)) for c in leaves], float(sum(points.values())),
                      scoresheet.general_comment])
    summary = workbook.create_sheet("Kết quả")
    append_row(summary, ["Hồ sơ", "Số phiếu", *[f"TB {c.code}" for c in top], *[f"Số điểm 0 {c.code}" for c in top],
                    "Tổng TB (thô)", "Đạt", "Xếp hạng", "Đồng hạng với", "Tổng hiệu chỉnh (tham khảo)",
                    "Xếp hạng hiệu chỉnh"])
    for pid, result in sorted(results.items()):
        append_row(summary, [
            proposal_labels.get(pid, f"HS-{pid}"), result.sheets, *[float(result.criterion_means[c.pk]) for c in top],
            *[result.zero_counts[c.pk] for c in top], float(result.mean_total), "Đạt" if result.passed else "Không đạt",
            result.rank, ", ".join(f"HS-{o}" for o in result.tied_with),
            round(result.adjusted_total, 2) if result.adjusted_total is not None else None, result.adjusted_rank,
        ])
    append_row(summary, [])
    append_row(summary, ["Krippendorff alpha (khoảng)", calibration.alpha])
    for worksheet in (sheet, summary):
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
