import re

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views.static import serve

from congdong.accounts import urls as accounts_urls
from congdong.api import api
from congdong.feedback import urls as feedback_urls
from congdong.insights import situation_views
from congdong.pages import urls as pages_urls
from congdong.posts import urls as posts_urls
from congdong.privacy import urls as privacy_urls
from congdong.site import urls as site_urls
from congdong.twofactor import urls as twofactor_urls
from congdong.twofactor.views import admin_login

# The only folders of MEDIA_ROOT that hold public files (page avatars and covers), and the
# only spelling of an address in them: lower-case folders, single slashes, no "." or ".."
# segment. Private files are not under MEDIA_ROOT at all (core/private_files.py); this
# closes equivalent spellings (`//`, `./`, `x/../`, `%2e`, `%2F`, other case) by construction.
PUBLIC_MEDIA = re.compile(r"pages/(avatars|covers)/[A-Za-z0-9_-]+\.jpg")


def media_file(request: HttpRequest, path: str) -> HttpResponse:
    if not PUBLIC_MEDIA.fullmatch(path):
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)  # read per request
    # Uploads are data, never pages (core/uploads.py): nothing in them may run here. The same
    # headers are set by the reverse proxy when it serves MEDIA_ROOT (docs/operations.md).
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# A citizen-only action refused to a staff account says what to do (CitizenAccountNeeded).
handler403 = "congdong.core.views.permission_denied"

# The `accounts` namespace also holds pages that put accounts together with a higher app: the
# staff password sign-in (twofactor), the sign-up's consent step (privacy), the workspace's home
# (pages).
ACCOUNTS = (
    accounts_urls.urlpatterns
    + twofactor_urls.account_patterns
    + privacy_urls.account_patterns
    + pages_urls.account_patterns,
    "accounts",
)

urlpatterns = [
    path("", include("congdong.site.urls")),
    path("", include("congdong.core.urls")),
    path("", include("congdong.units.urls")),
    path("", include(ACCOUNTS)),
    # The public unit page and post are composed in site, under the names of pages and posts.
    path("", include((site_urls.page_patterns + pages_urls.urlpatterns, "pages"))),
    path("", include((posts_urls.urlpatterns + site_urls.post_patterns, "posts"))),
    path("", include("congdong.campaigns.urls")),
    path("", include("congdong.channels.urls")),
    path("", include("congdong.listening.urls")),
    path("", include("congdong.syndication.urls")),
    path("", include("congdong.engagement.urls")),
    path("", include("congdong.insights.urls")),
    # The people's situation is insights' (a report above feedback) but keeps its addresses'
    # names in the `feedback` namespace (`feedback:situation`, `feedback:situation-unit`).
    path(
        "",
        include((feedback_urls.urlpatterns + situation_views.urls, feedback_urls.app_name)),
    ),
    path("", include("congdong.handbook.urls")),
    path("", include("congdong.takedown.urls")),
    path("", include("congdong.moderation.urls")),
    path("", include("congdong.audit.urls")),
    path("", include("congdong.breaches.urls")),
    path("", include("congdong.privacy.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("congdong.twofactor.urls")),
    # Before the admin's own login form, which would skip the second step of staff sign-in.
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

if settings.SERVE_MEDIA:
    # The embedded default serves uploads itself; at scale they live on S3-compatible storage
    # or the reverse proxy serves MEDIA_ROOT, and CONGDONG_SERVE_MEDIA=false turns this off.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", media_file),
    ]

# A form whose fields pass Django's cap is a 413 with our message, not a bare 400 (core/gate.py).
handler400 = "congdong.core.gate.bad_request"
