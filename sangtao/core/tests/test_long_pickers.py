"""Long lists are picked with a filter box (progressive enhancement): the select widget marks every
list of more than 15 choices (units, people, organisations) as searchable, once, and guide.js gives
it a filter box; short lists stay plain."""

import re

import pytest
from django import forms

from conftest import client_for
from sangtao.orgs.models import OrgUnit, UnitKind

pytestmark = pytest.mark.django_db


class Pick(forms.Form):
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.order_by("pk"))
    units = forms.ModelMultipleChoiceField(queryset=OrgUnit.objects.order_by("pk"), required=False)


def wards(city, count):
    OrgUnit.objects.bulk_create(OrgUnit(kind=UnitKind.WARD, code=f"9{n:04d}", name=f"Phường Thử {n}", parent=city)
                                for n in range(count))


def test_a_long_list_is_marked_searchable_once_and_a_short_one_is_not(city):
    assert "data-searchable" not in str(Pick())
    wards(city, 20)
    html = str(Pick())
    for name in ("unit", "units"):
        select = re.search(rf'<select name="{name}"[^>]*>', html).group(0)
        assert select.count("data-searchable=") == 1 and 'data-searchable="Gõ để lọc danh sách"' in select
    marked = Pick()
    marked.fields["unit"].widget.attrs["data-searchable"] = "Lọc đơn vị theo tên"
    select = re.search(r'<select name="unit"[^>]*>', str(marked)).group(0)
    assert select.count("data-searchable=") == 1 and "Lọc đơn vị theo tên" in select


def test_dosts_unit_form_picks_the_parent_and_successors_from_a_filterable_list(dost, city):
    wards(city, 20)
    page = client_for(dost).get("/manage/units/new/").content.decode()
    for name in ("parent", "successors"):
        assert re.search(rf'<select name="{name}"[^>]*data-searchable=', page), name
    english = client_for(dost).get("/en/manage/units/new/").content.decode()
    assert re.search(r'<select name="parent"[^>]*data-searchable="Type to filter the list"', english)
