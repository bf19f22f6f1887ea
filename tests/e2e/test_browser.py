"""What a reader, a commenter and a moderator see in a real browser: /demo, the widget, /moderate."""
from __future__ import annotations

import os
import re
import uuid

import pytest

pytestmark = pytest.mark.e2e

DEMO_POST = "massage-for-lower-back-pain"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
XSS = "<img src=x onerror=alert(1)>"


def unique(text: str) -> str:
    return f"{text} [{uuid.uuid4().hex[:8]}]"


def widget_ready(page) -> None:
    """The widget has taken over the form (it turns off the browser's own validation bubbles)."""
    # A locator wait, not wait_for_function: the page's CSP forbids eval, which Playwright's
    # polling predicate needs after its first try (microsoft/playwright#36986).
    page.locator("#commentform[novalidate]").wait_for(state="attached")


def fill_form(page, author: str, email: str, comment: str, url: str = "") -> None:
    page.get_by_role("textbox", name="Name").fill(author)
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Website").fill(url)
    page.get_by_role("textbox", name="Comment").fill(comment)


def test_form_without_javascript_error_page_then_pending_notice(stack, open_page):
    page = open_page(javascript=False)
    page.goto(stack.base + "/demo")
    assert page.get_by_role("heading", name="Massage for Lower Back Pain").is_visible()
    assert page.get_by_role("heading", name="Leave a Reply").is_visible()
    assert page.get_by_text("Your email address will not be published. Required fields are marked *").is_visible()
    assert page.locator("textarea[name=ak_hp_textarea]").is_hidden()
    assert page.locator("input[name=comment_post_ID]").get_attribute("value") == DEMO_POST
    assert page.locator("input[name=redirect_to]").get_attribute("value") == stack.base + "/demo"
    text = unique("Thank you, the stretches helped my back.")
    # "a@b" passes the browser's own check but not the server's: the error page must keep everything typed.
    fill_form(page, "Nojs Reader", "a@b", text)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Post Comment").click()
    assert posted.value.status == 422
    assert page.get_by_role("alert").get_by_text("Email").is_visible()
    assert page.get_by_role("textbox", name="Comment").input_value() == text
    assert page.get_by_role("textbox", name="Name").input_value() == "Nojs Reader"
    # Styled like the post (its stylesheets applied), in words without a status code, with a way back.
    assert "422" not in page.locator("body").inner_text()
    page_font = page.evaluate("getComputedStyle(document.body).fontFamily")
    button = page.evaluate("getComputedStyle(document.querySelector('#submit')).backgroundColor")
    assert button not in ("rgba(0, 0, 0, 0)", "transparent")  # the theme's button, not white text on nothing
    back = page.get_by_role("link", name="Back to the post")
    assert back.get_attribute("href") == stack.base + "/demo"

    page.get_by_role("textbox", name="Email").fill(f"nojs-{uuid.uuid4().hex[:6]}@example.org")
    statuses = []
    page.on("response", lambda r: statuses.append(r.status) if r.request.method == "POST" else None)
    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_url(re.compile(r"/demo\?replybox=pending#comment-[0-9A-Z]{26}$"))
    assert statuses == [303]
    assert page.get_by_role("status").get_by_text("Your comment is awaiting moderation").is_visible()
    assert text not in page.content()  # pending comments are never public
    assert page.evaluate("getComputedStyle(document.body).fontFamily") == page_font  # the same look as the post
    assert "Charter" in page_font  # the blog theme's font stack, not the browser default


