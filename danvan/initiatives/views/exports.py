"""Excel and Word exports: the initiatives list, a registration form, the proposal list.

Each export shows only what its user may see: the list goes through the same selector as
the screen (with the same GET parameters), the documents through ``get_object_for``, so
anything out of scope answers 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.access import get_object_for
from danvan.core.documents import docx_response
from danvan.core.xlsx import Sheet, workbook_response
from danvan.initiatives import selectors
from danvan.initiatives.documents import proposal_initiatives, proposal_list, registration_form
from danvan.initiatives.models import Campaign, Initiative

MAX_ROWS = 20_000


def _initiative_rows(initiatives):
    for index, initiative in enumerate(initiatives, start=1):
        registered = initiative.registered_at
        yield [
            index,
            initiative.name,
            initiative.get_kind_display(),
            initiative.unit.name,
            initiative.field.name,
            initiative.campaign.name,
            initiative.campaign.year,
            initiative.get_status_display(),
            initiative.level.name if initiative.level else "",
            timezone.localtime(registered) if registered else None,
            initiative.replicated_from.name if initiative.replicated_from else "",
            initiative.n_replications,
        ]


@login_required
def export_initiatives_xlsx(request):
    """The initiatives list as a workbook, filtered like the screen (at most 20,000 rows)."""
    filters = selectors.ListFilters.from_params(request.GET)
    initiatives = selectors.initiative_list(request.user, filters)[:MAX_ROWS]
    today = timezone.localdate()
    sheet = Sheet(
        title=_("Initiatives"),
        caption=_("“Dân vận khéo” models and exemplars — exported on %(date)s")
        % {"date": today.strftime("%d/%m/%Y")},
        headers=[
            _("No."),
            _("Name"),
            _("Kind"),
            _("Registering unit"),
            _("Field"),
            _("Campaign"),
            _("Year"),
            _("Status"),
            _("Level"),
            _("Registered at"),
            _("Replicated from"),
            _("Replications"),
        ],
        rows=_initiative_rows(initiatives),
        widths=[6, 50, 16, 30, 22, 40, 8, 20, 16, 18, 40, 12],
    )
    return workbook_response(f"initiatives-{today:%Y%m%d}.xlsx", [sheet])


@login_required
def export_registration_docx(request, pk: int):
    """The registration form of one initiative as a Word document."""
    initiative = get_object_for(
        request.user,
        Initiative.objects.select_related(
            "unit",
            "campaign__unit",
            "field",
            "lead_unit",
            "replicated_from__unit",
            "replicated_from__campaign",
        ).prefetch_related("milestones", "coordinating_units"),
        perm="initiatives.view_initiative",
        pk=pk,
    )
    return docx_response(
        f"Phiếu đăng ký - {initiative.name[:80]}.docx", registration_form(initiative)
    )


@login_required
def export_proposal_docx(request, pk: int):
    """The list of initiatives recognised at a level (``?level=rank``, default 1)."""
    campaign = get_object_for(
        request.user,
        Campaign.objects.select_related("unit"),
        perm="initiatives.change_campaign",
        pk=pk,
    )
    try:
        rank = int(request.GET.get("level", 1))
    except ValueError:
        rank = 1
    level = campaign.levels.filter(rank=rank).first() if 0 < rank < 2**15 else None
    if level is None:
        raise Http404
    data = proposal_list(campaign, level, proposal_initiatives(campaign, level))
    return docx_response(f"Danh sách đề nghị - {level.name} - {campaign.year}.docx", data)


urlpatterns = [
    path("export/initiatives.xlsx", export_initiatives_xlsx, name="export_initiatives_xlsx"),
    path(
        "<int:pk>/export/registration.docx",
        export_registration_docx,
        name="export_registration_docx",
    ),
    path(
        "campaigns/<int:pk>/export/proposal.docx", export_proposal_docx, name="export_proposal_docx"
    ),
]
