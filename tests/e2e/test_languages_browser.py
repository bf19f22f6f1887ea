"""German and Arabic in Chromium: the demo page and the form error page in the site's language (Arabic
right to left, mirrored by the CSS's logical properties), the widget in its page's language."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, ROOT

pytestmark = pytest.mark.e2e


@contextlib.contextmanager
def site_language(stack, lang: str):
    """The demo site in `lang` for the block (make run caches no site settings), English again after."""

    def set_lang(value: str) -> None:
        env = {**stack.env, "DYNAMODB_ENDPOINT_URL": f"http://127.0.0.1:{stack.env['DDB_PORT']}",
               "REPLYBOX_SECRET_FILE": os.path.join(stack.data_dir, "secret")}
        subprocess.run([sys.executable, os.path.join(ROOT, "manage.py"), "create-site", "demo", "--update", "--lang", value],
                       cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)

    set_lang(lang)
    try:
        yield
    finally:
        set_lang("en")


def send_without_javascript(page, stack, name: str, email_label: str, comment_label: str, submit: str) -> None:
    page.goto(stack.base + "/demo")
    page.get_by_role("textbox", name=name).fill("Grete")
    page.get_by_role("textbox", name=email_label).fill("a@b")  # passes the browser's check, not the server's
    page.get_by_role("textbox", name=comment_label).fill("Ein Gedanke, der bleibt")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name=submit).click()
    assert posted.value.status == 422


def test_german_demo_page_and_form_error_page(stack, open_page, screenshots):
    with site_language(stack, "de"):
        page = open_page()
        page.goto(stack.base + "/demo")
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        expect(page.locator("#reply-title .rb-reply-heading")).to_have_text("Einen Kommentar schreiben")
        expect(page.locator("#comments")).to_have_attribute("dir", "ltr")  # the widget marked its part
        page.get_by_role("button", name="Kommentar abschicken").click()  # empty: the widget shows the server's words
        expect(page.locator("#author-rb-error")).to_have_text("Name ist erforderlich")
        expect(page.locator(".rb-form-status")).to_contain_text("Ihr Kommentar wurde noch nicht gesendet")
        page.locator("#comments").screenshot(path=os.path.join(screenshots, "demo-comments-de.png"))

        page = open_page(javascript=False)
        send_without_javascript(page, stack, "Name", "E-Mail", "Kommentar", "Kommentar abschicken")
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.locator("h1")).to_have_text("Ihr Kommentar braucht eine Änderung")
        expect(page.locator("#err-email")).to_contain_text("E-Mail: ist keine gültige E-Mail-Adresse")
        expect(page.get_by_role("textbox", name="E-Mail")).to_have_value("a@b")  # nothing typed is lost
        expect(page.get_by_role("link", name="Zurück zum Beitrag")).to_be_visible()
        page.screenshot(path=os.path.join(screenshots, "error-page-de.png"), full_page=True)


def test_arabic_demo_page_and_form_error_page_read_right_to_left(stack, open_page, screenshots):
    with site_language(stack, "ar"):
        page = open_page()
        page.goto(stack.base + "/demo")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", "ar")
        expect(page.locator("#reply-title .rb-reply-heading")).to_have_text("اترك تعليقًا")
        expect(page.locator("#comments")).to_have_attribute("dir", "rtl")
        form = page.locator("#commentform").bounding_box()
        star = page.locator("label[for=author] .required").bounding_box()
        assert star["x"] > form["x"] + form["width"] / 2, (star, form)  # the label starts on the right
        page.get_by_role("button", name="إرسال التعليق").click()
        expect(page.locator("#author-rb-error")).to_have_text("الاسم مطلوب")
        expect(page.locator(".rb-form-status")).to_contain_text("الاسم مطلوب؛ البريد الإلكتروني مطلوب")  # Arabic's semicolon
        page.locator("#comments").screenshot(path=os.path.join(screenshots, "demo-comments-ar.png"))

        page = open_page(javascript=False, viewport=PHONE)
        send_without_javascript(page, stack, "الاسم", "البريد الإلكتروني", "التعليق", "إرسال التعليق")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("h1")).to_have_text("تعليقك يحتاج إلى تعديل")
        expect(page.locator("#err-email")).to_contain_text("البريد الإلكتروني: ليس عنوان بريد إلكتروني صالحًا")
        status = page.locator(".rb-form-status").bounding_box()
        problem = page.locator("#err-email").bounding_box()
        assert problem["x"] + problem["width"] <= status["x"] + status["width"] - 10  # indented from the right
        page.screenshot(path=os.path.join(screenshots, "error-page-ar-phone.png"), full_page=True)


@pytest.mark.parametrize(
    "lang, heading, button, direction",
    [("de", "Einen Kommentar schreiben", "Kommentar abschicken", "ltr"), ("ar", "اترك تعليقًا", "إرسال التعليق", "rtl"),
     ("fr", "Leave a Reply", "Post Comment", "ltr")],
)
def test_the_embedded_widget_speaks_its_data_lang(stack, open_page, lang, heading, button, direction):
    page = open_page()
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "/static/widget-" in request.url else None)
    page.goto(stack.blog + f"/embed?lang={lang}")
    root = page.locator("#replybox")
    expect(root.locator(".rb-reply-heading")).to_have_text(heading)
    expect(root).to_have_attribute("dir", direction)
    expect(root).to_have_attribute("lang", lang if lang != "fr" else "en")
    expect(page.get_by_role("button", name=button)).to_be_visible()
    assert len(asked) == (0 if lang == "fr" else 1), asked  # one small file per language, none for English
