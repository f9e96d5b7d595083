from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from danvan.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("notifications/", core_views.notifications, name="notifications"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("danvan.orgs.account_urls")),
    path("units/", include("danvan.orgs.urls")),
    path("history/", include("danvan.core.urls")),
    path("initiatives/", include("danvan.initiatives.urls")),
    path("showcase/", include("danvan.portal.urls")),
    path("public/", include("danvan.portal.citizen_urls")),
    path("citizens/", include("danvan.petitions.urls")),
    path("dialogues/", include("danvan.dialogues.urls")),
    path("plans/", include("danvan.plans.urls")),
    path("reports/", include("danvan.reports.urls")),
    path("kpis/", include("danvan.kpis.urls")),
    path("calendar/", include("danvan.core.calendar_urls")),
    path("api/", include("danvan.api.urls")),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "danvan.core.views.permission_denied"
handler404 = "danvan.core.views.page_not_found"
handler500 = "danvan.core.views.server_error"
