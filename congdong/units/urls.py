from django.urls import path

from congdong.units import views

app_name = "units"
urlpatterns = [
    path("don-vi/<int:unit_id>/", views.unit_detail, name="detail"),
]
