"""Blog comments as a new site would see them: genuine readers kept, blog spam not published.

Each comment is scored as a plain HTML form sends it: no form token, the fields a reader fills in.
"""
from __future__ import annotations

import pytest

from chalicelib.spam import SiteRules, Submission, evaluate

BLOCKED = ("spam", "discard")
MASSAGE_QUESTION = (
    "I have had pain in my lower back for about three months, mostly after sitting at my desk all day. "
    "My physiotherapist suggested massage, but I am worried about pressing too hard on the spine itself. "
    "Would you recommend starting with the foam roller you describe, or with a professional session first? "
    "And is it fine to combine the stretches with heat, or should I use ice for the first week? "
    "Thank you for writing such a careful post."
)

GENUINE = [
    Submission(author="Maria", content="Thank you, it works for me!"),
    Submission(author="Tom", content="Please approve me"),
    Submission(author="Priya Raman", email="priya@example.org", content=MASSAGE_QUESTION),
    Submission(author="Jon", url="https://jon.example.net/", content="Great post, thanks for sharing. I tried the second stretch this morning and my back already feels looser."),
    Submission(author="Lee", content="Small correction: the second link in the post (https://example.org/old-page) returns 404 now. "
                                     "The same article seems to live at https://example.org/new-page."),
    Submission(author="Ana", content="I called my doctor's office at 555-201-4433 and they said massage is fine after the first week."),
    Submission(author="Kai", content="Is this the same as the test post you mentioned on your blog last year? I could not find it."),
]


@pytest.mark.parametrize("submission", GENUINE, ids=lambda s: s.content[:30])
def test_genuine_reader_comments_are_not_blocked(submission):
    verdict = evaluate(submission)
    assert verdict.decision not in BLOCKED, verdict


def test_the_short_thank_you_and_the_massage_question_are_published_not_just_unblocked():
    for submission in GENUINE[:3]:
        assert evaluate(submission).decision != "discard"
    assert evaluate(GENUINE[0]).decision == "approve", evaluate(GENUINE[0])


SPAM = [
    Submission(author="Norton Support", content="Norton customer support phone number 1-888-555-0199. Call our toll-free helpline 24/7 for antivirus help."),
    Submission(author="python training in chennai", url="https://training.example/python-training-in-chennai",
               content="Very informative post, keep up the good work. We offer python training in chennai with placement."),
    Submission(author="cheap nfl jerseys china", url="http://jerseys.example/cheap-nfl-jerseys-china",
               content="Wholesale nfl jerseys china free shipping, buy cheap jerseys online"),
    Submission(author="Best Payday Loans", url="https://loans.example/", content="Need cash fast? Get payday loans online today with bad credit, no-cost approval."),
    Submission(author="Sandra", url="http://short.example/ab1",
               content="Hi my name is Sandra and I just wanted to drop you a quick note here instead of calling you. "
                       "Your website could have more visitors; I have found a way to send targeted traffic."),
    Submission(author="GvrPpYNkSOJxgysM", url="http://yipPtonWRIOVLkJ", content="SFRZEDrA"),
    Submission(author="Jenise Only Fans Leaks", url="https://fans.example/leaks", content="Only Fans Leaked Mega Folder Download Link ( https://fans.example )"),
]


@pytest.mark.parametrize("submission", SPAM, ids=lambda s: s.author[:24])
def test_blog_spam_is_not_published(submission):
    verdict = evaluate(submission)
    assert verdict.decision != "approve", verdict


def test_a_support_number_scam_names_its_reason():
    verdict = evaluate(SPAM[0])
    assert "support-number" in {r.rule for r in verdict.reasons}
    assert verdict.decision != "approve"


def test_seo_spam_with_agreeing_signals_is_blocked():
    for submission in SPAM[1:3] + SPAM[4:6]:
        verdict = evaluate(submission)
        assert verdict.decision in BLOCKED, verdict


def test_the_script_setting_is_off_by_default_and_holds_other_scripts_when_set():
    russian = Submission(author="Ivan", content="Очень стильные новости модного мира. Актуальные события лучших подиумов.")
    assert "unexpected-script" not in {r.rule for r in evaluate(russian).reasons}
    latin = SiteRules(expected_scripts=("Latin",))
    held = evaluate(russian, latin)
    assert "unexpected-script" in {r.rule for r in held.reasons}
    assert held.decision != "approve"
    assert evaluate(GENUINE[0], latin).decision == "approve"


def test_community_list_keys_that_ordinary_comments_use_count_little():
    from chalicelib.spam.rules import community_key_points

    for key, field in (("great post", "content"), ("/blog.", "url"), ("his web", "content"), (":))", "content")):
        assert community_key_points(key, field) <= 0.1, key
    assert community_key_points("cheap viagra online", "content") == 0.5
    assert community_key_points("/cheap-", "content") < community_key_points("cheap-jerseys", "content")
