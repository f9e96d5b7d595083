"""Evidence uploads through the screens: judged by their content, never by their name.

A refused file re-renders the form with everything else that was typed, and saves
nothing: no progress update, no evidence row, no file on disk.
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from PIL import ExifTags, Image

from danvan.core.uploads import ALL_KINDS, KIND_LABELS
from danvan.initiatives.models import Evidence, Initiative, ProgressUpdate, Status
from danvan.initiatives.tests.factories import make_initiative

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_and_media(client, settings, tmp_path):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def running(campaign, tree, client, commune_a_officer) -> Initiative:
    """Commune A's initiative in progress, with its officer logged in."""
    client.force_login(commune_a_officer)
    return make_initiative(
        campaign,
        tree.commune_a,
        status=Status.IN_PROGRESS,
        milestones=[{"title": "Họp dân"}, {"title": "Khởi công"}],
    )


def image_bytes(fmt="JPEG", size=(80, 60), exif=None) -> bytes:
    image = Image.new("RGB", size, (30, 120, 200))
    for x in range(0, size[0], 4):  # some detail, so a cut file misses real data
        image.putpixel((x, x % size[1]), (250, 250, 0))
    out = io.BytesIO()
    if exif is not None:
        image.save(out, format=fmt, exif=exif)
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def docx_bytes() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("Biên bản họp dân khu phố 1")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Hộ tham gia", 120])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def progress_data(**overrides) -> dict:
    data = {
        "date": timezone.localdate().isoformat(),
        "text": "Ra quân làm đường bê tông khu phố 1",
        "figure_label_0": "Hộ tham gia",
        "figure_value_0": "120",
        "captions": "Ngày ra quân",
        "public_photos": "on",
    }
    data.update(overrides)
    return data


def post_progress(client, initiative, *files, **overrides):
    return client.post(
        reverse("initiatives:initiative_progress", args=[initiative.pk]),
        progress_data(files=list(files), **overrides),
    )


def post_evidence(client, initiative, upload, **fields):
    return client.post(
        reverse("initiatives:initiative_evidence", args=[initiative.pk]),
        {"file": upload, **fields},
    )


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def nothing_saved(initiative, media) -> bool:
    return (
        not ProgressUpdate.objects.filter(initiative=initiative).exists()
        and not Evidence.objects.filter(initiative=initiative).exists()
        and stored_files(media) == []
    )


def test_a_png_named_pdf_is_kept_as_a_photo(client, running):
    upload = SimpleUploadedFile("scan.pdf", image_bytes("PNG"), "application/pdf")
    response = post_evidence(client, running, upload, caption="Ảnh chụp", is_public="on")
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.content_type, evidence.is_public) == (
        "photo",
        "image/jpeg",
        True,
    )
    served = client.get(reverse("initiatives:evidence_file", args=[evidence.token]))
    assert served["Content-Type"] == "image/jpeg"
    assert served["Content-Disposition"] == 'inline; filename="scan.jpg"'


def test_only_photos_may_be_public(client, running):
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%test\n", "application/pdf")
    assert post_evidence(client, running, upload, is_public="on").status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.is_public) == ("pdf", False)
    refused = client.post(
        reverse("initiatives:evidence_public", args=[evidence.token]), {"is_public": "1"}
    )
    assert refused.status_code == 302
    evidence.refresh_from_db()
    assert not evidence.is_public


