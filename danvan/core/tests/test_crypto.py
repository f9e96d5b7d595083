import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from danvan.core import crypto
from danvan.petitions.models import Letter
from danvan.petitions.tests.factories import make_letter


def test_round_trip_and_ciphertext_is_not_clear_text(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["key-one"]
    token = crypto.encrypt("Trần Thị Bí Mật")
    assert token.startswith("enc1:")
    assert "Bí Mật" not in token
    assert crypto.decrypt(token) == "Trần Thị Bí Mật"
    # Fernet is randomised: the same value encrypts differently, so equal names don't show.
    assert crypto.encrypt("Trần Thị Bí Mật") != token


def test_blind_index_ignores_spaces_and_case_and_depends_on_the_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["key-one"]
    first = crypto.blind_index("079 123 456 789")
    assert first == crypto.blind_index("079123456789")
    assert "079123456789" not in first
    settings.FIELD_ENCRYPTION_KEYS = ["key-two"]
    assert crypto.blind_index("079123456789") != first
    assert crypto.blind_index("  ") == ""


def test_a_missing_key_is_a_clear_error(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["key-one"]
    token = crypto.encrypt("secret")
    settings.FIELD_ENCRYPTION_KEYS = ["key-two"]
    with pytest.raises(ImproperlyConfigured):
        crypto.decrypt(token)


def test_key_rotation_with_reseal(tree, settings):
    settings.FIELD_ENCRYPTION_KEYS = ["old-key"]
    letter = make_letter(
        tree.commune_a, kind="denunciation", citizen_name="Lê Văn Kín", citizen_id_number="079111"
    )
    settings.FIELD_ENCRYPTION_KEYS = ["new-key", "old-key"]
    assert Letter.objects.get(pk=letter.pk).citizen_name == "Lê Văn Kín"
    call_command("reseal_identities", verbosity=0)
    settings.FIELD_ENCRYPTION_KEYS = ["new-key"]
    assert Letter.objects.get(pk=letter.pk).citizen_name == "Lê Văn Kín"
    # Duplicate detection keeps working: the blind index follows the new key.
    assert Letter.objects.get(pk=letter.pk).citizen_id_index == crypto.blind_index("079111")
    with connection.cursor() as cursor:
        cursor.execute("SELECT citizen_name FROM petitions_letter WHERE id = %s", [letter.pk])
        (raw,) = cursor.fetchone()
    assert "Kín" not in raw and raw.startswith("enc1:")
