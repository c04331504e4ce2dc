from django.urls import path

from congdong.breaches import views

app_name = "breaches"
urlpatterns = [
    path("lam-viec/su-co-du-lieu/", views.breach_list, name="list"),
    path("lam-viec/su-co-du-lieu/ghi-nhan/", views.new, name="new"),
    path("lam-viec/su-co-du-lieu/<int:breach_id>/", views.detail, name="detail"),
    path("lam-viec/su-co-du-lieu/<int:breach_id>/da-thong-bao/", views.notify, name="notify"),
    path("lam-viec/su-co-du-lieu/<int:breach_id>/dong/", views.close, name="close"),
    path("lam-viec/su-co-du-lieu/<int:breach_id>/thong-bao/", views.notice, name="notice"),
]
