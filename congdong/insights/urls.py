from congdong.insights.views import urls

app_name = "insights"
urlpatterns = urls
