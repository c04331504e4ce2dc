from django.urls import path

from congdong.audit import views

app_name = "audit"
urlpatterns = [path("lam-viec/nhat-ky/", views.entry_list, name="list")]
