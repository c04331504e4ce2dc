from django.urls import path

from congdong.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("lam-viec/chien-dich/", views.campaign_list, name="list"),
    path("lam-viec/chien-dich/dem/", views.count, name="count"),
    path("lam-viec/chien-dich/don-vi/", views.picker, name="picker"),
    path("lam-viec/chien-dich/<int:campaign_id>/", views.detail, name="detail"),
    path("lam-viec/chien-dich/<int:campaign_id>/phat-dong/", views.launch, name="launch"),
    path("lam-viec/chien-dich/<int:campaign_id>/ket-thuc/", views.close, name="close"),
    path("lam-viec/chien-dich/nhiem-vu/<int:target_id>/chia-se/", views.reshare, name="reshare"),
]
