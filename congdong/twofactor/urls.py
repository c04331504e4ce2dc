from django.urls import path

from congdong.twofactor import views

app_name = "twofactor"
urlpatterns = [
    path("dang-nhap/ma-xac-thuc/", views.code_step, name="code"),
    path("lam-viec/dang-nhap-hai-buoc/", views.settings_page, name="settings"),
    path("lam-viec/dang-nhap-hai-buoc/bat-dau/", views.start, name="start"),
    path("lam-viec/dang-nhap-hai-buoc/xac-nhan/", views.confirm, name="confirm"),
    path("lam-viec/dang-nhap-hai-buoc/ma-du-phong/", views.recovery_codes, name="recovery-codes"),
    path("lam-viec/dang-nhap-hai-buoc/tat/", views.disable, name="disable"),
]

# The password steps of staff sign-in, in the `accounts` namespace (composed in congdong/urls.py).
account_patterns = [
    path("dang-nhap/", views.StaffLoginView.as_view(), name="staff-login"),
    path("doi-mat-khau/", views.StaffPasswordChangeView.as_view(), name="password-change"),
]
