"""A page that asks again before an action that cannot be undone and is posted from one button (delete
a task, cancel a project, revoke a token, lock a scoresheet, take a report's number), in one place.

The button's post comes back as a page saying what will happen, with the same fields posted again
and `confirmed`; only that second post acts. No JavaScript: a double click, or a click on the
wrong row, loses nothing.
"""

from django.http import HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


def ask_first(request, *, heading, consequence, button, back: str, danger: bool = True) -> HttpResponse | None:
    """None when this post confirms the action (the caller acts); else the page that asks, which posts
    the fields of this post again to the same address, with `confirmed`. `danger`: the button says the
    action destroys or cancels something (else it is the page's main action, as a submission is)."""
    if request.method == "POST" and request.POST.get(CONFIRMED) == "1":
        return None
    posted = request.POST.lists()  # convention: allow unchecked-input -- only sent back; the confirming post is checked
    fields = [(name, value) for name, values in posted if name not in ("csrfmiddlewaretoken", CONFIRMED)
              for value in values]
    return render(request, "confirm.html", {"heading": heading, "consequence": consequence, "button": button,
                                            "back": back, "fields": fields, "confirmed": CONFIRMED,
                                            "danger": danger})