def test_reply_without_javascript_is_threaded(stack, open_page):
    parent = stack.submit(DEMO_POST, author="Thread Starter", content=unique("Does this help sciatica too?"))
    stack.moderate(parent["id"], "approve")
    page = open_page(javascript=False)
    page.goto(stack.base + "/demo")
    page.locator(f"#comment-{parent['id']}").get_by_role("link", name="Reply to Thread Starter").click()
    assert page.locator("input[name=comment_parent]").get_attribute("value") == parent["id"]
    assert page.get_by_role("heading", name="Leave a Reply to Thread Starter").is_visible()
    reply = unique("Yes, gentle myofascial work helped mine.")
    fill_form(page, "Replying Reader", f"reply-{uuid.uuid4().hex[:6]}@example.org", reply)
    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_url(re.compile(r"replybox=pending#comment-"))
    reply_id = page.url.rsplit("#comment-", 1)[1]
    stack.moderate(reply_id, "approve")
    page.goto(stack.base + "/demo")
    nested = page.locator(f"#comment-{parent['id']} > .rb-children > #comment-{reply_id}")
    assert nested.get_by_text(reply).is_visible()


def test_widget_shows_errors_inline_keeps_text_then_pending(stack, open_page):
    page = open_page()
    page.goto(stack.base + "/demo")
    widget_ready(page)
    text = unique("Lymph drainage massage changed my week.")
    fill_form(page, "Widget Reader", "not-an-email", text)
    page.get_by_role("button", name="Post Comment").click()
    email = page.get_by_role("textbox", name="Email")
    error = page.locator("#email-rb-error")
    error.wait_for()
    assert "Email" in error.inner_text()
    assert email.get_attribute("aria-invalid") == "true"
    assert "email-rb-error" in email.get_attribute("aria-describedby")
    assert page.locator("#commentform [role=alert]").inner_text().startswith("Your comment was not posted yet")
    assert page.get_by_role("textbox", name="Comment").input_value() == text
    assert page.evaluate("document.activeElement.id") == "email"  # focus moves to the field to fix

    email.fill(f"widget-{uuid.uuid4().hex[:6]}@example.org")
    assert error.count() == 0  # the message goes once the field is edited
    page.get_by_role("button", name="Post Comment").click()
    pending = page.locator(".rb-comment.rb-pending")
    pending.wait_for()
    assert text in pending.inner_text()
    assert "awaiting moderation" in pending.inner_text()
    assert page.get_by_role("textbox", name="Comment").input_value() == ""
    assert "awaiting moderation" in page.locator("#commentform [role=alert]").inner_text()


@pytest.mark.parametrize(
    "status, headers, expected",
    [
        (409, {}, "You have already posted this comment."),
        (429, {"Retry-After": "12"}, "Please wait 12 seconds"),
        (503, {"Retry-After": "3"}, "The comment service is busy. Please send again in 3 seconds"),
    ],
)
def test_widget_says_plainly_what_409_429_503_mean(stack, open_page, status, headers, expected):
    page = open_page()
    page.route(
        "**/sites/demo/comments",
        lambda route: route.fulfill(status=status, headers=headers, json={"error": "x", "message": "x"})
        if route.request.method == "POST"
        else route.continue_(),
    )
    page.goto(stack.base + "/demo")
    widget_ready(page)
    text = unique("Kept whatever happens.")
    fill_form(page, "Patient Reader", "patient@example.org", text)
    page.get_by_role("button", name="Post Comment").click()
    alert = page.locator("#commentform [role=alert]")
    alert.get_by_text(expected).wait_for()
    assert page.get_by_role("textbox", name="Comment").input_value() == text
    assert page.get_by_role("button", name="Post Comment").is_enabled()


