from django.urls import path

from danvan.dialogues.views import dialogues, disclosure

app_name = "dialogues"

urlpatterns = [
    path("", dialogues.dialogue_list, name="dialogue_list"),
    path("new/", dialogues.dialogue_new, name="dialogue_new"),
    path("export.xlsx", dialogues.dialogue_export, name="dialogue_export"),
    path("<int:pk>/", dialogues.dialogue_detail, name="dialogue_detail"),
    path("<int:pk>/edit/", dialogues.dialogue_edit, name="dialogue_edit"),
    path("<int:pk>/publish/", dialogues.dialogue_publish, name="dialogue_publish"),
    path("<int:pk>/requests/new/", dialogues.request_new, name="request_new"),
    path("requests/", dialogues.request_list, name="request_list"),
    path("requests/<int:pk>/", dialogues.request_detail, name="request_detail"),
    path("requests/<int:pk>/letter/", dialogues.request_letter, name="request_letter"),
    path("requests/<int:pk>/answer/", dialogues.request_answer, name="request_answer"),
    path("requests/<int:pk>/publish/", dialogues.request_publish, name="request_publish"),
    path("requirements/", dialogues.requirement_list, name="requirement_list"),
    path("requirements/new/", dialogues.requirement_new, name="requirement_new"),
    path("requirements/<int:pk>/", dialogues.requirement_detail, name="requirement_detail"),
    path("disclosure/", disclosure.disclosure_list, name="disclosure_list"),
    path("disclosure/new/", disclosure.disclosure_new, name="disclosure_new"),
    path("disclosure/export.xlsx", disclosure.disclosure_export, name="disclosure_export"),
    path("disclosure/<int:pk>/", disclosure.disclosure_detail, name="disclosure_detail"),
    path("disclosure/<int:pk>/edit/", disclosure.disclosure_edit, name="disclosure_edit"),
]
