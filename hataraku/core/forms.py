from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class HatarakuFormRenderer(TemplatesSetting):
    """Every form gets an error summary at the top, with links to the fields (WCAG 3.3.1 / 3.3.3)."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