def test_moderator_approves_with_keyboard_and_sees_conflicts(stack, open_page):
    first = stack.submit(DEMO_POST, author="Queue First", content=unique("Hip stretches before bed work for me."))
    second = stack.submit(DEMO_POST, author="Queue Second", content=unique("My physio recommends this post."))
    page = open_page()
    page.goto(stack.base + "/moderate")
    page.get_by_label("Moderator token").fill(stack.token)
    page.get_by_role("button", name="Open the queue").click()
    assert page.get_by_role("tab", name="Pending").get_attribute("aria-selected") == "true"
    item = page.locator(f"#mod-{first['id']}")
    item.wait_for()
    assert page.evaluate("sessionStorage.getItem('replybox.token')") == stack.token
    assert page.evaluate("localStorage.length") == 0
    assert item.locator(".mod-verdict").is_visible()  # the verdict and its reasons are shown

    item.focus()
    page.keyboard.press("a")
    item.wait_for(state="detached")
    assert "approved" in page.locator("#announce").inner_text()

    # Someone else acts on the second comment after the page loaded it: the page must say so plainly.
    stack.moderate(second["id"], "spam")
    page.locator(f"#mod-{second['id']}").focus()
    page.keyboard.press("s")
    message = page.locator(f"#mod-{second['id']} .mod-msg")
    message.wait_for()
    assert "someone else changed this comment" in message.inner_text()
    assert "It is now spam" in message.inner_text()

    page.goto(stack.base + "/demo")
    assert page.locator(f"#comment-{first['id']}").get_by_text(first["author"]).is_visible()
    assert page.locator(f"#comment-{second['id']}").count() == 0


def test_moderator_bulk_trash_and_restore(stack, open_page):
    ids = [stack.submit(DEMO_POST, content=unique(f"Bulk comment {n}."))["id"] for n in range(2)]
    page = open_page()
    page.goto(stack.base + "/moderate")
    page.get_by_label("Moderator token").fill("not-a-real-token")
    page.keyboard.press("Enter")
    page.get_by_role("alert").get_by_text("That token is not valid").wait_for()
    page.get_by_label("Moderator token").fill(stack.token)
    page.keyboard.press("Enter")
    for comment_id in ids:
        page.locator(f"#mod-{comment_id}").focus()
        page.keyboard.press("x")
    assert page.locator("#selected-count").inner_text() == "2 selected"
    page.get_by_role("button", name="Trash selected").click()
    for comment_id in ids:
        page.locator(f"#mod-{comment_id}").wait_for(state="detached")
    page.get_by_role("tab", name="Trash").click()
    for comment_id in ids:
        page.locator(f"#mod-{comment_id} .check input").check()
    page.get_by_role("button", name="Restore selected").click()
    for comment_id in ids:
        page.locator(f"#mod-{comment_id}").wait_for(state="detached")
    page.get_by_role("tab", name="Pending").click()
    page.locator(f"#mod-{ids[0]}").wait_for()


def test_xss_payloads_stay_inert(stack, open_page):
    page = open_page()
    page.goto(stack.base + "/demo")
    widget_ready(page)
    content = unique(f"{XSS}<script>alert(2)</script> nice post")
    fill_form(page, XSS, f"xss-{uuid.uuid4().hex[:6]}@example.org", content, url="javascript:alert(1)")
    page.get_by_role("button", name="Post Comment").click()
    page.locator("#url-rb-error").wait_for()  # javascript: is refused, shown as text, nothing lost
    assert page.get_by_role("textbox", name="Website").input_value() == "javascript:alert(1)"
    page.get_by_role("textbox", name="Website").fill("https://example.org/me")
    page.get_by_role("button", name="Post Comment").click()
    pending = page.locator(".rb-comment.rb-pending")
    pending.wait_for()
    comment_id = pending.get_attribute("id").removeprefix("comment-")
    stack.moderate(comment_id, "approve")

    for url in (stack.base + "/demo", stack.blog + "/xss"):  # server-rendered, then widget-rendered
        page.goto(url)
        shown = page.locator(f"#comment-{comment_id}")
        shown.wait_for()
        assert shown.locator(".rb-content img, .rb-author img, script").count() == 0
        assert XSS in shown.locator(".rb-author").inner_text()
        assert XSS in shown.locator(".rb-content").inner_text()
        link = shown.locator(".rb-author a")
        assert link.get_attribute("href") == "https://example.org/me"
        assert link.get_attribute("rel") == "nofollow ugc noopener"

    page.goto(stack.base + "/moderate")
    page.get_by_label("Moderator token").fill(stack.token)
    page.get_by_role("button", name="Open the queue").click()
    page.get_by_role("tab", name="Approved").click()
    item = page.locator(f"#mod-{comment_id}")
    item.wait_for()
    assert XSS in item.locator(".mod-author").inner_text()
    assert item.locator(".mod-content img, .mod-author img").count() == 0
    page.wait_for_timeout(300)  # an onerror would have fired by now; the watch fails the test on any dialog


