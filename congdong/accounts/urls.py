from django.contrib.auth import views as auth_views
from django.urls import path

from congdong.accounts import views

# The namespace `accounts` also holds pages of higher apps (staff sign-in, the sign-up's consent
# step, the workspace's home): congdong/urls.py composes them with these.
app_name = "accounts"
urlpatterns = [
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("cong-dan/", views.phone_start, name="phone-start"),
    path("cong-dan/xac-minh/", views.phone_verify, name="phone-verify"),
    path("lam-viec/don-vi/<int:unit_id>/", views.workspace_unit, name="workspace-unit"),
    path("lam-viec/don-vi/<int:unit_id>/tim/", views.workspace_search, name="workspace-search"),
    path("lam-viec/don-vi/<int:unit_id>/cap-quyen/", views.grant, name="grant"),
    path("lam-viec/don-vi/<int:unit_id>/tai-khoan-moi/", views.new_staff, name="new-staff"),
    path("lam-viec/vai-tro/<int:membership_id>/thu-hoi/", views.revoke, name="revoke"),
]
