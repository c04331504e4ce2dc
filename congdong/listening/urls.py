from django.urls import path

from congdong.listening import views

app_name = "listening"
urlpatterns = [
    path("webhook/facebook/", views.facebook_webhook, name="facebook-webhook"),
    path("webhook/zalo/", views.zalo_webhook, name="zalo-webhook"),
    path("lam-viec/trang/<int:page_id>/lang-nghe/", views.page_inbox, name="page"),
    path("lam-viec/don-vi/<int:unit_id>/lang-nghe/", views.unit_inbox, name="unit"),
    path("lam-viec/lang-nghe/<int:message_id>/tra-loi/", views.answer, name="answer"),
    path("lam-viec/lang-nghe/<int:message_id>/an/", views.hide, name="hide"),
]
