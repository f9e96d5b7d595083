import logging

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from danvan.core import history
from danvan.core.access import get_object_for
from danvan.core.models import Notification
from danvan.initiatives.dashboard import dashboard_for
from danvan.kpis.home import kpi_card
from danvan.orgs.selectors import subtree_counts
from danvan.petitions.dashboard import dashboard_for as citizens_dashboard
from danvan.plans.dashboard import plans_dashboard

logger = logging.getLogger(__name__)


@login_required
def home(request):
    unit = request.working_unit
    context = {"unit": unit if unit else None}
    if unit:
        counts = subtree_counts(unit, on=timezone.localdate())
        context["counts"] = counts
        context["chart_labels"] = [str(label) for label, _n in counts["by_kind"]]
        context["chart_values"] = [n for _label, n in counts["by_kind"]]
        context["dvk_cards"] = dashboard_for(unit)
        context["citizens"] = citizens_dashboard(unit, request.user)
        context["plans_card"] = plans_dashboard(unit, request.user, timezone.localdate())
        context["kpis_card"] = kpi_card(unit, request.user)
    return render(request, "core/home.html", context)


@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def object_history(request, label: str, pk: int):
    entry = history.lookup(label)
    if entry is None:
        raise Http404
    obj = get_object_for(request.user, entry.model.objects.all(), perm=entry.perm, pk=pk)
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-pk"))
    page = Paginator(history.changes(records), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "core/object_history.html",
        {"object": obj, "page": page, "model_name": entry.model._meta.verbose_name},
    )


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: the database may be what failed.
    return render(None, "500.html", status=500)


@login_required
def notifications(request):
    """The user's notifications, newest first; opening the page marks them read."""
    items = Notification.objects.filter(user=request.user)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    unread_ids = [n.pk for n in page.object_list if n.read_at is None]
    response = render(request, "core/notifications.html", {"page": page, "unread": set(unread_ids)})
    if unread_ids:
        Notification.objects.filter(pk__in=unread_ids).update(read_at=timezone.now())
    return response
