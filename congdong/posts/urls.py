from django.urls import path

from congdong.posts import views

app_name = "posts"
urlpatterns = [
    path("lam-viec/tin-bai/", views.desk, name="desk"),
    path("lam-viec/tin-bai/<int:post_id>/", views.detail, name="detail"),
    path("lam-viec/tin-bai/<int:post_id>/chuyen/", views.move, name="move"),
    path("lam-viec/tin-bai/<int:post_id>/dang/", views.publish, name="publish"),
    path("lam-viec/tin-bai/<int:post_id>/sua-doi/", views.revise, name="revise"),
    path("lam-viec/tin-bai/<int:post_id>/tep/", views.add_media, name="add-media"),
    path("lam-viec/tin-bai/anh-trong-bai/", views.inline_picture, name="inline-picture"),
    path(
        "lam-viec/tin-bai/<int:post_id>/tep/<str:kind>/<int:media_id>/xoa/",
        views.remove_media,
        name="remove-media",
    ),
    path("lam-viec/duyet-tin/", views.queue, name="queue"),
    path("lam-viec/duyet-tin/<int:post_id>/duyet/", views.approve, name="approve"),
    path("lam-viec/duyet-tin/<int:post_id>/tra-lai/", views.reject, name="reject"),
    path(
        "lam-viec/duyet-tin/sua-doi/<int:revision_id>/duyet/",
        views.approve_revision,
        name="approve-revision",
    ),
    path(
        "lam-viec/duyet-tin/sua-doi/<int:revision_id>/tra-lai/",
        views.reject_revision,
        name="reject-revision",
    ),
    # A post's files, by their own addresses: public once the post is, staff-only before.
    path("tep/tin-bai/anh/<int:image_id>/", views.image, name="image"),
    path("tep/tin-bai/tai-lieu/<int:document_id>/", views.document, name="document"),
]
