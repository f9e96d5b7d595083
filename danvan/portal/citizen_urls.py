from django.urls import path

from danvan.portal import citizen_views

app_name = "public"

urlpatterns = [
    path("submit/", citizen_views.submit, name="submit"),
    path("submitted/<str:code>/", citizen_views.submitted, name="submitted"),
    path("track/", citizen_views.track, name="track"),
    path("dialogues/", citizen_views.public_dialogue_list, name="dialogue_list"),
    path("dialogues/<int:pk>/", citizen_views.public_dialogue_detail, name="dialogue_detail"),
]
