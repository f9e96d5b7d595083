"""Plans, tasks, legal documents, activities and coverage requirements: /plans/…"""

from django.urls import path

from danvan.plans.views import activities, coverage, documents, imports, plan_detail, plans, tasks

app_name = "plans"

urlpatterns = [
    # Plans: list, create, edit (draft), sections, legal basis, attachments.
    path("", plans.plan_list, name="plan_list"),
    path("plans.xlsx", plans.plan_list_xlsx, name="plan_list_xlsx"),
    path("new/", plans.plan_new, name="plan_new"),
    path("<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("<int:pk>/sections/new/", plans.section_new, name="section_new"),
    path("sections/<int:pk>/edit/", plans.section_edit, name="section_edit"),
    path("sections/<int:pk>/delete/", plans.section_delete, name="section_delete"),
    path("sections/<int:pk>/move/", plans.section_move, name="section_move"),
    path("<int:pk>/bases/add/", plans.basis_add, name="basis_add"),
    path("bases/<int:pk>/remove/", plans.basis_remove, name="basis_remove"),
    path("<int:pk>/attachments/add/", plans.attachment_add, name="attachment_add"),
    path("files/<str:token>/", plans.attachment_download, name="attachment_download"),
    # One plan: the page with its chain, issue/close, cascade, Word and Excel output.
    path("<int:pk>/", plan_detail.plan_detail, name="plan_detail"),
    path("<int:pk>/issue/", plan_detail.plan_issue, name="plan_issue"),
    path("<int:pk>/close/", plan_detail.plan_close, name="plan_close"),
    path("<int:pk>/implement/", plan_detail.plan_cascade, name="plan_cascade"),
    path("<int:pk>/word/", plan_detail.plan_word, name="plan_word"),
    path("<int:pk>/tasks.xlsx", plan_detail.plan_tasks_xlsx, name="plan_tasks_xlsx"),
    # Tasks: form (in a draft plan), page, progress, cancel; a unit's inbox.
    path("<int:pk>/tasks/new/", tasks.task_new, name="task_new"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", tasks.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", tasks.task_delete, name="task_delete"),
    path("tasks/<int:pk>/progress/", tasks.task_progress, name="task_progress"),
    path("tasks/<int:pk>/cancel/", tasks.task_cancel, name="task_cancel"),
    path("inbox/", tasks.inbox, name="inbox"),
    path("inbox.xlsx", tasks.inbox_xlsx, name="inbox_xlsx"),
    # The legal documents register.
    path("documents/", documents.document_list, name="document_list"),
    path("documents/new/", documents.document_new, name="document_new"),
    path("documents/lookup/", documents.document_lookup, name="document_lookup"),
    path("documents/<int:pk>/", documents.document_detail, name="document_detail"),
    path("documents/<int:pk>/edit/", documents.document_edit, name="document_edit"),
    # Import a plan from Word or pasted text: upload, review the proposal, save.
    path("import/", imports.import_start, name="import_start"),
    path("import/review/", imports.import_review, name="import_review"),
    # Activities and their configurable types.
    path("activities/", activities.activity_list, name="activity_list"),
    path("activities.xlsx", activities.activity_list_xlsx, name="activity_list_xlsx"),
    path("activities/new/", activities.activity_new, name="activity_new"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", activities.activity_edit, name="activity_edit"),
    path("activities/types/", activities.type_list, name="activity_type_list"),
    path("activities/types/new/", activities.type_new, name="activity_type_new"),
    path("activities/types/<int:pk>/edit/", activities.type_edit, name="activity_type_edit"),
    # Coverage requirements: "100% of party cells hold the themed meeting in 10/2026".
    path("coverage/", coverage.requirement_list, name="requirement_list"),
    path("coverage/new/", coverage.requirement_new, name="requirement_new"),
    path("coverage/<int:pk>/", coverage.requirement_detail, name="requirement_detail"),
    path("coverage/<int:pk>/edit/", coverage.requirement_edit, name="requirement_edit"),
    path("coverage/<int:pk>/coverage.xlsx", coverage.requirement_xlsx, name="requirement_xlsx"),
]
