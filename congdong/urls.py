from django.contrib import admin
from django.urls import include, path

from congdong.api import api

urlpatterns = [
    path("", include("congdong.core.urls")),
    path("", include("congdong.units.urls")),
    path("", include("congdong.accounts.urls")),
    path("", include("congdong.pages.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
