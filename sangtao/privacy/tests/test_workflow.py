"""The export and restriction tables: every role tries every move from every state."""

import pytest

from conftest import assert_move_matrix, move_table_test
from sangtao.privacy.models import DataExport, ExportStatus, ProcessingRestriction, RestrictionStatus

EXPORT_ALLOWED = move_table_test("data_export", {"start": set(), "finish": set(), "fail": set()})  # the job only
RESTRICTION_ALLOWED = move_table_test("processing_restriction", {"lift": {"dost"}})


@pytest.mark.django_db
def test_no_person_moves_a_data_export_from_any_state(outsider, roles):
    export = DataExport.objects.create(user=outsider)
    for state in ExportStatus.values:
        DataExport.objects.filter(pk=export.pk).update(status=state)  # the matrix starts from each state
        assert assert_move_matrix(DataExport.objects.get(pk=export.pk), roles, EXPORT_ALLOWED) == 0


@pytest.mark.django_db
def test_only_dost_lifts_an_active_restriction_and_nobody_a_lifted_one(expert, roles):
    restriction = ProcessingRestriction.objects.create(user=expert, reason="Tôi phản đối việc xử lý")
    assert assert_move_matrix(restriction, roles, RESTRICTION_ALLOWED) == 1
    ProcessingRestriction.objects.filter(pk=restriction.pk).update(status=RestrictionStatus.LIFTED)
    assert assert_move_matrix(ProcessingRestriction.objects.get(pk=restriction.pk), roles, RESTRICTION_ALLOWED) == 0
