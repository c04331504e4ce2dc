from django.urls import path

from congdong.privacy import views

app_name = "privacy"
urlpatterns = [
    path("chinh-sach-bao-ve-du-lieu/", views.policy_page, name="policy"),
    path(
        "chinh-sach-bao-ve-du-lieu/phien-ban/<str:version>/",
        views.policy_page,
        name="policy-version",
    ),
    path("cong-dan/du-lieu-ca-nhan/", views.my_data, name="mine"),
    path("cong-dan/du-lieu-ca-nhan/tai-ve/", views.download, name="download"),
    path("cong-dan/du-lieu-ca-nhan/sua/", views.correct, name="correct"),
    path("cong-dan/du-lieu-ca-nhan/xoa-tai-khoan/", views.delete_account, name="delete"),
    path("cong-dan/du-lieu-ca-nhan/yeu-cau/", views.new_request, name="new-request"),
    path("cong-dan/du-lieu-ca-nhan/ban-tin/", views.give_digest, name="give-digest"),
    path(
        "cong-dan/du-lieu-ca-nhan/dong-y/<int:consent_id>/rut-lai/",
        views.withdraw,
        name="withdraw",
    ),
    path("lam-viec/du-lieu-ca-nhan/", views.staff_list, name="staff-list"),
    path("lam-viec/du-lieu-ca-nhan/<int:request_id>/", views.staff_detail, name="staff-detail"),
    path(
        "lam-viec/du-lieu-ca-nhan/<int:request_id>/tiep-nhan/",
        views.staff_take,
        name="staff-take",
    ),
    path(
        "lam-viec/du-lieu-ca-nhan/<int:request_id>/tra-loi/",
        views.staff_answer,
        name="staff-answer",
    ),
    path(
        "lam-viec/du-lieu-ca-nhan/<int:request_id>/tu-choi/",
        views.staff_refuse,
        name="staff-refuse",
    ),
]

# The sign-up's profile and consent step, in the `accounts` namespace (composed in
# congdong/urls.py).
account_patterns = [
    path("cong-dan/ho-so/", views.citizen_profile, name="citizen-profile"),
]
