from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from congdong.core import views

app_name = "core"
urlpatterns = [
    path("ngon-ngu/<str:code>/", views.language, name="language"),
    # Browsers ask for /favicon.ico before (or without) reading the page's <link rel="icon">.
    path("favicon.ico", RedirectView.as_view(url=static(views.FAVICON), permanent=True)),
    path("tai-khoan-cong-dan/", views.citizen_needed, name="citizen-needed"),
]
