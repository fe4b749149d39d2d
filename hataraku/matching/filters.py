"""The job list's filters outside the page: as query parameters of `GET /api/me/recommendations` and as
`hataraku match --filters`. Both hand the values to the job list's own form (`jobs.forms.
job_filters_from_query`), never to a second copy of its rules: the parameters below are *derived* from
`JobFilterForm`'s fields (names, labels, limits, fixed choices), so a filter added to /jobs/ appears in the
API and its OpenAPI schema with no change here.

Unlike the page (which filters by the fields that passed and shows the errors beside the list), a value the
form refuses is an error here (422): a program asking for a filter must not get a list without it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, create_model

from hataraku.core.errors import DomainError, ErrorCode
from hataraku.jobs.forms import JobFilterForm, job_filters_from_query
from hataraku.jobs.selectors import JobFilters

FILTER_ERROR_CODE = ErrorCode.INVALID_FILTER


def _parameter(name: str, field: forms.Field) -> tuple[Any, Any]:
    """(type, pydantic Field) of one form field as a query parameter."""
    description = f"{field.label} (/jobs/ の「{name}」と同じ)"
    if isinstance(field, forms.BooleanField):
        return bool, Field(False, description=description)
    if isinstance(field, forms.IntegerField):
        # The limits are documented, and checked by the form (its message names the field and the limit).
        limits: dict[str, Any] = {}
        if field.min_value is not None:
            limits["minimum"] = field.min_value
        if field.max_value is not None:
            limits["maximum"] = field.max_value
        return int | None, Field(None, description=description, json_schema_extra=limits or None)
    extra: dict[str, Any] = {}
    if isinstance(field, forms.DateField):
        extra["format"] = "date"
    elif isinstance(field, forms.ChoiceField) and field.choices:
        # Fixed choices (pay type, prefecture); the categories are read from the database per request.
        extra["enum"] = [str(value) for value, _label in field.choices]  # type: ignore[misc, union-attr]
    if getattr(field, "max_length", None):
        extra["maxLength"] = field.max_length  # type: ignore[attr-defined]
    return str, Field("", description=description, json_schema_extra=extra or None)


# The query parameters of the job list, one per JobFilterForm field (`Query[FilterParams]` in a router).
FilterParams: type[Schema] = create_model(  # type: ignore[call-overload]
    "JobFilterParams",
    __base__=Schema,
    **{name: _parameter(name, field) for name, field in JobFilterForm.base_fields.items()},
)


def query_dict(params: Schema) -> QueryDict:
    """The parameters as the query string /jobs/ would have had (a ticked box is "on")."""
    query = QueryDict(mutable=True)
    for name, value in params.model_dump().items():
        if value is None or value is False or value == "":
            continue
        query[name] = "on" if value is True else str(value)
    return query


def form_errors(form: forms.Form) -> str:
    """A form's own messages, each after its field's label: 「報酬の上限(円)」: 報酬の上限は、…"""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        text = "".join(str(e) for e in errors)
        parts.append(f"「{label}」: {text}" if label else text)
    return " ".join(parts)


def filter_errors(form: JobFilterForm) -> str:
    """One Japanese sentence naming each refused filter and why, from the job list form's own messages."""
    return _("絞り込みの条件に使えない値があります。%(errors)s") % {"errors": form_errors(form)}


def strict_filters(query: QueryDict) -> JobFilters:
    """The job list's filters for a query string, or DomainError (422) naming what the form refused."""
    filters, form = job_filters_from_query(query)
    if not form.is_valid():
        raise DomainError(filter_errors(form), code=FILTER_ERROR_CODE)
    return filters
