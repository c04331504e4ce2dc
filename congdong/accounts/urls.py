from django.contrib.auth import views as auth_views
from django.urls import path

from congdong.accounts import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.StaffLoginView.as_view(), name="staff-login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.StaffPasswordChangeView.as_view(), name="password-change"),
    path("cong-dan/", views.phone_start, name="phone-start"),
    path("cong-dan/xac-minh/", views.phone_verify, name="phone-verify"),
    path("cong-dan/ho-so/", views.citizen_profile, name="citizen-profile"),
    path("lam-viec/", views.workspace, name="workspace"),
    path("lam-viec/don-vi/<int:unit_id>/", views.workspace_unit, name="workspace-unit"),
    path("lam-viec/don-vi/<int:unit_id>/tim/", views.workspace_search, name="workspace-search"),
    path("lam-viec/don-vi/<int:unit_id>/cap-quyen/", views.grant, name="grant"),
    path("lam-viec/don-vi/<int:unit_id>/tai-khoan-moi/", views.new_staff, name="new-staff"),
    path("lam-viec/vai-tro/<int:membership_id>/thu-hoi/", views.revoke, name="revoke"),
]