def test_no_js_error_page_shows_javascript_url_inert(stack, open_page):
    page = open_page(javascript=False)
    page.goto(stack.base + "/demo")
    fill_form(page, XSS, f"nojs-xss-{uuid.uuid4().hex[:6]}@example.org", XSS, url="javascript:alert(1)")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Post Comment").click()
    assert posted.value.status == 422
    assert page.get_by_role("alert").get_by_text("Website").is_visible()
    assert page.locator("img").count() == 0
    assert page.get_by_role("textbox", name="Website").input_value() == "javascript:alert(1)"
    assert page.get_by_role("textbox", name="Name").input_value() == XSS
    assert page.get_by_role("textbox", name="Comment").input_value() == XSS


def test_embedded_widget_on_another_origin_paginates_and_posts(stack, open_page):
    ids = []
    for n in range(3):
        comment = stack.submit("embed-test", author=f"Embed Reader {n}", content=unique(f"Embedded comment {n}."))
        stack.moderate(comment["id"], "approve")
        ids.append(comment["id"])
    page = open_page()
    page.goto(stack.blog + "/embed")
    page.locator(f"#comment-{ids[1]}").wait_for()
    assert page.locator(f"#comment-{ids[2]}").count() == 0  # data-page-size=2
    assert page.get_by_role("heading", name="3 Comments").is_visible()
    page.get_by_role("button", name="Show more comments").click()
    page.locator(f"#comment-{ids[2]}").wait_for()
    assert page.get_by_role("button", name="Show more comments").count() == 0

    page.locator(f"#comment-{ids[0]}").get_by_role("link", name="Reply to Embed Reader 0").click()
    assert page.evaluate("document.activeElement.id") == "comment"
    assert page.locator(f"#comment-{ids[0]} #commentform").count() == 1  # the form moved under the comment
    text = unique("Replying from another blog.")
    fill_form(page, "Cross Origin", f"cross-{uuid.uuid4().hex[:6]}@example.org", text)
    page.get_by_role("button", name="Post Comment").click()
    pending = page.locator(f"#comment-{ids[0]} .rb-children .rb-pending")
    pending.wait_for()
    assert text in pending.inner_text()


def test_a_page_with_many_comments_costs_few_requests(stack, open_page):
    """Avatars are drawn in the page (no request each); the form token waits until the form is used."""
    many = 30
    ids = []
    for n in range(many):
        comment = stack.submit("many-test", author=f"Many Reader {n}", content=unique(f"Comment number {n}."))
        stack.moderate(comment["id"], "approve")
        ids.append(comment["id"])
    page = open_page()
    api_requests: list[str] = []
    page.on("request", lambda r: api_requests.append(r.url) if r.url.startswith(stack.base) else None)
    page.goto(stack.blog + "/many")
    page.locator(f"#comment-{ids[-1]}").wait_for()
    page.wait_for_load_state("networkidle")
    assert page.locator(".rb-comment svg.rb-avatar").count() >= many
    assert not [u for u in api_requests if "/avatars/" in u]
    assert not [u for u in api_requests if "/form-token" in u]  # a reader who only reads never asks for one
    # The script, its stylesheet and one page of comments: not one request per comment.
    assert len(api_requests) <= 3, api_requests
    # The widget's identicon is the server's, cell for cell and in the same colour.
    drawn = page.locator(f"#comment-{ids[0]} svg.rb-avatar").evaluate(
        "svg => [...svg.querySelectorAll('rect')].map(r => [r.getAttribute('x') || '0', r.getAttribute('y') || '0'])"
        ".concat([[svg.querySelector('g').getAttribute('fill'), '']])")
    avatar = page.evaluate(f"fetch('{stack.base}/sites/demo/posts/many-test/comments?limit=1').then(r => r.json())")
    server = page.request.get(f"{stack.base}/avatars/{avatar['comments'][0]['avatar']}.svg").text()
    cells = [[x, y] for x, y in re.findall(r'<rect x="(\d+)" y="(\d+)"', server)]
    assert drawn[1:-1] == cells and drawn[-1][0] == re.search(r'<g fill="([^"]+)"', server).group(1)

    with page.expect_request(lambda r: "/form-token" in r.url):
        page.get_by_role("textbox", name="Comment").focus()
    page.get_by_role("textbox", name="Name").focus()
    page.wait_for_timeout(200)
    assert len([u for u in api_requests if "/form-token" in u]) == 1  # once, not on every focus


