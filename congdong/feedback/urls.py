from django.urls import path

from congdong.feedback.views import citizen, staff

app_name = "feedback"
urlpatterns = [
    # --- citizens: sending, "my feedback", tracking by code, public answers --------------------
    path("phan-anh/gui/", citizen.send, name="send"),
    path("phan-anh/cua-toi/", citizen.mine, name="mine"),
    path("phan-anh/tra-cuu/", citizen.track, name="track"),
    path("phan-anh/<int:feedback_id>/", citizen.item, name="item"),
    path("phan-anh/<int:feedback_id>/mo-lai/", citizen.reopen, name="reopen"),
    path("phan-anh/<int:feedback_id>/dong/", citizen.close, name="close"),
    path("phan-anh/tep/<int:attachment_id>/", citizen.attachment, name="attachment"),
    path("trang/<slug:slug>/tra-loi-phan-anh/", citizen.public_answers, name="public-answers"),
    # --- staff: the handling queue and an item's handling screen --------------------------------
    path("lam-viec/phan-anh/", staff.queue, name="staff-queue"),
    path("lam-viec/phan-anh/<int:feedback_id>/", staff.item_detail, name="staff-item"),
    path("lam-viec/phan-anh/<int:feedback_id>/<slug:slug>/", staff.move, name="staff-move"),
    # The people's situation for analysts (`feedback:situation…`) is insights' own
    # (insights/situation_views.py), composed into this namespace by congdong/urls.py.
]
