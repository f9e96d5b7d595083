"""The public showcase: what anonymous visitors see of published initiatives, and nothing else."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from danvan.initiatives import services
from danvan.initiatives.models import Assignment, AwardKind, Initiative, Status
from danvan.initiatives.tests.factories import (
    make_campaign,
    make_council,
    make_initiative,
    system_user,
)
from danvan.orgs.tests.factories import make_child, make_root


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg(colour=(200, 30, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, format="JPEG")
    return SimpleUploadedFile("anh.jpg", out.getvalue(), content_type="image/jpeg")


def photo(initiative, *, public: bool, caption: str = "Ra mắt mô hình"):
    return services.add_evidence(
        actor=system_user(), initiative=initiative, upload=jpeg(), caption=caption, is_public=public
    )


def publish(initiative, story="Câu chuyện của mô hình kể cho người dân."):
    return services.set_publication(
        actor=system_user(), initiative=initiative, published=True, story=story
    )


def recognised(campaign, unit, *, publish_it=True, **fields) -> Initiative:
    initiative = make_initiative(campaign, unit, status=Status.RECOGNISED, **fields)
    return publish(initiative) if publish_it else initiative


@pytest.fixture
def campaign(tree):
    return make_campaign(tree.province)


@pytest.fixture
def shown(campaign, tree):
    """A published, rewarded model with a public and a private photo."""
    initiative = make_initiative(
        campaign,
        tree.commune_a,
        status=Status.REWARDED,
        name="Dân vận khéo trong xây dựng nông thôn mới",
        area="Khu phố Vĩnh Phước",
    )
    publish(initiative, story="Bà con cùng làm đường, thắp sáng ngõ xóm.")
    return initiative


def cards(response) -> list[str]:
    return [i.name for i in response.context["page"].object_list]


# ---------------------------------------------------------------- list and detail


@pytest.mark.django_db
def test_anonymous_visitor_sees_the_list_and_the_detail(client, shown):
    public = photo(shown, public=True)
    response = client.get(reverse("portal:showcase"))
    assert response.status_code == 200
    assert cards(response) == [shown.name]
    html = response.content.decode()
    assert reverse("portal:photo", args=[public.token]) in html  # the cover
    assert "Giấy khen" in html and "Cấp cơ sở" in html
    assert 'data-testid="login-button"' in html
    detail = client.get(reverse("portal:showcase_detail", args=[shown.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "Bà con cùng làm đường" in body
    assert "12/QĐ-BCĐ" in body  # the recognition decision
    assert "45/QĐ-UBND" in body and "Chủ tịch UBND" in body  # the award
    assert timezone.localdate().strftime("%d/%m/%Y") in body
    assert "Khu phố Vĩnh Phước" in body


@pytest.mark.django_db
def test_logged_in_users_get_no_login_button_and_everyone_gets_the_footer_link(
    client, shown, province_officer
):
    client.force_login(province_officer)
    html = client.get(reverse("portal:showcase")).content.decode()
    assert 'data-testid="login-button"' not in html
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("portal:showcase")}"' in home


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status",
    [
        Status.DRAFT,
        Status.REGISTERED,
        Status.IN_PROGRESS,
        Status.UNDER_APPRAISAL,
        Status.NOT_RECOGNISED,
        "recognised_unpublished",
        "discontinued_after_publication",
    ],
)
def test_unpublished_initiatives_are_neither_listed_nor_shown(client, campaign, tree, status):
    if status == "recognised_unpublished":
        hidden = recognised(campaign, tree.commune_b, publish_it=False)
    elif status == "discontinued_after_publication":
        hidden = recognised(campaign, tree.commune_b)
        services.discontinue(actor=system_user(), initiative=hidden, reason="Không duy trì")
    else:
        hidden = make_initiative(campaign, tree.commune_b, status=status)
    assert client.get(reverse("portal:showcase")).context["page"].paginator.count == 0
    assert client.get(reverse("portal:showcase_detail", args=[hidden.pk])).status_code == 404


@pytest.mark.django_db
def test_taking_an_initiative_down_removes_it(client, shown):
    services.set_publication(actor=system_user(), initiative=shown, published=False)
    assert cards(client.get(reverse("portal:showcase"))) == []
    assert client.get(reverse("portal:showcase_detail", args=[shown.pk])).status_code == 404


@pytest.mark.django_db
def test_nothing_internal_or_personal_reaches_the_page(client, campaign, tree):
    initiative = make_initiative(
        campaign,
        tree.commune_a,
        status=Status.UNDER_APPRAISAL,
        name="Tổ tự quản an ninh trật tự",
        participants="Liên hệ ông Trần Văn Bí, 0905 123 456",
    )
    assignment = Assignment.objects.get(initiative=initiative)
    council = assignment.council
    criteria = list(council.level.criteria.all())
    for member in council.members.select_related("user"):
        services.save_scores(
            actor=member.user,
            assignment=assignment,
            points={c.pk: c.max_points for c in criteria},
            comments={criteria[0].pk: "Nhận xét nội bộ của thành viên"},
            overall_comment="Đánh giá chung rất riêng tư",
            submit=True,
        )
    services.decide_council(
        actor=system_user(),
        council=council,
        decision_number="7/QĐ-BCĐ",
        decision_date=timezone.localdate(),
        signer="Nguyễn Thị Ký",
    )
    initiative.refresh_from_db()
    private = photo(initiative, public=False, caption="Ảnh nội bộ")
    public = photo(initiative, public=True, caption="Ảnh công khai")
    publish(initiative, story="Câu chuyện công khai.")
    body = client.get(reverse("portal:showcase_detail", args=[initiative.pk])).content.decode()
    assert "Câu chuyện công khai." in body
    assert public.token in body and "Ảnh công khai" in body
    assert initiative.self_assessment and initiative.self_assessment not in body
    for secret in [
        "Nhận xét nội bộ",
        "Đánh giá chung rất riêng tư",
        "Nguyễn Thị Ký",
        "0905 123 456",
        private.token,
        "Ảnh nội bộ",
        initiative.created_by.username,
        initiative.created_by.full_name,
        council.name,
        *[m.user.username for m in council.members.all()],
    ]:
        assert secret not in body, secret
    listing = client.get(reverse("portal:showcase")).content.decode()
    assert private.token not in listing and initiative.created_by.username not in listing


# ---------------------------------------------------------------------- photos


@pytest.mark.django_db
def test_a_public_photo_of_a_published_initiative_is_served_with_cache_headers(client, shown):
    evidence = photo(shown, public=True)
    response = client.get(reverse("portal:photo", args=[evidence.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


@pytest.mark.django_db
def test_private_photos_and_photos_of_unpublished_initiatives_are_not_found(
    client, shown, campaign, tree
):
    private = photo(shown, public=False)
    unpublished = recognised(campaign, tree.commune_b, publish_it=False)
    public_but_unpublished = photo(unpublished, public=True)
    for token in (private.token, public_but_unpublished.token, "0" * 32):
        assert client.get(reverse("portal:photo", args=[token])).status_code == 404


# ------------------------------------------------------------ search and filters


@pytest.fixture
def two_provinces(campaign, tree, shown):
    """Khánh Hòa: ``shown`` (Kinh tế) and a culture one; Hà Nội: an economy one in 2025."""
    culture = recognised(
        campaign,
        tree.commune_b,
        name="Nụ cười công sở",
        kind="exemplar",
        field=campaign.fields.get(name="Văn hóa - xã hội"),
    )
    hanoi = make_root(code="01", name="Thành phố Hà Nội", short_name="Hà Nội")
    ba_dinh = make_child(hanoi, code="00004", name="Phường Ba Đình")
    other = make_campaign(hanoi, year=campaign.year - 1)
    economy = recognised(
        other, ba_dinh, name="Chợ dân sinh văn minh", field=other.fields.get(name="Kinh tế")
    )
    return type(
        "Data", (), {"shown": shown, "culture": culture, "hanoi": hanoi, "economy": economy}
    )


@pytest.mark.django_db
def test_search_ignores_accents(client, two_provinces):
    response = client.get(reverse("portal:showcase"), {"q": "nong thon moi"})
    assert cards(response) == ["Dân vận khéo trong xây dựng nông thôn mới"]
    # The unit's name is searched too.
    assert cards(client.get(reverse("portal:showcase"), {"q": "ba dinh"})) == [
        "Chợ dân sinh văn minh"
    ]


@pytest.mark.django_db
def test_filters_by_province_field_year_and_kind(client, two_provinces, tree):
    url = reverse("portal:showcase")
    data = two_provinces
    response = client.get(url)
    assert [name for _pk, name in response.context["options"]["provinces"]] == [
        "Thành phố Hà Nội",
        "Tỉnh Khánh Hòa",
    ]  # the legacy Ninh Thuận has nothing and is closed
    assert sorted(cards(client.get(url, {"province": tree.province.pk}))) == sorted(
        [data.shown.name, data.culture.name]
    )
    assert cards(client.get(url, {"province": data.hanoi.pk})) == [data.economy.name]
    # Fields are per campaign; the filter is by name across campaigns.
    assert sorted(cards(client.get(url, {"field": "Kinh tế"}))) == sorted(
        [data.shown.name, data.economy.name]
    )
    assert cards(client.get(url, {"year": data.economy.campaign.year})) == [data.economy.name]
    assert cards(client.get(url, {"kind": "exemplar"})) == [data.culture.name]
    assert cards(client.get(url, {"province": tree.province.pk, "field": "Kinh tế"})) == [
        data.shown.name
    ]
    # Malformed values are ignored rather than failing.
    assert len(cards(client.get(url, {"province": "x", "year": "abc", "kind": "?"}))) == 3


@pytest.mark.django_db
def test_the_list_pages_by_twelve_in_a_constant_number_of_queries(
    client, campaign, tree, django_assert_max_num_queries
):
    units = [make_child(tree.province, name=f"Xã Thử {i}") for i in range(13)]
    council = make_council(campaign)
    items = []
    for i, unit in enumerate(units):
        item = make_initiative(campaign, unit, status=Status.SELF_ASSESSED, name=f"Mô hình {i:02}")
        services.send_to_council(actor=system_user(), initiative=item, council=council)
        items.append(item)
    for member in council.members.select_related("user"):
        for assignment in council.assignments.all():
            services.save_scores(
                actor=member.user,
                assignment=assignment,
                points={c.pk: c.max_points for c in council.level.criteria.all()},
                submit=True,
            )
    services.decide_council(
        actor=system_user(),
        council=council,
        decision_number="1/QĐ",
        decision_date=timezone.localdate(),
        signer="Ban Chỉ đạo",
    )
    kind = AwardKind.objects.get(name="Giấy khen")
    for item in items:
        item.refresh_from_db()
        photo(item, public=True)
        services.record_award(
            actor=system_user(),
            initiative=item,
            kind=kind,
            issuer="Chủ tịch UBND tỉnh",
            decision_number=f"{item.pk}/QĐ-UBND",
            decision_date=timezone.localdate(),
            recipient_unit=item.unit,
        )
        publish(item)
    url = reverse("portal:showcase")
    with django_assert_max_num_queries(8):
        first = client.get(url)
    assert len(first.context["page"].object_list) == 12
    assert first.content.decode().count('data-testid="showcase-card"') == 12
    with django_assert_max_num_queries(8):
        second = client.get(url, {"page": 2, "province": tree.province.pk, "field": "Kinh tế"})
    assert len(second.context["page"].object_list) == 1


@pytest.mark.django_db
def test_htmx_requests_get_only_the_results(client, shown):
    response = client.get(reverse("portal:showcase"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert shown.name in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


# ------------------------------------------------------------------ replications


@pytest.mark.django_db
def test_detail_lists_where_the_model_was_replicated(client, campaign, tree, shown):
    province = tree.province
    copies = {
        "published": make_child(province, name="Xã Nhân Rộng Một"),
        "running": make_child(province, name="Xã Nhân Rộng Hai"),
        "draft": make_child(province, name="Xã Bản Nháp"),
        "dropped": make_child(province, name="Xã Đã Dừng"),
    }
    published_copy = recognised(
        campaign, copies["published"], name="Nhân rộng có công bố", replicated_from=shown
    )
    running = make_initiative(
        campaign,
        copies["running"],
        status=Status.IN_PROGRESS,
        name="Nhân rộng đang chạy",
        replicated_from=shown,
    )
    make_initiative(campaign, copies["draft"], name="Nháp", replicated_from=shown)
    make_initiative(
        campaign,
        copies["dropped"],
        status=Status.DISCONTINUED,
        name="Dừng",
        replicated_from=shown,
    )
    grandchild_unit = make_child(province, name="Xã Thế Hệ Hai")
    make_initiative(
        campaign,
        grandchild_unit,
        status=Status.REGISTERED,
        name="Cháu",
        replicated_from=published_copy,
    )
    response = client.get(reverse("portal:showcase_detail", args=[shown.pk]))
    rows = response.context["replications"]
    assert [(r.unit_name, r.generation, r.pk) for r in rows] == [
        ("Xã Nhân Rộng Hai", 1, None),
        ("Xã Nhân Rộng Một", 1, published_copy.pk),
        ("Xã Thế Hệ Hai", 2, None),
    ]
    html = response.content.decode()
    assert reverse("portal:showcase_detail", args=[published_copy.pk]) in html
    assert reverse("portal:showcase_detail", args=[running.pk]) not in html
    assert "Xã Bản Nháp" not in html and "Xã Đã Dừng" not in html
    # The copy links back to the model it replicates.
    back = client.get(reverse("portal:showcase_detail", args=[published_copy.pk]))
    assert back.context["source"].pk == shown.pk