def test_screenshots(stack, open_page, screenshots):
    """Pictures for docs/ (and for a person to look at): the blog post and the moderation page."""
    parent = stack.submit(DEMO_POST, author="Maria Lopez", url="https://example.org/maria",
                          content=unique("I had lower back pain for months after a long drive. Two sessions of "
                                         "myofascial massage made a real difference.\n\nThank you for the list!"))
    stack.moderate(parent["id"], "approve")
    reply = stack.submit(DEMO_POST, author="Sam Okafor", parent_id=parent["id"],
                         content=unique("Same here. Stretching the hips every morning helped me too."))
    stack.moderate(reply["id"], "approve")
    # A first comment waits for the moderator whatever else ran before: the queue is never empty.
    stack.submit(DEMO_POST, author="Lena Fischer", parent_id=parent["id"],
                 content=unique("Does this work for a stiff neck as well, or only the lower back?"))
    stack.submit(DEMO_POST, author="Cheap Pills", url="https://spam.example/buy",
                 content=unique("Best pills online http://spam.example/a http://spam.example/b"))
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = open_page(viewport=viewport)
        page.goto(stack.base + "/demo?replybox=pending")
        widget_ready(page)
        page.screenshot(path=os.path.join(screenshots, f"demo-pending-notice-{name}.png"))
        page.goto(stack.base + "/demo")
        widget_ready(page)
        page.locator("#respond").scroll_into_view_if_needed()  # avatars load lazily
        page.wait_for_load_state("networkidle")
        page.screenshot(path=os.path.join(screenshots, f"demo-{name}.png"), full_page=True)
        fill_form(page, "Alex", "alex@", "I will try the hip stretches tonight.")
        page.get_by_role("button", name="Post Comment").click()
        page.locator("#email-rb-error").wait_for()
        page.locator("#respond").screenshot(path=os.path.join(screenshots, f"demo-inline-error-{name}.png"))
        page.goto(stack.base + "/moderate")
        page.screenshot(path=os.path.join(screenshots, f"moderate-signin-{name}.png"))
        page.get_by_label("Moderator token").fill(stack.token)
        page.get_by_role("button", name="Open the queue").click()
        page.locator(".mod-item").first.wait_for()
        page.locator("#count-pending").filter(has_text=re.compile(r"\d")).wait_for()  # the tab counts are in
        page.screenshot(path=os.path.join(screenshots, f"moderate-{name}.png"), full_page=True)
    embedded = stack.submit("embed-test", author="Maria Lopez", content=unique("Shown on another blog by the widget."))
    stack.moderate(embedded["id"], "approve")  # so the embedded thread has something to show when run alone
    page = open_page(viewport=PHONE)
    page.goto(stack.blog + "/embed")
    page.locator(".rb-comment").first.wait_for()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=os.path.join(screenshots, "embed-phone.png"), full_page=True)
    page = open_page(javascript=False, viewport=PHONE)
    page.goto(stack.base + "/demo")
    fill_form(page, "Alex", "alex@example", "I will try the hip stretches tonight.", url="javascript:alert(1)")
    page.get_by_role("button", name="Post Comment").click()
    page.get_by_role("alert").wait_for()
    page.screenshot(path=os.path.join(screenshots, "error-page-phone.png"), full_page=True)
    for name in ("demo-desktop", "demo-phone", "moderate-desktop", "moderate-phone"):
        assert os.path.getsize(os.path.join(screenshots, f"{name}.png")) > 10_000


