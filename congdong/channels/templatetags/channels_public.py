from django import template

from congdong.channels import queries

register = template.Library()


@register.inclusion_tag("channels/_official.html")
def official_channels(page) -> dict:
    """The page's verified channels ("Kênh chính thức"), the addresses its admins confirmed are
    not theirs, and the link to report a fake page."""
    return {
        "page": page,
        "channels": queries.official_channels(page.pk),
        "not_ours": queries.not_ours(page.pk),
    }
