from django.urls import path

from danvan.petitions.views import deadlines, letter_lists, letters, reception, reports

app_name = "petitions"

urlpatterns = [
    # Letters (đơn thư)
    path("letters/", letter_lists.letter_list, name="letter_list"),
    path("letters/new/", letters.letter_new, name="letter_new"),
    path("letters/duplicates/", letters.letter_duplicates, name="letter_duplicates"),
    path("letters/link/", letters.letter_link, name="letter_link"),
    path("letters/export.xlsx", letter_lists.letter_export, name="letter_export"),
    path("letters/<int:pk>/", letters.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/identity/", letters.letter_identity, name="letter_identity"),
    path("letters/<int:pk>/<slug:action>/", letters.letter_action, name="letter_action"),
    path("letters/documents/<int:pk>/", letters.letter_document, name="letter_document"),
    # Follow-up and statistics
    path("overdue/", reports.overdue_list, name="overdue_list"),
    path("backlog/", reports.backlog, name="backlog"),
    path("statistics/", reports.statistics, name="statistics"),
    path("statistics.xlsx", reports.statistics_export, name="statistics_export"),
    path("identity-log/", reports.identity_log, name="identity_log"),
    # Legal clocks
    path("rules/", deadlines.rule_list, name="rule_list"),
    path("rules/new/", deadlines.rule_new, name="rule_new"),
    path("rules/<int:pk>/", deadlines.rule_edit, name="rule_edit"),
    path("deadlines/", deadlines.deadline_compute, name="deadline_compute"),
    # Citizen reception
    path("reception/", reception.reception_list, name="reception_list"),
    path("reception/new/", reception.reception_new, name="reception_new"),
    path("reception/export.xlsx", reception.reception_export, name="reception_export"),
    path("reception/<int:pk>/", reception.reception_detail, name="reception_detail"),
    path("reception/<int:pk>/edit/", reception.reception_edit, name="reception_edit"),
    path("reception/schedules/", reception.schedule_list, name="schedule_list"),
    path("reception/schedules/new/", reception.schedule_new, name="schedule_new"),
    path("reception/schedules/<int:pk>/", reception.schedule_edit, name="schedule_edit"),
    path("reception/compliance/", reception.reception_compliance, name="reception_compliance"),
]