def console_errors(page) -> list[str]:
    """Every console error the page logs from now on (the watch only fails on CSP ones)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def sign_in(page, stack) -> None:
    page.goto(stack.base + "/moderate")
    page.get_by_label("Moderator token").fill(stack.token)
    page.get_by_role("button", name="Open the queue").click()


def test_one_date_format_on_the_page_the_widget_and_moderate(stack, open_page):
    comment = stack.submit(DEMO_POST, author="Date Reader", content=unique("When did I write this?"))
    stack.moderate(comment["id"], "approve")
    readable = re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2}$")  # "1 December 2026 at 19:45"

    page = open_page(javascript=False)
    page.goto(stack.base + "/demo")
    no_js = page.locator(f"#comment-{comment['id']} .rb-date time").inner_text()
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2} UTC", no_js)

    shown = {}
    page = open_page(locale="en-GB", timezone_id="Asia/Kolkata")  # UTC+5:30: the reader's zone, not the server's
    for name, url in (("demo", stack.base + "/demo"), ("widget", stack.blog + "/")):
        page.goto(url)
        time = page.locator(f"#comment-{comment['id']} .rb-date time")
        time.wait_for()
        widget_ready(page)
        assert time.get_attribute("datetime") == comment["created_at"]
        shown[name] = time.inner_text()
    sign_in(page, stack)
    page.get_by_role("tab", name="Approved").click()
    time = page.locator(f"#mod-{comment['id']} time")
    time.wait_for()
    assert time.get_attribute("datetime") == comment["created_at"]
    shown["moderate"] = time.inner_text()
    assert readable.match(shown["demo"]), shown
    assert shown["demo"] == shown["widget"] == shown["moderate"], shown
    assert shown["demo"] != no_js.removesuffix(" UTC")  # moved to the reader's zone


def test_demo_and_moderate_load_without_console_errors(stack, open_page):
    stack.submit(DEMO_POST, content=unique("Something for the queue."))
    page = open_page()
    errors = console_errors(page)
    page.goto(stack.base + "/demo")
    widget_ready(page)
    page.wait_for_load_state("networkidle")
    sign_in(page, stack)
    page.locator(".mod-item").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert errors == []


def test_widget_on_an_origin_that_is_not_allowed_tells_the_blogs_owner(stack, open_page):
    # The same blog server under another name: http://localhost:PORT is not among demo's origins.
    stranger = stack.blog.replace("127.0.0.1", "localhost")
    page = open_page()
    logged: list[str] = []
    page.on("console", lambda msg: logged.append(msg.text) if "replybox:" in msg.text else None)
    page.goto(stranger + "/embed")
    line = page.locator(".rb-not-allowed")
    line.wait_for()
    assert f"Comments are not switched on for this address ({stranger})" in line.inner_text()
    assert "connection" not in page.locator("#replybox").inner_text()
    assert page.get_by_role("button", name=re.compile("Try again")).count() == 0
    assert logged == [
        f"replybox: this page's origin {stranger} is not an allowed origin of site \"demo\", so the browser blocks "
        f"its answers. Allow it with: .venv/bin/python manage.py add-origin demo {stranger}"
    ]
    text = unique("Sent from a blog that is not allowed.")
    fill_form(page, "Stranger", "stranger@example.org", text)
    page.get_by_role("button", name="Post Comment").click()
    alert = page.locator("#commentform [role=alert]")
    alert.get_by_text("Comments are not switched on for this address yet").wait_for()
    assert page.get_by_role("textbox", name="Comment").input_value() == text
    assert len(logged) == 1  # asked once, told once


def stats(stack) -> dict:
    status, answer = stack.call("GET", "/sites/demo/moderation/stats", token=stack.token)
    assert status == 200, answer
    return answer


def test_moderate_counts_filters_searches_and_says_why_and_what_a_reply_answers(stack, open_page):
    parent = stack.submit(DEMO_POST, author="Thread Parent", content=unique("Is ice or heat better after massage?"))
    stack.moderate(parent["id"], "approve")
    reply = stack.submit(DEMO_POST, author="Replier", parent_id=parent["id"], content=unique("Heat, for me."))
    word = uuid.uuid4().hex[:10]
    other = stack.submit("morning-other", author="Elsewhere", content=f"Filed under another post {word}.",
                         post_title="Stretching at the desk", post_url=stack.blog + "/stretching")
    page = open_page()
    sign_in(page, stack)
    page.locator(f"#mod-{other['id']}").wait_for()
    expected = stats(stack)["counts"]
    for status in ("pending", "approved", "spam", "trash"):
        page.locator(f"#count-{status}").filter(has_text=re.compile(r"\d")).wait_for()
    assert int(page.locator("#count-pending").inner_text()) == expected["pending"]
    assert int(page.locator("#count-approved").inner_text()) == expected["approved"]

    card = page.locator(f"#mod-{reply['id']}")
    quote = card.locator(".mod-parent")
    assert quote.inner_text().startswith("Reply to Thread Parent (approved): ")
    assert "Is ice or heat better after massage?" in quote.inner_text()
    assert card.locator(".mod-why").inner_text().startswith("Held on arrival")
    post_link = page.locator(f"#mod-{other['id']} .mod-post a")
    assert post_link.inner_text() == "Stretching at the desk"
    assert post_link.get_attribute("href") == stack.blog + "/stretching"

    page.get_by_label("Post").select_option(label="Stretching at the desk (1)")
    assert page.locator(".mod-item:visible").count() == 1
    assert page.locator(f"#mod-{other['id']}").is_visible()
    page.get_by_label("Post").select_option(label="All posts")
    page.get_by_label("Search").fill(word.upper())  # any case, over the text, the author, email and URL
    assert page.locator(".mod-item:visible").count() == 1
    assert "1 of" in page.locator("#shown-count").inner_text()
    page.get_by_label("Search").fill("Replier")
    assert page.locator(f"#mod-{reply['id']}").is_visible() and page.locator(f"#mod-{other['id']}").is_hidden()


def test_compact_list_fits_twenty_comments_on_a_900px_screen(stack, open_page):
    for n in range(22):
        stack.submit(DEMO_POST, content=unique(f"A comment of a busy morning, number {n}, with a few more words to wrap."))
    page = open_page(viewport={"width": 1280, "height": 900})
    sign_in(page, stack)
    page.locator(".mod-item").nth(21).wait_for()
    page.get_by_role("button", name="Compact list").click()
    assert page.get_by_role("button", name="Compact list").get_attribute("aria-pressed") == "true"
    boxes = page.locator(".mod-item").evaluate_all("items => items.slice(0, 20).map(i => i.getBoundingClientRect())")
    assert boxes[19]["bottom"] - boxes[0]["top"] <= 900 * 0.75  # 20 cards in three quarters of the screen
    first = page.locator(".mod-item").first
    first.focus()
    assert first.locator(".act-approve").is_visible()  # the focused card shows its buttons
    page.reload()
    page.locator(".mod-item").first.wait_for()
    assert page.locator("#items.compact").count() == 1  # kept for the tab (sessionStorage)


def test_every_action_is_confirmed_with_undo(stack, open_page):
    comment = stack.submit(DEMO_POST, author="Undo Me", content=unique("Approve me, then think again."))
    page = open_page()
    sign_in(page, stack)
    item = page.locator(f"#mod-{comment['id']}")
    item.focus()
    page.keyboard.press("a")
    item.wait_for(state="detached")
    toast = page.locator("#toast")
    assert toast.is_visible() and "Comment by Undo Me approved." in toast.inner_text()
    page.get_by_role("button", name="Undo").click()
    item.wait_for()
    assert "Undone" in toast.inner_text()
    status, current = stack.call("GET", f"/sites/demo/moderation/comments/{comment['id']}", token=stack.token)
    assert current["status"] == "pending" and current["version"] == 3  # approve, then hold at version 2

    item.focus()
    page.keyboard.press("d")  # trash, then `u` undoes it (restore)
    item.wait_for(state="detached")
    page.keyboard.press("u")
    item.wait_for()
    status, current = stack.call("GET", f"/sites/demo/moderation/comments/{comment['id']}", token=stack.token)
    assert current["status"] == "pending" and current["version"] == 5


def test_moderator_edits_a_comments_text_and_can_undo_it(stack, open_page):
    original = unique("Teh stretches helpd.")
    comment = stack.submit(DEMO_POST, author="Typo Writer", content=original)
    page = open_page()
    sign_in(page, stack)
    item = page.locator(f"#mod-{comment['id']}")
    item.focus()
    page.keyboard.press("e")
    text = page.get_by_label("Text of the comment by Typo Writer")
    assert text.input_value() == original
    text.fill("   ")
    page.get_by_role("button", name="Save").click()
    error = item.locator(".mod-field-error")
    error.wait_for()
    assert error.inner_text() == "Not saved: the text is required."
    assert text.get_attribute("aria-invalid") == "true"
    fixed = unique("The stretches helped.")
    text.fill(fixed)
    text.press("Control+Enter")
    item.locator(".mod-content", has_text=fixed).wait_for()
    assert "edited" in page.locator("#toast").inner_text()
    status, current = stack.call("GET", f"/sites/demo/moderation/comments/{comment['id']}", token=stack.token)
    assert current["content"] == fixed and current["version"] == 2
    page.get_by_role("button", name="Undo").click()
    item.locator(".mod-content", has_text=original).wait_for()
    status, current = stack.call("GET", f"/sites/demo/moderation/comments/{comment['id']}", token=stack.token)
    assert current["content"] == original and current["version"] == 3


def test_empty_spam_after_a_confirmation(stack, open_page):
    ids = [stack.submit(DEMO_POST, content=unique(f"Cheap pills {n}"))["id"] for n in range(2)]
    for comment_id in ids:
        stack.moderate(comment_id, "spam")
    page = open_page()
    sign_in(page, stack)
    page.get_by_role("tab", name="Spam").click()
    page.locator(f"#mod-{ids[0]}").wait_for()
    page.locator("#count-spam").filter(has_text=re.compile(r"\d")).wait_for()
    spam = stats(stack)["counts"]["spam"]
    page.get_by_role("button", name="Empty spam").click()
    confirm = page.get_by_role("alertdialog")
    assert f"Delete all {spam} spam comments for good? This cannot be undone." in confirm.inner_text()
    assert stats(stack)["counts"]["spam"] == spam  # asking deletes nothing
    confirm.get_by_role("button", name="Delete them for good").click()
    page.locator("#toast").get_by_text(f"Deleted {spam} spam comment").wait_for()
    page.get_by_text("No spam comments.").wait_for()
    assert page.locator(".mod-item").count() == 0
    assert stats(stack)["counts"]["spam"] == 0
    page.locator("#count-spam", has_text="0").wait_for()
    for comment_id in ids:
        assert stack.call("GET", f"/sites/demo/moderation/comments/{comment_id}", token=stack.token)[0] == 404


def test_discarded_comments_leave_a_count_on_moderate(stack, open_page):
    before = stats(stack)["discarded"][0]
    bot = {"post_id": DEMO_POST, "author": "Bot", "email": "bot@example.org", "content": unique("buy"), "hp": "x"}
    assert stack.call("POST", "/sites/demo/comments", bot)[0] == 201  # the bot is told nothing
    page = open_page()
    sign_in(page, stack)
    today = page.locator("#discard-days tr").first
    today.locator("td.num", has_text=str(before["total"] + 1)).wait_for()
    assert f"honeypot {before['reasons'].get('honeypot', 0) + 1}" in today.inner_text()
    assert page.locator("#discard-days tr").count() == 7
    assert "buy" not in page.locator(".discards").inner_text()
