from __future__ import annotations

from typing import Any

from django.forms.renderers import TemplatesSetting

from .errors import DomainError


class HatarakuFormRenderer(TemplatesSetting):
    """Every form gets an error summary at the top, with links to the fields (WCAG 3.3.1 / 3.3.3)."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def add_domain_error(form: Any, exc: DomainError) -> None:
    """Show a service's refusal on the form: on the field it names when the form has that field, else at the
    top (the error summary). A service may report several at once as `errors=[(field, message), …]`."""
    for field, message in exc.data.get("errors") or [(exc.field, exc.message)]:
        form.add_error(field if field in form.fields else None, message)
