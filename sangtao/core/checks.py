"""System checks that keep append-only tables append-only as new ones are added."""

from django.apps import apps
from django.core import checks
from django.db import models

from sangtao.core.models import AppendOnlyModel

# Any other on_delete would change or remove rows behind the chain's back (the PostgreSQL trigger refuses it).
KEEPING_DELETES = (models.PROTECT, models.RESTRICT, models.DO_NOTHING)


@checks.register(checks.Tags.models)
def append_only_rows_stay_as_written(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for model in apps.get_models():
        if not issubclass(model, AppendOnlyModel):
            continue
        names = {field.attname for field in model._meta.concrete_fields}
        if not getattr(model, "chain_by", None) or not set(model.chain_by) <= names:
            errors.append(checks.Error(
                f"{model.__name__}.chain_by must name the fields of the subject whose chain a row joins "
                "(e.g. the proposal_id of a proposal's transitions)", obj=model, id="core.E003"))
        for field in model._meta.concrete_fields:
            remote = getattr(field, "remote_field", None)
            if remote is not None and remote.on_delete not in KEEPING_DELETES:
                errors.append(checks.Error(
                    f"{model.__name__}.{field.name}: on_delete would change append-only rows; use PROTECT",
                    obj=field, id="core.E001"))
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                errors.append(checks.Error(
                    f"{model.__name__}.{field.name}: auto_now is set after the row is hashed; use default=",
                    obj=field, id="core.E002"))
    return errors
