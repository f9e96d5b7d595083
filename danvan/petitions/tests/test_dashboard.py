import datetime as dt

from django.urls import reverse
from django.utils import timezone

from danvan.petitions.tests.factories import make_letter


def test_dashboard_counts_overdue_letters_of_the_working_unit_only(
    client, tree, commune_a_officer, commune_b_officer
):
    long_ago = timezone.localdate() - dt.timedelta(days=60)
    make_letter(tree.commune_a, received_on=long_ago)  # acceptance due long past
    make_letter(tree.commune_a)
    make_letter(tree.commune_b, received_on=long_ago)

    client.force_login(commune_a_officer)
    response = client.get(reverse("home"))
    assert response.context["citizens"]["open"] == 2
    assert response.context["citizens"]["overdue"] == 1

    client.force_login(commune_b_officer)
    response = client.get(reverse("home"))
    assert response.context["citizens"]["open"] == 1