@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_text_file_named_jpg_is_refused_in_the_users_language(
    client, settings, running, english_and_media, language
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    accepted = ", ".join(KIND_LABELS[k] for k in sorted(ALL_KINDS))
    with translation.override(language):
        message = gettext("This file is not an accepted type. Accepted: %(kinds)s.") % {
            "kinds": accepted
        }
    fake = SimpleUploadedFile("anh.jpg", b"Day la mot tep van ban.\n" * 20, "image/jpeg")
    response = post_progress(client, running, fake)
    assert response.status_code == 200
    errors = response.context["form"].errors["files"]
    assert errors == [f"anh.jpg: {message}"]
    assert escape(message) in response.content.decode()
    assert nothing_saved(running, english_and_media)

    single = post_evidence(client, running, SimpleUploadedFile("anh.jpg", b"hello " * 10))
    assert single.status_code == 200
    assert single.context["evidence_form"].errors["file"] == [message]
    assert nothing_saved(running, english_and_media)


def test_a_file_over_the_size_limit_is_refused(client, settings, running, english_and_media):
    settings.UPLOAD_MAX_BYTES = 2000
    big = SimpleUploadedFile("lon.jpg", image_bytes(size=(400, 400)), "image/jpeg")
    assert big.size > 2000
    response = post_progress(client, running, big)
    assert response.status_code == 200
    (error,) = response.context["form"].errors["files"]
    assert error.startswith("lon.jpg: The file is ")
    assert "the largest accepted is 2.0" in error  # "2.0 KB"
    assert nothing_saved(running, english_and_media)


def test_a_truncated_jpeg_is_refused(client, running, english_and_media):
    whole = image_bytes(size=(200, 150))
    cut = SimpleUploadedFile("cat.jpg", whole[: len(whole) // 2], "image/jpeg")
    response = post_progress(client, running, cut)
    assert response.status_code == 200
    assert response.context["form"].errors["files"] == [
        "cat.jpg: This image is damaged or incomplete."
    ]
    assert nothing_saved(running, english_and_media)


def test_one_bad_file_refuses_the_whole_update(client, running, english_and_media):
    good = SimpleUploadedFile("tot.jpg", image_bytes(), "image/jpeg")
    bad = SimpleUploadedFile("xau.jpg", b"not an image at all", "image/jpeg")
    response = post_progress(client, running, good, bad)
    assert response.status_code == 200
    assert nothing_saved(running, english_and_media)


def test_real_word_and_excel_files_are_accepted(client, running):
    response = post_progress(
        client,
        running,
        SimpleUploadedFile("Biên bản.docx", docx_bytes()),
        SimpleUploadedFile("Số liệu.xlsx", xlsx_bytes()),
        captions="Biên bản\nSố liệu",
    )
    assert response.status_code == 302
    evidence = {e.kind: e for e in Evidence.objects.all()}
    assert set(evidence) == {"word", "excel"}
    assert evidence["word"].caption == "Biên bản"
    assert evidence["excel"].caption == "Số liệu"
    # Files that are not photos are never public, whatever the box said.
    assert not any(e.is_public for e in evidence.values())
    for kind, name in [("word", "Biên bản.docx"), ("excel", "Số liệu.xlsx")]:
        served = client.get(reverse("initiatives:evidence_file", args=[evidence[kind].token]))
        assert served.status_code == 200
        assert served["Content-Disposition"].startswith("attachment")
        assert quote(name) in served["Content-Disposition"]
        assert served["Content-Type"] == evidence[kind].content_type
        assert b"".join(served.streaming_content).startswith(b"PK\x03\x04")
    html = client.get(running.get_absolute_url()).content.decode()
    assert "Biên bản.docx" in html


def test_the_rest_of_the_form_is_kept_on_refusal(client, running):
    first = running.milestones.get(title="Họp dân")
    response = post_progress(
        client,
        running,
        SimpleUploadedFile("anh.jpg", b"plain text", "image/jpeg"),
        text="Vận động 45 hộ hiến đất",
        figure_label_1="Mét vuông đất hiến",
        figure_value_1="1250",
        captions="Lễ ra quân",
        milestones_done=[str(first.pk)],
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vận động 45 hộ hiến đất" in html
    assert 'value="Mét vuông đất hiến"' in html
    assert 'value="1250"' in html
    assert "Lễ ra quân" in html
    assert f'value="{timezone.localdate().isoformat()}"' in html
    form = response.context["form"]
    assert form["public_photos"].value() is True
    assert form["milestones_done"].value() == [str(first.pk)]
    assert re.search(rf'<input[^>]*name="milestones_done" value="{first.pk}"[^>]*checked', html)
    first.refresh_from_db()
    assert first.done_on is None


def test_the_stored_public_photo_carries_no_gps(client, running):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (12.0, 14.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (109.0, 11.0, 0.0),
    }
    original = image_bytes(exif=exif)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    response = post_progress(client, running, SimpleUploadedFile("gps.jpg", original, "image/jpeg"))
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.is_public
    with evidence.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    exif_after = stored.getexif()
    assert exif_after.get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert ExifTags.Base.Make not in exif_after
    assert stored.size == (80, 60)
