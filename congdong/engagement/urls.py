from congdong.engagement.views import citizens, comments, notifications

app_name = "engagement"
urlpatterns = [*citizens.urls, *comments.urls, *notifications.urls]
