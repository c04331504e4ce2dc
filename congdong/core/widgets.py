"""Form widgets: selects that stay fast at the size of the unit tree, and the rich-text editor."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


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


# The editor's words, in the language of the request (the editor itself ships only English,
# German, French and Polish). Keys are the English texts of django-prose-editor's menu and
# dialogs, or the names (`data-name`) of its menu buttons.
def _rich_text_labels() -> dict[str, str]:
    return {
        "bold": _("Bold"),
        "italic": _("Italic"),
        "underline": _("Underline"),
        "strike": _("Strikethrough"),
        "bulletList": _("Bulleted list"),
        "orderedList": _("Numbered list"),
        "blockquote": _("Quotation"),
        "horizontalRule": _("Dividing line"),
        "link": _("Link"),
        "paragraph": _("Paragraph"),
        "heading2": _("Heading"),
        "heading3": _("Subheading"),
        "heading4": _("Small heading"),
        "history:undo": _("Undo"),
        "history:redo": _("Redo"),
        "unlink": _("Remove the link"),
        "picture": _("Insert a picture"),
        "toolbar": _("Text formatting"),
        "URL": _("Web address"),
        "Title": _("Title"),
        "Edit Link": _("Link"),
        "Update": _("Save the link"),
        "Cancel": _("Cancel"),
        "Insert": _("Insert"),
        "picture.file": _("Picture (JPEG, PNG, WebP or GIF; at most 5 MB)"),
        "picture.alt": _("What the picture shows (for people who cannot see it)"),
        "picture.upload": _("Upload and insert"),
        "picture.uploading": _("Uploading…"),
        "picture.no_page": _("Choose the page first."),
        "picture.failed": _("The picture could not be uploaded; try again."),
        "picture.no_file": _("Choose a picture to upload."),
        "picture.no_alt": _("Describe the picture (what it shows), for people who cannot see it."),
    }


class RichTextarea(forms.Textarea):
    """A textarea of HTML that becomes a rich-text editor (django-prose-editor, served from our
    own static files) where JavaScript runs; without it, the plain textarea. The server's
    sanitiser stays the judge of what is kept: the editor only makes it easy to write.

    `upload_url` lets the editor upload pictures into the text; the page they are for is
    `page_id`, or the value of the form field whose id is `page_field` (a new post's page)."""

    def __init__(
        self,
        attrs: dict | None = None,
        upload_url: str = "",
        page_id: int | None = None,
        page_field: str = "",
    ) -> None:
        super().__init__(attrs)
        self.upload_url = upload_url
        self.page_id = page_id
        self.page_field = page_field

    @property
    def media(self) -> forms.Media:
        return forms.Media(
            css={
                "all": [
                    "django_prose_editor/material-icons.css",
                    "django_prose_editor/editor.css",
                    "congdong/rich-text.css",
                ]
            },
            # Deferred scripts and modules run in this order once the page is read: the words
            # first, since the editor's dialogs take their translations when its module loads.
            js=[
                forms.Script("congdong/rich-text-words.js", defer=True),
                forms.Script("congdong/rich-text.js", type="module"),
            ],
        )

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        extra = {"data-rich-text": json.dumps(_rich_text_labels(), ensure_ascii=False)}
        if self.upload_url:
            extra["data-upload-url"] = str(self.upload_url)
        if self.page_id is not None:
            extra["data-page"] = str(self.page_id)
        if self.page_field:
            extra["data-page-field"] = self.page_field
        context["widget"]["attrs"].update(extra)
        return context
