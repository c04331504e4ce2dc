"""Form widgets that stay fast at the size of the unit tree."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class LongSelect(forms.Select):
    """A <select> of thousands of plain options (a central editor runs every page below):
    rendered in one pass instead of one template per option, which took about a second for
    2,000 pages. Same attributes and selection as `forms.Select`; no option groups."""

    def render(
        self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        final = self.build_attrs(self.attrs, attrs) | {"name": name}
        return format_html("<select{}>{}</select>", flatatt(final), options)
