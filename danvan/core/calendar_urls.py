from django.urls import path

from danvan.core import calendar_views

app_name = "calendar"

urlpatterns = [
    path("", calendar_views.calendar_year, name="year"),
    path("<int:year>/", calendar_views.calendar_year, name="year_of"),
    path("days/new/", calendar_views.calendar_day_new, name="day_new"),
    path("days/<int:pk>/", calendar_views.calendar_day_edit, name="day_edit"),
    path("days/<int:pk>/delete/", calendar_views.calendar_day_delete, name="day_delete"),
]
