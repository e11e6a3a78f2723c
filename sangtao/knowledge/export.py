"""A case in a structure close to the OECD OPSI case library's submission form.

The form's questions (innovation title, summary, the problem, what is new, status, collaborations
and partnerships, users and beneficiaries, results, challenges and failures, conditions for
success, replication, lessons learned, supporting materials) are the keys; each answer is given in
English where the unit wrote it, and always in Vietnamese. Only a case the caller may see is
exported (the view fetches it through access.py); a case drafted from an initiative never holds its
confidential part (services.confidential_leaks refuses it on every edit).
"""

from django.conf import settings

from sangtao.knowledge.models import Case, Stage

# Our stage -> the OPSI form's "innovation status" answer.
OPSI_STATUS: dict[str, str] = {
    Stage.IDENTIFYING: "Identifying problems or opportunities",
    Stage.IDEAS: "Generating ideas",
    Stage.PROPOSALS: "Developing proposals",
    Stage.IMPLEMENTING: "Implementation",
    Stage.EVALUATING: "Evaluation",
    Stage.SPREADING: "Diffusing lessons",
}

# Our section -> the OPSI form's question.
OPSI_QUESTIONS = [
    ("summary", "Innovation summary"),
    ("problem", "What is the problem or opportunity the innovation addresses?"),
    ("innovation", "What is the innovation, and how does it work?"),
    ("novelty", "What makes your project innovative?"),
    ("partners", "Collaborations and partnerships"),
    ("beneficiaries", "Users, stakeholders and beneficiaries"),
    ("results", "Results, outcomes and impacts"),
    ("difficulties", "Challenges and failures"),
    ("conditions", "Conditions for success"),
    ("replication", "Replication"),
    ("lessons", "Lessons learned"),
    ("materials", "Supporting materials"),
]


def oecd_submission(case: Case) -> dict:
    from django.urls import reverse

    answers = [{"question": question, "section": key, "answer_en": getattr(case, f"{key}_en"),
                "answer_vi": getattr(case, key)} for key, question in OPSI_QUESTIONS]
    return {
        "form": "OECD OPSI Case Study Library — case submission (structure followed by Sáng Tạo)",
        "innovation_title": case.title_en or case.title,
        "innovation_title_vi": case.title,
        "organisation": case.unit.name,
        "country": "Viet Nam",
        "level_of_government": "Local / regional",
        "city": settings.CITY_NAME,
        "innovation_status": OPSI_STATUS.get(case.stage, ""),
        "innovation_tags": [t for t in (case.field.name_en or case.field.name if case.field else "",
                                        case.get_facet_display() if case.facet else "", case.service) if t],
        "year_published": case.published_at.year if case.published_at else None,
        "url": settings.SITE_URL + reverse("knowledge:case", args=[case.pk]),
        "answers": answers,
        "measured_results": {"kpis": case.figures.get("kpis", []),
                             "satisfaction": case.figures.get("satisfaction", [])},
    }
