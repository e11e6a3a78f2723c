"""Every counter a dashboard shows is defined once here (what is counted, from which records), and
the page and its export both read the definition from here: the figure and its meaning never drift.

    BY_STAGE = counter("challenges.by_stage", _("..."), _("what is counted, from which records"))
    counts = BY_STAGE.rows([(label, n), ...])       # -> rows for the page, its chart and its CSV
"""

from dataclasses import dataclass

REGISTRY: dict[str, "Counter"] = {}


@dataclass(frozen=True)
class Counter:
    key: str
    label: object  # lazy text
    definition: object  # lazy text: what is counted and from which records

    def csv_rows(self, items) -> list[list[str]]:
        """The counter as exported: one row per item, with the label and definition of the counter."""
        return [[str(self.label), str(label), str(n), str(self.definition)] for label, n in items]


def counter(key: str, label, definition) -> Counter:
    if key in REGISTRY:
        raise ValueError(f"counter {key} is defined twice")
    REGISTRY[key] = Counter(key, label, definition)
    return REGISTRY[key]
