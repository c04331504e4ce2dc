from django.urls import path

from congdong.takedown import views

app_name = "takedown"
urlpatterns = [
    path("lam-viec/yeu-cau-go-bo/", views.request_list, name="list"),
    path("lam-viec/yeu-cau-go-bo/tiep-nhan/", views.intake, name="intake"),
    path("lam-viec/yeu-cau-go-bo/<int:request_id>/", views.detail, name="detail"),
    path("lam-viec/yeu-cau-go-bo/<int:request_id>/go-bo/", views.act, name="act"),
    path("lam-viec/yeu-cau-go-bo/<int:request_id>/tu-choi/", views.refuse, name="refuse"),
]
