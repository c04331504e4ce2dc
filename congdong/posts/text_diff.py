"""What a revision changes: a word-by-word diff of the plain text, for the approver to read."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from congdong.posts.models import Post, PostRevision
from congdong.posts.rich_text import plain_text


@dataclass(frozen=True)
class Piece:
    """A run of words: kept ("equal"), added ("insert") or removed ("delete")."""

    kind: str
    text: str


@dataclass(frozen=True)
class FieldChange:
    label: str | Promise
    pieces: list[Piece]

    @property
    def changed(self) -> bool:
        return any(piece.kind != "equal" for piece in self.pieces)


def word_diff(old: str, new: str) -> list[Piece]:
    """`old` → `new` as runs of whole words; a replacement is a deletion then an insertion.

    Plain strings only: the template escapes them, so nothing of the text is trusted as HTML.
    """
    a, b = old.split(), new.split()
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("equal", " ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("delete", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("insert", " ".join(b[j1:j2])))
    return pieces


def revision_changes(post: Post, revision: PostRevision) -> list[FieldChange]:
    """Each field of the live post against the revision's proposal, in the form's order.

    The body is compared as the text a reader sees: markup changes alone show no difference.
    """
    return [
        FieldChange(_("Title"), word_diff(post.title, revision.title)),
        FieldChange(_("Body"), word_diff(plain_text(post.body), plain_text(revision.body))),
        FieldChange(_("Category"), word_diff(post.category.name, revision.category.name)),
        FieldChange(_("Source (link)"), word_diff(post.source_url, revision.source_url)),
        FieldChange(_("Tags"), word_diff(post.tags, revision.tags)),
    ]
