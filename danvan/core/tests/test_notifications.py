import pytest
from django.core import mail
from django.urls import reverse

from danvan.core.models import Notification
from danvan.core.notify import notify


@pytest.mark.django_db(transaction=True)
def test_notify_records_and_mails_after_commit(tree, commune_a_officer):
    assert notify(users=[commune_a_officer], text="Có việc mới", url="/initiatives/") == 1
    assert Notification.objects.get(user=commune_a_officer).text == "Có việc mới"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [commune_a_officer.email]
    assert "Có việc mới" in mail.outbox[0].subject


def test_bell_counts_unread_and_the_page_marks_them_read(client, tree, commune_a_officer):
    notify(users=[commune_a_officer], text="Hồ sơ đã được tiếp nhận", url="/", email=False)
    client.force_login(commune_a_officer)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="bell"' in home
    assert 'text-bg-warning ms-1">1<' in home
    page = client.get(reverse("notifications")).content.decode()
    assert "Hồ sơ đã được tiếp nhận" in page
    assert Notification.objects.unread().count() == 0
    assert 'text-bg-warning ms-1">' not in client.get(reverse("home")).content.decode()


def test_nobody_reads_another_users_notifications(
    client, tree, commune_a_officer, commune_b_officer
):
    notify(users=[commune_a_officer], text="Riêng của Nha Trang", email=False)
    client.force_login(commune_b_officer)
    assert "Riêng của Nha Trang" not in client.get(reverse("notifications")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_muted_notifications_are_recorded_without_mail(tree, commune_a_officer):
    from danvan.core.notify import emails_muted

    with emails_muted():
        notify(users=[commune_a_officer], text="Dữ liệu mẫu")
    assert Notification.objects.filter(user=commune_a_officer).count() == 1
    assert mail.outbox == []
