from django.urls import path

from danvan.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.showcase, name="showcase"),
    path("<int:pk>/", views.showcase_detail, name="showcase_detail"),
    path("photo/<str:token>/", views.photo, name="photo"),
]
