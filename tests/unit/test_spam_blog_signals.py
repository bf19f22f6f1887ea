"""Blog signals of issue 12, each on a made-up spam it must catch and made-up ham of the same kind
it must leave alone. Comments are scored as a plain form sends them: no form token."""
from __future__ import annotations

import pytest

from chalicelib.spam import Submission, evaluate
from chalicelib.spam import classifier, keys

BLOCKED = ("spam", "discard")


def rules_of(verdict) -> set[str]:
    return {r.rule for r in verdict.reasons if r.score}


@pytest.fixture
def sure_classifier():
    """A classifier sure that every text is spam (P ~ .99), and no community list: what the
    other rules do against the classifier's loudest voice."""
    classifier.use_model(classifier.Model(5.0, {}, {}))
    keys.use_default_matcher(keys.KeyMatcher(()))
    yield
    classifier.reset_shipped_model()
    keys.use_default_matcher(None)


THANK_YOU_NOTES = [
    "Thank you very much for these lessons and tasks, they will help us on our way to becoming web developers.",
    "I'm truly grateful for the mentoring you give us. Your belief in our potential keeps the whole group going.",
    "Before reading this, I did not know how certificates are checked. Now I understand why the padlock matters "
    "and why a browser warns about an untrusted one. Thank you, Michael, for explaining it so patiently.",
    "Please approve me",
]


@pytest.mark.parametrize("text", THANK_YOU_NOTES, ids=lambda t: t[:24])
def test_wording_alone_never_holds_a_comment_that_promotes_nothing(sure_classifier, text):
    verdict = evaluate(Submission(author="Theo", content=text))
    assert verdict.decision == "approve", verdict
    assert any("capped" in r.detail for r in verdict.reasons if r.rule == "classifier")


@pytest.mark.parametrize("sub", [
    Submission(author="Theo", url="https://shop.example/", content=THANK_YOU_NOTES[0]),
    Submission(author="Theo", content=THANK_YOU_NOTES[0] + " More at https://shop.example/deals"),
    Submission(author="Theo", content="Great lessons! Check out my channel for more, and subscribe."),
    Submission(author="Theo", content="Thank you for the lessons. WhatsApp me on 555-201-4433 for a free course."),
], ids=["url-field", "link", "channel", "contact"])
def test_a_comment_that_could_promote_something_keeps_the_classifiers_points(sure_classifier, sub):
    verdict = evaluate(sub)
    assert verdict.decision != "approve", verdict
    assert not any("capped" in r.detail for r in verdict.reasons)


def test_two_plain_links_to_docs_only_hint_while_two_anchor_tags_hold_as_in_wordpress(sure_classifier):
    classifier.use_model(None)
    docs = ("It is possible to do this in place, see https://en.wikipedia.org/wiki/Radix_sort and the "
            "example at https://godbolt.org/z/abc123 which compiles with gcc 10.")
    cited = evaluate(Submission(author="Gautham", content=docs))
    assert cited.decision == "approve", cited
    assert "links" in rules_of(cited)
    anchors = evaluate(Submission(author="Gautham", content=(
        'Cheap deals <a href="https://a.example/">here</a> and <a href="https://b.example/">here</a>')))
    assert anchors.decision != "approve", anchors


def test_a_reader_checking_out_their_own_things_is_not_asking_readers_to_act(sure_classifier):
    classifier.use_model(None)
    mine = evaluate(Submission(content="Great post. I'm definitely going to check out my password strength more often."))
    assert "solicitation" not in rules_of(mine)
    theirs = evaluate(Submission(content="Great post. Check out my channel for more videos!"))
    assert "solicitation" in rules_of(theirs)
