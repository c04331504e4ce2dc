"""Pictures and PDF documents attached to a post.

Files are stored under random names (the upload's name is never used as a path); the name the
author's file had is kept, cleaned, only to show on the link.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congdong.core.models import UploadedFile, acting_account
from congdong.core.private_files import private_storage
from congdong.posts.models.post import Post

# The ceiling; the regulation in force may allow fewer.
MAX_IMAGES_PER_POST = 10


class PostImage(models.Model):
    # Empty for a picture put into the text of a post not yet saved (the editor uploads it on
    # the first screen); the save that names it in the text attaches it, and a sweep deletes
    # the ones never attached (`congdong.posts.actions.delete_stale_inline_pictures`).
    post = models.ForeignKey(
        Post,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="images",
        verbose_name=_("post"),
    )
    # Where and by whom an inline picture was uploaded: only that person may attach it, to a
    # post of a page they run. Empty for pictures uploaded to a saved draft.
    page = models.ForeignKey(
        "pages.Page",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("page"),
    )
    uploaded_by = acting_account(_("uploaded by"))
    # Shown inside the text (an <img> in the body) rather than in the post's gallery.
    inline = models.BooleanField(_("in the text"), default=False)
    # Always a JPEG re-encoded by congdong.core.images.clean_image.
    file = models.ImageField(_("picture"), upload_to="posts/images/%Y/%m/", storage=private_storage)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    alt_text = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("post picture")
        verbose_name_plural = _("post pictures")

    def __str__(self) -> str:
        return self.alt_text or self.file.name

    @property
    def url(self) -> str:
        """Its address: a view that serves it to anyone once the post is public, and before
        that only to the staff who may read the post (the file has no media address)."""
        return reverse("posts:image", args=[self.pk])


class PostAttachment(UploadedFile):
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("post")
    )
    file = models.FileField(_("file"), upload_to="posts/files/%Y/%m/", storage=private_storage)

    class Meta(UploadedFile.Meta):
        verbose_name = _("post attachment")
        verbose_name_plural = _("post attachments")

    @property
    def url(self) -> str:
        """Its address (see PostImage.url)."""
        return reverse("posts:document", args=[self.pk])

    @property
    def size_mb(self) -> float:
        return self.size / 1_000_000
