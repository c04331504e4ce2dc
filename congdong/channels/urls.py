from django.urls import path

from congdong.channels import views

app_name = "channels"
urlpatterns = [
    path("lam-viec/trang/<int:page_id>/kenh/", views.page_channels, name="page"),
    path(
        "lam-viec/trang/<int:page_id>/kenh/facebook/", views.facebook_start, name="facebook-start"
    ),
    path("lam-viec/kenh/facebook/ket-noi/", views.facebook_callback, name="facebook-callback"),
    path("lam-viec/kenh/facebook/chon/", views.facebook_pick, name="facebook-pick"),
    path("lam-viec/trang/<int:page_id>/kenh/zalo/", views.zalo_start, name="zalo-start"),
    path("lam-viec/kenh/zalo/ket-noi/", views.zalo_callback, name="zalo-callback"),
    path("lam-viec/trang/<int:page_id>/kenh/website/", views.add_website, name="add-website"),
    path("lam-viec/kenh/<int:link_id>/kiem-tra/", views.check, name="check"),
    path("lam-viec/kenh/<int:link_id>/ngat/", views.disconnect, name="disconnect"),
    path("lam-viec/trang-gia-mao/<int:report_id>/", views.decide_report, name="decide-report"),
    path("lam-viec/don-vi/<int:unit_id>/kenh/", views.health, name="health"),
    path("trang/<slug:slug>/bao-trang-gia-mao/", views.report_fake, name="report-fake"),
    path("trang/<slug:slug>/kenh-chinh-thuc/", views.official, name="official"),
    path("don-vi/<int:unit_id>/kenh-chinh-thuc/", views.directory, name="directory"),
]
