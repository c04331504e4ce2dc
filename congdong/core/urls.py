from django.urls import path

from congdong.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("ngon-ngu/<str:code>/", views.language, name="language"),
    path("tai-khoan-cong-dan/", views.citizen_needed, name="citizen-needed"),
]
