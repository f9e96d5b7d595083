from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from danvan.api import citizen_views, initiative_views, plan_views, report_views, views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="api-schema"),
    path("docs/", views.DocsView.as_view(), name="api-docs"),
    path("v1/auth/token/", views.TokenView.as_view(), name="api-token"),
    path("v1/me/", views.MeView.as_view(), name="api-me"),
    path("v1/units/", views.UnitListView.as_view(), name="api-unit-list"),
    # str, not int: a non-numeric id must answer the API's JSON 404, not the HTML one.
    path("v1/units/<str:id>/", views.UnitDetailView.as_view(), name="api-unit-detail"),
    path(
        "v1/units/<str:id>/memberships/",
        views.UnitMembershipListView.as_view(),
        name="api-unit-memberships",
    ),
    # "Dân vận khéo": campaigns, initiatives, councils (ids as str: JSON 404s, as above).
    path("v1/campaigns/", initiative_views.CampaignListView.as_view(), name="api-campaign-list"),
    path(
        "v1/campaigns/<str:id>/",
        initiative_views.CampaignDetailView.as_view(),
        name="api-campaign-detail",
    ),
    path(
        "v1/campaigns/<str:id>/statistics/",
        initiative_views.CampaignStatisticsView.as_view(),
        name="api-campaign-statistics",
    ),
    path(
        "v1/initiatives/",
        initiative_views.InitiativeListView.as_view(),
        name="api-initiative-list",
    ),
    path(
        "v1/initiatives/<str:id>/",
        initiative_views.InitiativeDetailView.as_view(),
        name="api-initiative-detail",
    ),
    path(
        "v1/initiatives/<str:id>/transitions/",
        initiative_views.InitiativeTransitionView.as_view(),
        name="api-initiative-transitions",
    ),
    path(
        "v1/initiatives/<str:id>/timeline/",
        initiative_views.InitiativeTimelineView.as_view(),
        name="api-initiative-timeline",
    ),
    path(
        "v1/councils/<str:id>/assignments/",
        initiative_views.CouncilAssignmentListView.as_view(),
        name="api-council-assignments",
    ),
    path(
        "v1/assignments/<str:id>/scores/",
        initiative_views.AssignmentScoresView.as_view(),
        name="api-assignment-scores",
    ),
    # Citizens: letters (never their sealed identity), receptions, dialogues, disclosure.
    path("v1/letters/", citizen_views.LetterListView.as_view(), name="api-letter-list"),
    path(
        "v1/letters/<str:id>/", citizen_views.LetterDetailView.as_view(), name="api-letter-detail"
    ),
    path(
        "v1/letters/<str:id>/events/",
        citizen_views.LetterEventsView.as_view(),
        name="api-letter-events",
    ),
    path(
        "v1/letters/<str:id>/identity/",
        citizen_views.LetterIdentityView.as_view(),
        name="api-letter-identity",
    ),
    path(
        "v1/letters/<str:id>/transitions/",
        citizen_views.LetterTransitionView.as_view(),
        name="api-letter-transitions",
    ),
    path("v1/receptions/", citizen_views.ReceptionListView.as_view(), name="api-reception-list"),
    path(
        "v1/receptions/<str:id>/",
        citizen_views.ReceptionDetailView.as_view(),
        name="api-reception-detail",
    ),
    path(
        "v1/reception-schedules/",
        citizen_views.ReceptionScheduleListView.as_view(),
        name="api-reception-schedule-list",
    ),
    path("v1/dialogues/", citizen_views.DialogueListView.as_view(), name="api-dialogue-list"),
    path(
        "v1/dialogues/<str:id>/",
        citizen_views.DialogueDetailView.as_view(),
        name="api-dialogue-detail",
    ),
    path(
        "v1/dialogue-requests/",
        citizen_views.DialogueRequestListView.as_view(),
        name="api-dialogue-request-list",
    ),
    path("v1/disclosures/", citizen_views.DisclosureListView.as_view(), name="api-disclosure-list"),
    path(
        "v1/disclosures/<str:id>/",
        citizen_views.DisclosureDetailView.as_view(),
        name="api-disclosure-detail",
    ),
    path(
        "v1/deadlines/compute/",
        citizen_views.DeadlineComputeView.as_view(),
        name="api-deadline-compute",
    ),
    # No login: what a citizen may know of their letter by its tracking code (throttled).
    path(
        "v1/public/track/<str:code>/",
        citizen_views.PublicTrackView.as_view(),
        name="api-public-track",
    ),
    # Plans: legal documents, plans and their chain, tasks, progress, inboxes, activities,
    # coverage requirements (ids as str: JSON 404s, as above).
    path(
        "v1/legal-documents/",
        plan_views.LegalDocumentListView.as_view(),
        name="api-legal-document-list",
    ),
    path(
        "v1/legal-documents/<str:id>/",
        plan_views.LegalDocumentDetailView.as_view(),
        name="api-legal-document-detail",
    ),
    path("v1/plans/", plan_views.PlanListView.as_view(), name="api-plan-list"),
    path("v1/plans/<str:id>/", plan_views.PlanDetailView.as_view(), name="api-plan-detail"),
    path(
        "v1/plans/<str:id>/transitions/",
        plan_views.PlanTransitionView.as_view(),
        name="api-plan-transitions",
    ),
    path(
        "v1/plans/<str:id>/implement/",
        plan_views.PlanCascadeView.as_view(),
        name="api-plan-implement",
    ),
    path("v1/plans/<str:id>/tasks/", plan_views.PlanTaskListView.as_view(), name="api-plan-tasks"),
    path("v1/tasks/<str:id>/", plan_views.TaskDetailView.as_view(), name="api-task-detail"),
    path(
        "v1/tasks/<str:id>/progress/",
        plan_views.TaskProgressView.as_view(),
        name="api-task-progress",
    ),
    path("v1/inbox/", plan_views.InboxView.as_view(), name="api-inbox"),
    path(
        "v1/activity-types/",
        plan_views.ActivityTypeListView.as_view(),
        name="api-activity-type-list",
    ),
    path("v1/activities/", plan_views.ActivityListView.as_view(), name="api-activity-list"),
    path(
        "v1/activities/<str:id>/",
        plan_views.ActivityDetailView.as_view(),
        name="api-activity-detail",
    ),
    path(
        "v1/coverage-requirements/",
        plan_views.RequirementListView.as_view(),
        name="api-requirement-list",
    ),
    path(
        "v1/coverage-requirements/<str:id>/coverage/",
        plan_views.RequirementCoverageView.as_view(),
        name="api-requirement-coverage",
    ),
    # Periodic reports and indicators: the catalogue, targets, periods, reports and their
    # review, roll-ups and dashboard data (ids as str: JSON 404s, as above).
    path("v1/indicators/", report_views.IndicatorListView.as_view(), name="api-indicator-list"),
    path(
        "v1/indicators/<str:id>/",
        report_views.IndicatorDetailView.as_view(),
        name="api-indicator-detail",
    ),
    path("v1/targets/", report_views.TargetListView.as_view(), name="api-target-list"),
    path("v1/targets/<str:id>/", report_views.TargetDetailView.as_view(), name="api-target-detail"),
    path("v1/report-periods/", report_views.PeriodListView.as_view(), name="api-period-list"),
    path(
        "v1/report-periods/<str:id>/",
        report_views.PeriodDetailView.as_view(),
        name="api-period-detail",
    ),
    path(
        "v1/report-periods/<str:id>/open/",
        report_views.PeriodOpenView.as_view(),
        name="api-period-open",
    ),
    path(
        "v1/report-periods/<str:id>/close/",
        report_views.PeriodCloseView.as_view(),
        name="api-period-close",
    ),
    path("v1/reports/", report_views.ReportListView.as_view(), name="api-report-list"),
    path("v1/reports/<str:id>/", report_views.ReportDetailView.as_view(), name="api-report-detail"),
    path(
        "v1/reports/<str:id>/submit/",
        report_views.ReportSubmitView.as_view(),
        name="api-report-submit",
    ),
    path(
        "v1/reports/<str:id>/accept/",
        report_views.ReportAcceptView.as_view(),
        name="api-report-accept",
    ),
    path(
        "v1/reports/<str:id>/return/",
        report_views.ReportReturnView.as_view(),
        name="api-report-return",
    ),
    path(
        "v1/reports/<str:id>/reopen/",
        report_views.ReportReopenView.as_view(),
        name="api-report-reopen",
    ),
    path(
        "v1/reports/<str:id>/rollup/",
        report_views.ReportRollupView.as_view(),
        name="api-report-rollup",
    ),
    path("v1/dashboard/", report_views.DashboardView.as_view(), name="api-dashboard"),
]
