from django.urls import path

from congdong.feedback.views import citizen, situation, staff

app_name = "feedback"
urlpatterns = [
    # --- citizens: sending, "my feedback", tracking by code, public answers --------------------
    # --- staff: the handling queue and an item's handling screen --------------------------------
    # --- analysts: the people's situation (aggregates only) -------------------------------------
]
