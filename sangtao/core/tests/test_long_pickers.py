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


class Flagged(forms.Select):
    """Options with attributes of their own: a disabled one, one whose attribute is False, a hostile value."""

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["attrs"].update({"disabled": option["value"] == "b", "data-x": 'q"<&>', "hidden": False})
        return option


@pytest.mark.parametrize("widget", [
    forms.Select(choices=[("", "---"), ("a", "Một <b>&"), ("b", 'Hai "x"')]),
    forms.SelectMultiple(choices=[("Nhóm 1", [("a", "A"), ("b", "B")]), ("c", "C")], attrs={"size": 4}),
    forms.NullBooleanSelect(),
    Flagged(choices=[("a", "A"), ("b", "B")]),
], ids=["select", "optgroups", "null_boolean", "option_attrs"])
def test_the_select_template_writes_each_option_as_djangos_option_template_does(widget):
    """Our select.html writes the option in place (an include per option was half of a long page's time):
    the same markup as Django's own select.html with its select_option.html and attrs.html."""
    from django.forms.renderers import DjangoTemplates

    def rendered(renderer=None):
        return re.sub(r"\s+", " ", widget.render("pick", ["b"] if widget.allow_multiple_selected else "b",
                                                 renderer=renderer)).replace("> <", "><").strip()

    assert rendered() == rendered(DjangoTemplates())
    assert 'selected' in rendered()


def test_dosts_unit_form_picks_the_parent_and_successors_from_a_filterable_list(dost, city):
    wards(city, 20)
    page = client_for(dost).get("/manage/units/new/").content.decode()
    for name in ("parent", "successors"):
        assert re.search(rf'<select name="{name}"[^>]*data-searchable=', page), name
    english = client_for(dost).get("/en/manage/units/new/").content.decode()
    assert re.search(r'<select name="parent"[^>]*data-searchable="Type to filter the list"', english)


# Hand-written lists over fixed, short enumerations (grades, measures, unit kinds, sizes, years, periods, the
# portfolio's stages and KPI statuses).
SHORT_BY_NATURE = {"grades", "elements", "measures", "years", "rounds", "periods", "kinds", "sizes", "facets",
                   "size_choices", "kind_choices", "facet_choices", "stages", "states", "outcome_choices"}


def test_every_hand_written_picker_over_records_gets_a_filter_box_when_long():
    """A <select> written in a template (not a form widget) over a list of records says so with
    {% long_list NAME %}: the widget template cannot mark it."""
    from pathlib import Path

    import sangtao

    unmarked = []
    for path in Path(sangtao.__file__).parent.rglob("*.html"):
        if "widgets" in path.parts:
            continue
        for select in re.finditer(r"<select\b[^>]*>.*?</select>", path.read_text(), re.S):
            loop = re.search(r"{% for [^%]* in ([\w.]+)", select.group(0))
            head = re.match(r"<select\b[^>]*>", select.group(0)).group(0)
            if loop and loop.group(1).split(".")[-1] not in SHORT_BY_NATURE and "data-searchable" not in head \
                    and "long_list" not in head:
                unmarked.append(f"{path.name}: {head}")
    assert unmarked == []


def test_the_public_survey_page_filters_a_long_list_of_wards_and_the_comments_page_too(open_survey, dost, city):
    from sangtao.surveys.models import Survey

    survey = open_survey
    assert "data-searchable" not in client_for(None).get(survey.public_url()).content.decode()  # three units
    wards(city, 20)
    Survey.objects.get(pk=survey.pk).units.add(*OrgUnit.objects.filter(code__startswith="9"))
    page = client_for(None).get(survey.public_url()).content.decode()
    assert re.search(r'<select id="unit" name="unit" required data-searchable="Gõ để lọc danh sách"', page)
    comments = client_for(dost).get(f"/en/surveys/{survey.pk}/comments/").content.decode()
    assert re.search(r'<select id="unit" name="unit" data-searchable="Type to filter the list"', comments)
