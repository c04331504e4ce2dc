from django.urls import path

from congdong.handbook import views

app_name = "handbook"
urlpatterns = [
    path("lam-viec/so-tay/", views.index, name="index"),
    path("lam-viec/so-tay/<slug:slug>/", views.page, name="page"),
    path("lam-viec/so-tay/<slug:slug>/sua/", views.edit, name="edit"),
    path("lam-viec/so-tay/<slug:slug>/lich-su/", views.history, name="history"),
    path("lam-viec/so-tay/<slug:slug>/lich-su/so-sanh/", views.compare, name="compare"),
    path("lam-viec/so-tay/<slug:slug>/lich-su/<int:number>/", views.revision, name="revision"),
    path(
        "lam-viec/so-tay/<slug:slug>/lich-su/<int:number>/quyet-dinh/",
        views.revision_decide,
        name="revision-decide",
    ),
    path("lam-viec/trao-doi/", views.board, name="board"),
    path("lam-viec/trao-doi/<int:post_id>/", views.board_post, name="board-post"),
    path("lam-viec/trao-doi/<int:post_id>/tra-loi/", views.board_reply, name="board-reply"),
    path("lam-viec/trao-doi/<int:post_id>/quyet-dinh/", views.board_decide, name="board-decide"),
]
