"""A database constraint a person trips over is told as a message on the field they can change,
in their language, never as "Constraint “budget_range_ordered” is violated".

Each constraint a form can reach declares its own `violation_error_message` (translated, in the
model); `install()` (run once by core's AppConfig) gives every model of the project a
`validate_constraints` that files each violation under the field it concerns: the one named by the
constraint's `violation_error_code` when that is a field, else the last field it lists or the last
field its condition tests (for `budget_max_vnd >= F("budget_min_vnd")`, the maximum). A constraint with Django's default message
gets a plain message instead of its internal name."""

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import router
from django.db.models import Q
from django.db.models.constraints import BaseConstraint
from django.utils.translation import gettext_lazy as _

GENERIC = _("Giá trị này mâu thuẫn với dữ liệu đã có; vui lòng kiểm tra lại.")


def _names_in(node) -> list[str]:
    """The fields a condition's lookups test, in order (the left sides: not the F() compared to)."""
    names: list[str] = []
    if isinstance(node, Q):
        for child in node.children:
            names += _names_in(child)
    elif isinstance(node, tuple):
        names.append(node[0].split("__")[0])
    return names


def field_of(model, constraint: BaseConstraint) -> str | None:
    """The field a violation of this constraint is shown on; None when it concerns no field."""
    concrete = {f.name for f in model._meta.get_fields() if getattr(f, "concrete", False)}
    code = getattr(constraint, "violation_error_code", None)
    if code in concrete:
        return code
    names = list(getattr(constraint, "fields", ()) or ())
    condition = getattr(constraint, "condition", None)
    if not names and condition is not None:
        names = _names_in(condition)
    names = [n for n in names if n in concrete]
    return names[-1] if names else None


def message_of(constraint: BaseConstraint, error: ValidationError) -> list[ValidationError]:
    if constraint.violation_error_message == constraint.default_violation_error_message:
        if getattr(error, "code", None) == "unique":
            return error.error_list  # Django's own, translated "… with this … already exists."
        return [ValidationError(GENERIC, code=constraint.name)]
    return error.error_list


def validate_constraints(self, exclude=None):
    """Model.validate_constraints, with each violation under its field (see the module's text)."""
    using = router.db_for_write(self.__class__, instance=self)
    errors: dict[str, list] = {}
    for model_class, constraints in self.get_constraints():
        for constraint in constraints:
            try:
                constraint.validate(model_class, self, exclude=exclude, using=using)
            except ValidationError as error:
                field = field_of(model_class, constraint)
                if field is None or (exclude and field in exclude):
                    field = NON_FIELD_ERRORS
                errors.setdefault(field, []).extend(message_of(constraint, error))
    if errors:
        raise ValidationError(errors)


def install() -> None:
    for model in apps.get_models():
        if model.__module__.startswith("sangtao.") and model._meta.constraints:
            model.validate_constraints = validate_constraints  # type: ignore[method-assign]
