"""Reply-notification subscriptions on both backends: written with the comment, confirmed, stopped,
the daily cap, and covered by erase and export."""
from __future__ import annotations

from chalicelib.mail import Subscriptions
from tests.conftest import comment_data


def subscribe(service, n=0, email="ada@example.com", **extra):
    data = comment_data(email=email, content=f"question {n}", subscribe_comments="on", **extra)
    return service.submit("blog", data, ip=f"203.0.113.{n + 1}").result.id


def test_a_subscription_is_stored_unconfirmed_with_its_comment_and_only_when_asked(service):
    subscriptions = Subscriptions(service.store)
    asked = subscribe(service)
    plain = service.submit("blog", comment_data(email="bo@example.com"), ip="203.0.113.77").result.id
    sub = subscriptions.get("blog", asked)
    assert sub["confirmed"] is False and sub["email"] == "ada@example.com" and sub["expires_at"] > 0
    assert subscriptions.get("blog", plain) is None
    assert subscriptions.confirm("blog", asked) is True
    confirmed = subscriptions.get("blog", asked)
    assert confirmed["confirmed"] is True and "expires_at" not in confirmed  # kept once confirmed
    subscriptions.stop("blog", asked)
    assert subscriptions.get("blog", asked) is None
    assert subscriptions.confirm("blog", asked) is False  # a stopped one is not brought back


def test_an_unticked_or_odd_checkbox_subscribes_no_one(service):
    for n, value in enumerate(["", "off", "0", "no"]):
        data = comment_data(email=f"x{n}@example.com", content=f"odd {n}", subscribe_comments=value)
        comment_id = service.submit("blog", data, ip=f"198.51.100.{n + 1}").result.id
        assert Subscriptions(service.store).get("blog", comment_id) is None


def test_the_daily_cap_counts_per_site_and_day(service, clock):
    subscriptions = Subscriptions(service.store)
    assert [subscriptions.take_from_cap("blog", 3, clock()) for _ in range(5)] == [True, True, True, False, False]
    assert subscriptions.take_from_cap("other", 3, clock()) is True  # another site's day
    assert subscriptions.take_from_cap("blog", 3, clock() + 86400) is True  # the next day


def test_export_and_erase_cover_subscriptions(service):
    asked = subscribe(service)
    exported = service.export_person("blog", "ada@example.com").model_dump(mode="json")
    assert [s["comment_id"] for s in exported["subscriptions"]] == [asked]
    assert exported["subscriptions"][0]["confirmed"] is False
    assert service.export_person("blog", "bo@example.com").model_dump(mode="json")["subscriptions"] == []
    service.erase("blog", "ADA@example.com")
    assert Subscriptions(service.store).get("blog", asked) is None
