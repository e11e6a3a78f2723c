"""The knowledge context in the query-budget crawl's world (portal/tests/world.py): n + 1 published
cases, each with a lesson and an adoption request, n + 1 library resources with two versions each."""

from django.core.files.uploadedfile import SimpleUploadedFile

from sangtao.core.workflow import apply_move
from sangtao.knowledge import services
from sangtao.knowledge.models import Lesson, ProblemKind, SectionRule
from sangtao.knowledge.tests.conftest import SECTION_TEXT


def build_knowledge_world(n: int, dost, officer, ward) -> dict:
    from conftest import make_user
    from sangtao.knowledge.defaults import seed_defaults
    from sangtao.orgs.models import Role

    seed_defaults(SectionRule, ProblemKind)
    health = officer.memberships.get().unit
    asker = make_user(f"kworld{n}", Role.OFFICER, ward)
    cases = []
    for i in range(n + 1):
        case = services.do_create_case(actor=officer, unit=health, title=f"Tình huống {n}.{i}")
        case = services.do_update_case(case, actor=officer, data={**SECTION_TEXT, "stage": "evaluating"})
        case = services.do_submit_case(case, actor=officer)
        case = services.do_publish_case(case, actor=dost, public=i % 2 == 0)
        lesson = Lesson.objects.create(subject_kind="case", case=case, unit=health, title=f"Bài học {n}.{i}",
                                       expected="Dự kiến.", actual="Thực tế.", went_well="Tốt.", to_change="Đổi.")
        apply_move(lesson, "answer", actor=officer)
        services.do_request_adoption(case, actor=asker, unit=ward, form="annual_task", service="Dịch vụ phường")
        cases.append(case)
    services.do_create_case(actor=officer, unit=health, title=f"Bản nháp {n}")
    resource = None
    for i in range(n + 1):
        upload = SimpleUploadedFile("mau.pdf", b"%PDF-1.4\n% world\n", content_type="application/pdf")
        resource = services.do_add_resource(actor=officer, unit=health, upload=upload, data={
            "kind": "form", "title": f"Biểu mẫu {n}.{i}", "description": "Mô tả.", "is_public": True})
        services.do_add_resource_version(resource, actor=officer, upload=SimpleUploadedFile(
            "mau-2.pdf", b"%PDF-1.4\n% v2\n", content_type="application/pdf"))
    assert resource is not None
    decided = services._decided_initiatives().filter(unit=health).first()
    return {"case": cases[0].pk, "lesson": Lesson.objects.filter(case=cases[0]).get().pk,
            "adoption": cases[0].adoptions.get().pk, "resource": resource.pk,
            "review_kind": "initiative" if decided else "challenge",
            "review_subject": decided.pk if decided else cases[0].pk,
            "sectionrule": SectionRule.objects.first().pk, "problemkind": ProblemKind.objects.first().pk}
