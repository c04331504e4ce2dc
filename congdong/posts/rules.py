"""Checking a post against the regulation: what fails, where, and whether it blocks submitting."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from unidecode import unidecode

from congdong.core.text import fold
from congdong.pages.models import Page
from congdong.posts.models import Category, PhraseAction, Regulation
from congdong.posts.rich_text import plain_text


@dataclass(frozen=True)
class Finding:
    """One thing the regulation objects to. `position` is the 0-based offset of `phrase`'s
    match in the field's text (the plain text, for the body)."""

    field: str
    message: str
    blocking: bool
    phrase: str = ""
    position: int | None = None


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """`fold(text)` character by character, with the offset in `text` of each folded character,
    so a match in the folded text can be pointed at in the original."""
    out: list[str] = []
    offsets: list[int] = []
    after_space = True  # drops leading spaces, as fold() does
    for i, char in enumerate(text):
        for c in unidecode(char).lower():  # unidecode maps each character on its own
            if c.isspace():
                if after_space:
                    continue
                c, after_space = " ", True
            else:
                after_space = False
            out.append(c)
            offsets.append(i)
    return "".join(out), offsets


def find_phrase(text: str, phrase: str) -> tuple[int, str] | None:
    """Where `phrase` first occurs in `text` as whole words, ignoring accents and case:
    (offset in `text`, the matched text as written), or None."""
    folded_phrase = fold(phrase)
    if not folded_phrase:
        return None
    folded, offsets = _folded_with_offsets(text)
    # Whole words only: "tin đồn" (rumour) must not match "tin đồng" (copper news).
    pattern = rf"(?<![a-z0-9]){re.escape(folded_phrase)}(?![a-z0-9])"
    match = re.search(pattern, folded)
    if match is None:
        return None
    start, end = offsets[match.start()], offsets[match.end() - 1] + 1
    return start, text[start:end]


def _field_label(field: str) -> str:
    return {"title": _("title"), "body": _("body")}[field]


def _length_finding(field: str, length: int, limit: int) -> Finding | None:
    if length <= limit:
        return None
    return Finding(
        field,
        _("The %(field)s is %(length)d characters long; the regulation allows at most %(limit)d.")
        % {"field": _field_label(field), "length": length, "limit": limit},
        blocking=True,
    )


def check_against_regulation(
    post_fields: Mapping[str, Any], page: Page, regulation: Regulation
) -> list[Finding]:
    """Every finding of `regulation` about a post with `post_fields` (title, body as HTML,
    source_url, category, and optionally image_count) on `page`, in field order.

    Changes nothing. A post may be submitted when no finding is blocking; the others are
    warnings the approver should see.
    """
    findings: list[Finding] = []
    title = " ".join((post_fields.get("title") or "").split())
    body = plain_text(post_fields.get("body") or "")
    category: Category | None = post_fields.get("category")

    if category is None or category.regulation_id != regulation.pk:
        findings.append(
            Finding(
                "category",
                _(
                    "Choose a category of the regulation in force (version %(version)d) for "
                    "posts on %(page)s."
                )
                % {"version": regulation.version, "page": page.name},
                blocking=True,
            )
        )
    if not title:
        findings.append(Finding("title", _("Give the post a title."), blocking=True))
    if not body:
        findings.append(Finding("body", _("Write the body of the post."), blocking=True))
    for field, text, limit in (
        ("title", title, regulation.max_title_length),
        ("body", body, regulation.max_body_length),
    ):
        if finding := _length_finding(field, len(text), limit):
            findings.append(finding)
    images = int(post_fields.get("image_count") or 0)
    if images > regulation.max_images:
        findings.append(
            Finding(
                "images",
                _("The post has %(count)d images; the regulation allows at most %(limit)d.")
                % {"count": images, "limit": regulation.max_images},
                blocking=True,
            )
        )
    source_url = (post_fields.get("source_url") or "").strip()
    if category is not None and category.requires_source and not source_url:
        findings.append(
            Finding(
                "source_url",
                _("Posts in “%(category)s” must give their source (a link).")
                % {"category": category.name},
                blocking=True,
            )
        )
    for field, text in (("title", title), ("body", body)):
        for phrase in regulation.phrases.all():
            found = find_phrase(text, phrase.phrase)
            if found is None:
                continue
            position, written = found
            blocking = phrase.action == PhraseAction.BLOCK
            template = (
                _(
                    "The %(field)s contains the forbidden phrase “%(phrase)s” (“%(written)s”, "
                    "at character %(position)d): remove it."
                )
                if blocking
                else _(
                    "The %(field)s contains “%(phrase)s” (“%(written)s”, at character "
                    "%(position)d): the regulation asks for care with it."
                )
            )
            findings.append(
                Finding(
                    field,
                    template
                    % {
                        "field": _field_label(field),
                        "phrase": phrase.phrase,
                        "written": written,
                        "position": position + 1,  # people count from 1
                    },
                    blocking=blocking,
                    phrase=phrase.phrase,
                    position=position,
                )
            )
    return findings
