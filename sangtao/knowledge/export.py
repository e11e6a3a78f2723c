"""A case in a structure close to the OECD OPSI case library's submission form.

The form's questions (innovation title, summary, the problem, what is new, status, collaborations
and partnerships, users and beneficiaries, results, challenges and failures, conditions for
success, replication, lessons learned, supporting materials) are the keys; each answer is given in
English where the unit wrote it, and always in Vietnamese; the sections still to be put in English
(the library prefers English) are listed. The same submission is also a printable document
(`oecd_document`), the form's questions in its order. Only a case the caller may see is
exported (the view fetches it through access.py); a case drafted from an initiative never holds its
confidential part (services.confidential_leaks refuses it on every edit).
"""

from django.conf import settings

from sangtao.challenges.models import Facet
from sangtao.knowledge.models import Case, Stage
from sangtao.orgs.models import UnitKind

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


# Our OPSI facet -> the library's name for it.
OPSI_FACETS: dict[str, str] = {
    Facet.ENHANCEMENT: "Enhancement-oriented innovation",
    Facet.MISSION: "Mission-oriented innovation",
    Facet.ADAPTIVE: "Adaptive innovation",
    Facet.ANTICIPATORY: "Anticipatory innovation",
}

# The kind of the case's unit -> the form's "level of government".
LOCAL_KINDS = {UnitKind.DISTRICT, UnitKind.WARD, UnitKind.COMMUNE, UnitKind.SPECIAL_ZONE}


def level_of_government(case: Case) -> str:
    return "Local government" if case.unit.kind in LOCAL_KINDS else "Regional/State government"


def year_of_launch(case: Case) -> int | None:
    """When the innovation began to be used, from the work the case was drafted from."""
    if case.challenge is not None and hasattr(case.challenge, "project"):
        first = case.challenge.project.deployments.order_by("go_live_on").first()
        return first.go_live_on.year if first else None
    if case.initiative is not None and case.initiative.first_applied_on:
        return case.initiative.first_applied_on.year
    if case.annual_task is not None:
        return case.annual_task.plan.year
    return None


def to_translate(case: Case) -> list[str]:
    """The title and sections still without their English text (the library prefers English)."""
    return ([] if case.title_en else ["title"]) + [key for key, _q in OPSI_QUESTIONS if not getattr(case, f"{key}_en")]


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
        "level_of_government": level_of_government(case),
        "city": settings.CITY_NAME,
        "sector": (case.field.name_en or case.field.name) if case.field else "",
        "year_of_launch": year_of_launch(case),
        "innovation_status": OPSI_STATUS.get(case.stage, ""),
        "innovation_facet": OPSI_FACETS.get(case.facet, ""),
        "innovation_tags": [t for t in ((case.field.name_en or case.field.name) if case.field else "",
                                        case.service) if t],
        "year_published": case.published_at.year if case.published_at else None,
        "url": settings.SITE_URL + reverse("knowledge:case", args=[case.pk]),
        "answers": answers,
        "to_translate": to_translate(case),
        "measured_results": {"kpis": case.figures.get("kpis", []),
                             "satisfaction": case.figures.get("satisfaction", [])},
    }


def oecd_document(case: Case) -> bytes:
    """The submission as a PDF to read, share or copy into the library's form: its questions in its
    order, each answered in English where the unit wrote it, else in Vietnamese (marked so)."""
    from sangtao.core.documents import AdministrativeDocument

    data = oecd_submission(case)
    document = AdministrativeDocument(data["innovation_title"])
    document.heading("OECD OPSI Case Study Library — case submission")
    document.heading(data["innovation_title"])
    facts = [("Organisation", data["organisation"]), ("Country", f"{data['country']} ({data['city']})"),
             ("Level of government", data["level_of_government"]), ("Sector", data["sector"]),
             ("Year of launch", str(data["year_of_launch"] or "")), ("Innovation status", data["innovation_status"]),
             ("Innovation facet", data["innovation_facet"]), ("Innovation tags", ", ".join(data["innovation_tags"])),
             ("Case page", data["url"])]
    for label, value in facts:
        if value:
            document.paragraph(f"{label}: {value}")
    for answer in data["answers"]:
        document.paragraph(answer["question"], "B")
        if answer["answer_en"]:
            document.paragraph(answer["answer_en"])
        else:
            document.paragraph("[In Vietnamese: no English text yet]", "I")
            document.paragraph(answer["answer_vi"] or "—")
    return document.render()
