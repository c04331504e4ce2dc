from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congdong.core.widgets import LongSelect, RichTextarea
from congdong.posts.models import Regulation

# Staff schedule in Vietnam's time whatever their browser says; the site works in one zone.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


class PostForm(forms.Form):
    """A post's content. Only the shape is checked here; the actions decide the rest."""

    category = forms.ChoiceField(label=_("Category"))
    title = forms.CharField(label=_("Title"), max_length=500)
    body = forms.CharField(
        label=_("Body"),
        required=False,
        widget=RichTextarea(attrs={"rows": 10}),
        help_text=_(
            "Paragraphs, headings, bold, italics, lists, links and described pictures are kept; "
            "other formatting (pasted from Word or Facebook too) is dropped."
        ),
    )
    source_url = forms.CharField(label=_("Source (link)"), required=False, max_length=500)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=200, help_text=_("Separated by commas.")
    )

    def __init__(
        self, *args, regulation: Regulation | None = None, page_id: int | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        categories = regulation.categories.all() if regulation else []
        self.fields["category"].choices = [("", "—")] + [(c.code, c.name) for c in categories]
        # Pictures go into the text before the post is saved, for the post's page.
        self.fields["body"].widget = RichTextarea(
            attrs={"rows": 10},
            upload_url=reverse("posts:inline-picture"),
            page_id=page_id,
            page_field="" if page_id else self["page"].auto_id if "page" in self.fields else "",
        )


class NewPostForm(PostForm):
    page = forms.TypedChoiceField(label=_("Page"), coerce=int, widget=LongSelect)
    field_order = ["page", "category", "title", "body", "source_url", "tags"]

    def __init__(self, *args, pages: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["page"].choices = pages


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PublishForm(forms.Form):
    """Publish now (no time given, or a time already past) or at a time in Vietnam."""

    publish_at = forms.DateTimeField(
        label=_("Publish at (Vietnam time; empty: now)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean_publish_at(self) -> datetime.datetime | None:
        value = self.cleaned_data["publish_at"]
        if value is None:
            return None
        # The field made it aware in the current time zone; read the digits as Vietnam time.
        return timezone.make_aware(timezone.make_naive(value), VIETNAM)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); cleans to a list."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class MediaForm(forms.Form):
    """Pictures and PDF documents for a draft; their content is checked by the actions."""

    prefix = "media"
    images = MultipleFileField(
        label=_("Pictures (JPEG, PNG, WebP or GIF; at most 5 MB each)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    alt_text = forms.CharField(
        label=_("What the pictures show"),
        required=False,
        max_length=300,
        help_text=_("For people who cannot see them; the title is used if empty."),
    )
    attachments = MultipleFileField(
        label=_("PDF documents (at most 10 MB each)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "application/pdf"}),
    )


class InlinePictureForm(forms.Form):
    """A picture uploaded by the editor into the text of a post (saved or not yet)."""

    page = forms.IntegerField(label=_("Page"))
    image = forms.FileField(label=_("Picture"), required=False)
    alt_text = forms.CharField(label=_("What the picture shows"), required=False, max_length=300)
