"""The journeys' fill_in (conftest.py) types only where a person could: a field it may not fill fails the
journey, as chromedriver's send_keys did, and a field it fills fires the events typing ends with."""

import os
import urllib.parse

import pytest

from conftest import CHROMEDRIVER, CHROMIUM, fill_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but chromium/chromedriver are not installed")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

FORM = """<!doctype html><html lang="vi"><title>f</title><form>
<input id="name"><input id="short" maxlength="3"><input id="count" type="number">
<input id="off" disabled><input id="fixed" readonly><input id="secret" type="hidden">
<input id="unseen" style="display:none"><details><summary>Thêm</summary><input id="folded"></details>
<input id="tick" type="checkbox"><input id="twice"><input id="twice">
<select id="kind"><option value="a">A</option><option value="b" disabled>B</option></select>
</form><script>
window.heard = [];
for (const kind of ['input', 'change']) document.addEventListener(kind, e => heard.push(kind + ':' + e.target.id));
</script></html>"""


def test_fill_in_fills_what_a_person_could_type_with_its_events_and_refuses_every_other_field(browser):
    browser.get("data:text/html;charset=utf-8," + urllib.parse.quote(FORM))
    fill_in(browser, {"name": "Nguyễn Thị Lan", "short": "abc", "count": "12", "kind": "a"})
    assert browser.execute_script("return document.getElementById('name').value") == "Nguyễn Thị Lan"
    assert sorted(browser.execute_script("return heard")) == sorted(  # in the order selenium sends them
        f"{event}:{field}" for event in ("input", "change") for field in ("name", "short", "count", "kind"))
    for field, value in (("missing", "x"), ("short", "abcd"), ("count", "mười"), ("off", "x"), ("fixed", "x"),
                         ("secret", "x"), ("unseen", "x"), ("folded", "x"), ("tick", "on"), ("twice", "x"),
                         ("kind", "b"), ("kind", "c")):
        with pytest.raises(AssertionError, match=f"'{field}'"):
            fill_in(browser, {field: value})
