"""The four defences of the public forms, one by one, without a browser or a view."""

import pytest
from django.core.cache import cache
from django.core.signing import TimestampSigner
from django.test import RequestFactory

from danvan.portal import antiabuse
from danvan.portal.antiabuse import StampProblem

T0 = 1_800_000_000.0  # a fixed moment; every call below passes its own clock


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


# ---------------------------------------------------------------- honeypot


def test_honeypot_empty_is_a_person_filled_is_a_bot():
    assert not antiabuse.is_bot({})
    assert not antiabuse.is_bot({"website": ""})
    assert not antiabuse.is_bot({"website": "   "})
    assert antiabuse.is_bot({"website": "http://spam.example"})


# ---------------------------------------------------------------- signed form time


def test_stamp_accepted_between_three_seconds_and_two_hours():
    stamp = antiabuse.issue_stamp("public-submit", now=T0)
    assert antiabuse.check_stamp(stamp, "public-submit", now=T0 + 3) is None
    assert antiabuse.check_stamp(stamp, "public-submit", now=T0 + 2 * 3600) is None


def test_stamp_sent_too_fast_is_refused():
    stamp = antiabuse.issue_stamp("public-submit", now=T0)
    assert antiabuse.check_stamp(stamp, "public-submit", now=T0) == StampProblem.TOO_FAST
    assert antiabuse.check_stamp(stamp, "public-submit", now=T0 + 2.9) == StampProblem.TOO_FAST


def test_stamp_older_than_two_hours_has_expired():
    stamp = antiabuse.issue_stamp("public-submit", now=T0)
    later = T0 + 2 * 3600 + 1
    assert antiabuse.check_stamp(stamp, "public-submit", now=later) == StampProblem.EXPIRED


def test_stamp_missing_forged_or_of_another_form_is_invalid():
    stamp = antiabuse.issue_stamp("public-submit", now=T0)
    assert antiabuse.check_stamp("", "public-submit", now=T0 + 10) == StampProblem.MISSING
    assert antiabuse.check_stamp(None, "public-submit", now=T0 + 10) == StampProblem.MISSING
    tampered = stamp[:-1] + ("A" if stamp[-1] != "A" else "B")
    assert antiabuse.check_stamp(tampered, "public-submit", now=T0 + 10) == StampProblem.INVALID
    assert antiabuse.check_stamp("garbage", "public-submit", now=T0 + 10) == StampProblem.INVALID
    assert antiabuse.check_stamp(stamp, "other-form", now=T0 + 10) == StampProblem.INVALID


def test_stamp_signed_with_another_salt_is_invalid():
    # A TimestampSigner value from elsewhere in the site cannot be replayed here.
    foreign = TimestampSigner(salt="something.else").sign("public-submit")
    assert antiabuse.check_stamp(foreign, "public-submit") == StampProblem.INVALID


# ---------------------------------------------------------------- rate limits


def test_hit_allows_the_limit_then_refuses():
    results = [antiabuse.hit("lookup", "203.0.113.5", 3, now=T0 + i) for i in range(5)]
    assert results == [True, True, True, False, False]


def test_limits_are_per_client_and_per_scope():
    for _ in range(3):
        antiabuse.record("submit", "203.0.113.5", now=T0)
    assert antiabuse.is_limited("submit", "203.0.113.5", 3, now=T0)
    assert not antiabuse.is_limited("submit", "203.0.113.6", 3, now=T0)
    assert not antiabuse.is_limited("lookup", "203.0.113.5", 3, now=T0)


def test_is_limited_does_not_count():
    for _ in range(10):
        assert not antiabuse.is_limited("submit", "198.51.100.1", 1, now=T0)
    assert antiabuse.count("submit", "198.51.100.1", now=T0) == 0


def test_the_counter_starts_again_the_next_hour():
    start = T0 - T0 % antiabuse.WINDOW_SECONDS  # the start of an hour
    for _ in range(2):
        antiabuse.record("submit", "198.51.100.1", now=start + 10)
    assert antiabuse.is_limited("submit", "198.51.100.1", 2, now=start + 3599)
    assert not antiabuse.is_limited("submit", "198.51.100.1", 2, now=start + 3600)
    assert antiabuse.retry_after(now=start + 3599) == 2


def test_the_cache_key_holds_no_readable_address():
    antiabuse.record("lookup", "203.0.113.77", now=T0)
    key = antiabuse._rate_key("lookup", "203.0.113.77", T0)
    assert "203.0.113.77" not in key
    assert cache.get(key) == 1


def test_client_address_is_remote_addr():
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert antiabuse.client_address(request) == "192.0.2.9"


# ---------------------------------------------------------------- repeat filings


CONTENT = "Đường liên thôn bị sạt lở sau mưa lớn, đề nghị sửa chữa."


def test_same_content_and_phone_is_a_repeat_within_a_day():
    assert antiabuse.claim_submission(CONTENT, "0905 123 456")
    assert antiabuse.is_repeat(CONTENT, "0905123456")
    assert not antiabuse.claim_submission(CONTENT, "0905123456")
    # Accents, case, spacing and the +84 prefix do not make it new.
    assert not antiabuse.claim_submission(
        "duong lien thon  bi sat lo sau mua lon, de nghi sua chua.", "+84 905 123 456"
    )


def test_other_content_or_other_phone_is_not_a_repeat():
    assert antiabuse.claim_submission(CONTENT, "0905123456")
    assert antiabuse.claim_submission(CONTENT + " Gấp.", "0905123456")
    assert antiabuse.claim_submission(CONTENT, "0905999999")


def test_released_claim_can_be_sent_again():
    assert antiabuse.claim_submission(CONTENT, "0905123456")
    antiabuse.release_submission(CONTENT, "0905123456")
    assert not antiabuse.is_repeat(CONTENT, "0905123456")
    assert antiabuse.claim_submission(CONTENT, "0905123456")


def test_the_cache_never_holds_the_content_or_the_phone():
    antiabuse.claim_submission(CONTENT, "0905123456")
    key = antiabuse._repeat_key(CONTENT, "0905123456")
    assert "0905123456" not in key
    assert "sat lo" not in key
    assert cache.get(key) == 1
