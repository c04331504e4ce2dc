from django.urls import path

from congdong.syndication import views

app_name = "syndication"
urlpatterns = [
    path("lam-viec/tin-bai/<int:post_id>/kenh/", views.post_channels, name="post"),
    path("lam-viec/gui-kenh/<int:delivery_id>/gui-lai/", views.again, name="again"),
    path("lam-viec/trang/<int:page_id>/kenh/mac-dinh/", views.page_defaults, name="defaults"),
    path(
        "lam-viec/nhiem-vu/<int:target_id>/dia-chi-bai-ngoai/",
        views.reshare_by_address,
        name="reshare-address",
    ),
]
