"""Word and Excel files built in the background: success, failure, retry and scope."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from docx import Document

from danvan.reports.models import Generation, GenerationStatus, TemplateKind, WordTemplate
from danvan.reports.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def commune_report():
    tree = f.report_tree()
    period = f.open_period(tree)
    report = f.report_of(period, tree.commune_a)
    f.fill(report, {"people_contributions": 7}, results="Kết quả của xã.")
    return tree, report


def _generate(client, report, fmt, capture):
    with capture(execute=True):
        return client.post(
            reverse("reports:generate", args=[report.pk, fmt]), HTTP_HX_REQUEST="true"
        )


def test_word_generation_runs_in_the_background_and_downloads(
    client, commune_report, django_capture_on_commit_callbacks
):
    tree, report = commune_report
    client.force_login(f.officer(tree.commune_a))
    response = _generate(client, report, "docx", django_capture_on_commit_callbacks)
    assert response.status_code == 201
    generation = Generation.objects.get(report=report)
    assert generation.status == GenerationStatus.DONE
    assert generation.attempts == 1
    assert generation.total > 0 and generation.progress == generation.total
    status = client.get(reverse("reports:generation_status", args=[generation.token]))
    assert b'data-status="done"' in status.content
    assert b"hx-trigger" not in status.content  # no more polling
    download = client.get(reverse("reports:generation_download", args=[generation.token]))
    assert download.status_code == 200
    document = Document(io.BytesIO(b"".join(download.streaming_content)))
    assert "Kết quả của xã." in [p.text for p in document.paragraphs]


def test_excel_generation(client, commune_report, django_capture_on_commit_callbacks):
    tree, report = commune_report
    client.force_login(f.officer(tree.commune_a))
    _generate(client, report, "xlsx", django_capture_on_commit_callbacks)
    generation = Generation.objects.get(report=report)
    assert generation.status == GenerationStatus.DONE
    assert generation.file.name.endswith(".xlsx")


def test_a_queued_file_polls_and_shows_its_progress(client, commune_report):
    tree, report = commune_report
    generation = Generation.objects.create(report=report, format="docx", progress=1, total=4)
    client.force_login(f.officer(tree.commune_a))
    response = client.get(reverse("reports:generation_status", args=[generation.token]))
    assert b'hx-trigger="every' in response.content
    assert b"width: 25%" in response.content


def test_a_broken_template_fails_with_its_error_and_can_be_retried(
    client, commune_report, django_capture_on_commit_callbacks
):
    tree, report = commune_report
    broken = WordTemplate.objects.create(
        kind=TemplateKind.STATE, file=ContentFile(b"not a docx", name="broken.docx")
    )
    client.force_login(f.officer(tree.commune_a))
    _generate(client, report, "docx", django_capture_on_commit_callbacks)
    generation = Generation.objects.get(report=report)
    assert generation.status == GenerationStatus.FAILED
    assert generation.error
    status = client.get(reverse("reports:generation_status", args=[generation.token]))
    assert b'data-testid="generation-retry"' in status.content
    assert b'data-testid="generation-error"' in status.content
    # downloading a failed file: nothing there
    url = reverse("reports:generation_download", args=[generation.token])
    assert client.get(url).status_code == 404
    broken.is_active = False
    broken.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:generation_retry", args=[generation.token]), HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    generation.refresh_from_db()
    assert generation.status == GenerationStatus.DONE
    assert generation.attempts == 2
    assert generation.error == ""
    # a done file cannot be retried
    response = client.post(reverse("reports:generation_retry", args=[generation.token]))
    assert response.status_code == 302
    generation.refresh_from_db()
    assert generation.attempts == 2


def test_another_communes_officer_gets_404(
    client, commune_report, django_capture_on_commit_callbacks
):
    tree, report = commune_report
    client.force_login(f.officer(tree.commune_a))
    _generate(client, report, "docx", django_capture_on_commit_callbacks)
    generation = Generation.objects.get(report=report)
    client.force_login(f.officer(tree.commune_b))
    for name in ("generation_status", "generation_download"):
        assert client.get(reverse(f"reports:{name}", args=[generation.token])).status_code == 404
    assert (
        client.post(reverse("reports:generation_retry", args=[generation.token])).status_code == 404
    )
    assert client.post(reverse("reports:generate", args=[report.pk, "docx"])).status_code == 404
    assert Generation.objects.count() == 1
    # the province sees the commune's report and its file
    client.force_login(f.reviewer(tree.province))
    url = reverse("reports:generation_download", args=[generation.token])
    assert client.get(url).status_code == 200


def test_only_administrators_manage_templates_and_a_broken_upload_is_refused(client):
    tree = f.report_tree()
    client.force_login(f.officer(tree.province))
    assert client.get(reverse("reports:template_list")).status_code == 403
    assert client.get(reverse("reports:template_default", args=["state"])).status_code == 403
    client.force_login(f.system_admin())
    assert client.get(reverse("reports:template_list")).status_code == 200
    default = client.get(reverse("reports:template_default", args=["party"]))
    assert default.status_code == 200
    data = default.content
    response = client.post(
        reverse("reports:template_list"),
        {"action": "upload", "kind": "state", "file": ContentFile(b"garbage", name="x.docx")},
    )
    assert response.status_code == 400
    assert b"invalid-feedback" in response.content
    assert not WordTemplate.objects.exists()
    upload = ContentFile(data, name="mine.docx")
    response = client.post(
        reverse("reports:template_list"), {"action": "upload", "kind": "state", "file": upload}
    )
    assert response.status_code == 302
    template = WordTemplate.objects.get()
    assert template.is_active
    client.post(reverse("reports:template_list"), {"action": "deactivate", "template": template.pk})
    template.refresh_from_db()
    assert not template.is_active
