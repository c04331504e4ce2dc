from django.urls import path

from congdong.moderation import views

app_name = "moderation"
urlpatterns = [
    path("bao-cao/binh-luan/<int:comment_id>/", views.report_comment, name="report-comment"),
    path("bao-cao/bai-viet/<int:post_id>/", views.report_post, name="report-post"),
    path("cong-dan/vi-pham/", views.my_cases, name="mine"),
    path("cong-dan/vi-pham/<int:case_id>/khang-nghi/", views.appeal, name="appeal"),
    path("lam-viec/kiem-duyet/", views.queue, name="queue"),
    path("lam-viec/kiem-duyet/khang-nghi/", views.appeals, name="appeals"),
    path(
        "lam-viec/kiem-duyet/khang-nghi/<int:appeal_id>/",
        views.decide_appeal,
        name="decide-appeal",
    ),
]
