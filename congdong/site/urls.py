from django.urls import path

from congdong.site import views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
]

# Composed public pages keep their addresses and names in the namespaces of the apps they
# show (`pages:public`, `posts:public`…): congdong/urls.py adds these to those apps' patterns,
# since no app may import this one.
page_patterns = [
    path("trang/<slug:slug>/", views.public_page, name="public"),
    path("lam-viec/trang/<int:page_id>/xem-truoc/", views.preview, name="preview"),
]
post_patterns = [
    path("trang/<slug:slug>/tin/<int:post_id>/", views.public_post, name="public"),
]
