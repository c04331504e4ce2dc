from congdong.insights import dashboard_views
from congdong.insights.exports import views as export_views
from congdong.insights.views import urls

app_name = "insights"
urlpatterns = urls + dashboard_views.urls + export_views.urls
