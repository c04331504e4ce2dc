from django.urls import path

from congdong.pages import views, workspace

app_name = "pages"
urlpatterns = [
    path("lam-viec/don-vi/<int:unit_id>/lap-trang/", views.create, name="create"),
    path("lam-viec/trang/<int:page_id>/", views.settings, name="settings"),
    path("lam-viec/trang/<int:page_id>/trang-thai/", views.move, name="move"),
    path("lam-viec/trang/<int:page_id>/hinh-anh/", views.pictures, name="pictures"),
    path("lam-viec/trang/<int:page_id>/dong-quan-tri/", views.add_operator, name="add-operator"),
    path(
        "lam-viec/trang/<int:page_id>/dong-quan-tri/<int:operator_id>/go/",
        views.remove_operator,
        name="remove-operator",
    ),
]

# The staff workspace's home, in the `accounts` namespace (composed in congdong/urls.py).
account_patterns = [
    path("lam-viec/", workspace.workspace, name="workspace"),
]
