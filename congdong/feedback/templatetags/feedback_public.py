"""The answers a unit published, as a section of its public page (`{% public_answers page %}`).

A tag rather than the page view's context: the page view belongs to the pages app. The tag
makes no query: the section loads itself with htmx when it scrolls into view (the public page
keeps its query budget), from `feedback:public-answers` as a fragment, cached like the page;
without JavaScript its link leads to the same answers.
"""

from __future__ import annotations

from django import template

from congdong.feedback import queries
from congdong.pages.models import Page

register = template.Library()
ON_PAGE = 3  # answers shown on the page itself; the rest on their own page


@register.inclusion_tag("feedback/citizen/_public_answers_lazy.html")
def public_answers(page: Page) -> dict:
    return {"page": page}


def section(page: Page) -> dict:
    """The section's context: the newest answers and whether there are more."""
    found = list(queries.public_answers(page.unit)[: ON_PAGE + 1])
    return {"page": page, "answers": found[:ON_PAGE], "more": len(found) > ON_PAGE}
