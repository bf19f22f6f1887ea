"""A site's language (`create-site --lang`) over HTTP: pages, validation messages and mails follow it;
JSON codes and field names never do; an unknown site or language reads English."""
from __future__ import annotations

import json
import re

import pytest

from tests.conftest import make_site

URL = "/sites/blog/comments"
GOOD = {"post_id": "hello-world", "author": "Ada", "email": "ada@example.com", "content": "Lovely post."}
FORM = {"comment_post_ID": "42", "author": "Grete", "email": "grete-at-example", "url": "", "comment": "Schöner Beitrag"}


def speaking(store, lang: str, slug: str = "blog") -> None:
    site = store.get_site(slug)
    store.put_site(site.model_copy(update={"lang": lang}))


@pytest.fixture
def german(api, moto_store):
    speaking(moto_store, "de")
    return api


def test_json_validation_messages_are_german_and_the_codes_are_not(german):
    response = german.post(URL, json_body={**GOOD, "author": "", "email": "nope", "url": "ftp://x.example",
                                           "content": "y" * 65526})
    data = json.loads(response.body)
    assert response.status_code == 422
    assert data["error"] == "validation"
    assert set(data["fields"]) == {"author", "email", "url", "content"}
    assert data["fields"]["author"] == "ist erforderlich"
    assert data["fields"]["content"] == "darf höchstens 65525 Zeichen lang sein"
    assert data["fields"]["url"] == "muss eine Webadresse sein, die mit http:// oder https:// beginnt"
    assert data["fields"]["email"].startswith("ist keine gültige E-Mail-Adresse (")


def test_the_same_request_to_an_english_site_reads_as_before(api):
    response = api.post(URL, json_body={**GOOD, "author": ""})
    data = json.loads(response.body)
    assert data["error"] == "validation" and data["fields"] == {"author": "is required"}


def test_german_form_error_page_names_each_problem_in_german_and_keeps_everything_typed(german):
    response = german.post(URL, form=FORM)
    page = response.body.decode()
    assert response.status_code == 422
    assert '<html lang="de" dir="ltr">' in page
    assert response.headers["Content-Language"] == "de"
    assert "<title>Ihr Kommentar braucht eine Änderung</title>" in page
    problems = re.findall(r'<li id="err-[a-z_]+">(.*?)</li>', page, re.S)
    assert [re.sub(r"<[^>]+>", "", p) for p in problems][0].startswith("E-Mail: ist keine gültige E-Mail-Adresse")
    assert 'value="Kommentar abschicken"' in page and 'value="grete-at-example"' in page
    assert "Schöner Beitrag</textarea>" in page


def test_a_reply_to_no_comment_says_so_in_german_with_its_code_unchanged(german):
    response = german.post(URL, json_body={**GOOD, "parent_id": "not-a-comment-id"})
    data = json.loads(response.body)
    assert response.status_code == 404 and data["error"] == "not_found"
    assert data["message"] == "den Kommentar, auf den Sie antworten, gibt es nicht"


def test_an_unknown_site_answers_in_english(api):
    response = api.post("/sites/nosuchblog/comments", form=FORM)
    assert '<html lang="en" dir="ltr">' in response.body.decode()


def test_demo_page_is_written_in_the_sites_language(api, moto_store):
    make_site(moto_store, slug="demo", lang="de")
    response = api.get("/demo")
    page = response.body.decode()
    assert response.status_code == 200
    assert '<html lang="de" dir="ltr">' in page
    assert "Noch keine Kommentare" in page and "Einen Kommentar schreiben" in page
    assert 'value="Kommentar abschicken"' in page and "Ihre E-Mail-Adresse wird nicht veröffentlicht." in page


def test_german_dates_and_counts():
    from chalicelib import i18n
    from chalicelib.web.pages import comments_title

    assert i18n.format_time("2026-03-05T08:07:00Z", "de") == "5. März 2026 um 08:07 UTC"
    assert [comments_title(n, "de") for n in (0, 1, 2)] == ["Noch keine Kommentare", "1 Kommentar", "2 Kommentare"]


def test_the_reply_mails_are_german_for_a_german_site():
    from chalicelib.mail import confirmation_mail, reply_mail

    sub = {"site": "blog", "author": "Grete", "post_id": "p1", "post_url": "https://blog.example/p1"}
    subject, body = confirmation_mail(sub, "https://api.example/confirm", "de")
    assert subject == "Benachrichtigungen über Antworten auf blog bestätigen"
    assert body.startswith("Hallo Grete,\n") and "Der Link ist 7 Tage gültig." in body
    subject, body = reply_mail(sub, {"id": "R1", "author": "Ada", "content": "Danke!"}, "https://api.example/stop", "de")
    assert subject == "Neue Antwort auf Ihren Kommentar auf blog"
    assert "Ada hat auf Ihren Kommentar auf blog geantwortet:" in body and "> Danke!" in body
    assert "Keine weiteren E-Mails zu diesem Kommentar: https://api.example/stop" in body


def test_the_widgets_german_strings_are_served_cacheable(api):
    response = api.get("/static/widget-de.json")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    strings = json.loads(response.body)
    assert strings["Post Comment"] == "Kommentar abschicken"
    assert strings["{n} Comment"] == {"one": "{n} Kommentar", "other": "{n} Kommentare"}
    assert "max-age" in response.headers["Cache-Control"] and response.headers["ETag"]
    assert api.get("/static/widget-fr.json").status_code == 404  # no such language: the widget stays English


def test_arabic_pages_are_right_to_left_and_messages_arabic(api, moto_store):
    speaking(moto_store, "ar")
    response = api.post(URL, json_body={**GOOD, "email": ""})
    assert json.loads(response.body)["fields"] == {"email": "مطلوب"}
    page = api.post(URL, form=FORM).body.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "البريد الإلكتروني</a>: ليس عنوان بريد إلكتروني صالحًا</li>" in page  # without email-validator's English


def test_arabic_counts_have_all_six_plural_forms():
    from chalicelib.web.pages import comments_title

    assert [comments_title(n, "ar") for n in (1, 2, 3, 11, 100)] == [
        "تعليق واحد", "تعليقان", "3 تعليقات", "11 تعليقًا", "100 تعليق"]
