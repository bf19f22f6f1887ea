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


@pytest.fixture
def rules_only():
    """No classifier and no community list: each signal is seen on its own."""
    classifier.use_model(None)
    keys.use_default_matcher(keys.KeyMatcher(()))
    yield
    classifier.reset_shipped_model()
    keys.use_default_matcher(None)


def test_adult_leak_link_spam_is_blocked_while_leaked_in_tech_prose_is_nothing(rules_only):
    spam = evaluate(Submission(author="Jenna Rae ONLY FANS LEAKS", url="https://leakvault.example/jenna-rae",
                               content="Jenna Rae Only Fans Leaked Fansly Leaks Mega Folder Download Link ( https://leakvault.example )"))
    assert spam.decision in BLOCKED, spam
    prose = evaluate(Submission(author="Freya", content="Overwritten values are leaked as heat, and the key leaked into the logs."))
    assert "sales-terms" not in rules_of(prose) and prose.decision == "approve"


def test_a_money_scam_through_a_script_page_is_blocked_and_a_reader_sharing_a_script_is_not(rules_only):
    scam = evaluate(Submission(author="Robertvep", content=(
        "LAST CHANCE: CLAIM YOUR $48,500 PRIZE NOW https://script.google.com/macros/s/AKfyc0bXqLmZ/exec")))
    assert {"url-redirector", "sales-terms"} <= rules_of(scam)
    assert scam.decision in BLOCKED, scam
    reader = evaluate(Submission(author="Ines", content=(
        "I automated the sheet with a small Apps Script, it is here if it helps anyone: "
        "https://script.google.com/macros/s/AKfyc0bXqLmZ/exec and it only reads the first tab.")))
    assert "url-redirector" in rules_of(reader)
    assert reader.decision not in BLOCKED, reader


def test_a_link_hiding_another_address_in_its_query_is_named(rules_only):
    bounced = evaluate(Submission(content="Celebrate big https://club.example.be/to?to=https%3A%2F%2Ftelegra.ph%2Fphone-07"))
    assert "url-redirector" in rules_of(bounced)
    plain = evaluate(Submission(content="Compare the output at https://godbolt.org/z/abc?lang=c%2B%2B&x=1 with gcc 10."))
    assert "url-redirector" not in rules_of(plain)


def test_a_keyword_name_that_is_the_websites_own_name_is_an_seo_anchor(rules_only):
    anchored = evaluate(Submission(author="Hairstyles VIP", url="https://www.hairstylesvip.example/mens",
                                   content="The articles you write help me a lot and I like the topic."))
    assert {"author-keywords", "seo-anchor"} <= rules_of(anchored)
    assert anchored.decision != "approve"
    person = evaluate(Submission(author="Michael Burns", url="https://michaelburns.example/",
                                 content="I am going to approve a long comment by Ashuza, it shows real understanding."))
    assert "seo-anchor" not in rules_of(person) and person.decision == "approve"


def test_the_authors_own_site_repeated_in_the_text_is_a_hint(rules_only):
    signed = evaluate(Submission(author="Jerry", url="https://luxe-style.example/",
                                 content="Fresh fashion news of the week, all the shows, in one place. https://luxe-style.example/"))
    assert "url-repeated" in rules_of(signed)
    cites = evaluate(Submission(author="Noah", url="https://noah.example/",
                                content="If it is just integers you sort, this may help: https://github.com/noah/simd-sort"))
    assert "url-repeated" not in rules_of(cites) and cites.decision == "approve"


def test_a_bot_filling_every_field_with_random_letters_is_blocked(rules_only):
    bot = evaluate(Submission(author="KqPmZrTbWxYsLe", url="http://yhGtRwQpLmZ", content="TpRqWmZbXkLs"))
    assert bot.decision in BLOCKED, bot
    camel = evaluate(Submission(author="McDonald", url="https://openstreetmap.org",
                                content="OpenStreetMap has the iPhone app you want, see OpenStreetMap."))
    assert "random-text" not in rules_of(camel)


def test_code_names_in_prose_are_no_random_text_but_a_generated_text_is(rules_only):
    # A developer's reply names APIs whose humps are short ('MaxDegreeOfParallelism', 'dwRetVal'): among
    # ordinary words they are code, not a bot's letters.
    reply = evaluate(Submission(author="Stephen", content=(
        "MaxDegreeOfParallelism only applies to blocks that spin up processing tasks; GetHostByName "
        "and the dwRetVal you saw come from the older socket API, so you can ignore them here.")))
    assert "random-text" not in rules_of(reply) and reply.decision == "approve", reply
    for generated in ("TpRqWmZbXkLs", "YkDpolOXfCgmvnJL tTGmajsKSnC", "nice LDUMTdCAKpV"):
        assert "random-text" in rules_of(evaluate(Submission(author="Ann", content=generated))), generated
    # A generated token inside a link still counts, as before: the share is of the prose only.
    linked = evaluate(Submission(author="Ann", content=(
        "Nice one, have a look at the whole catalogue here http://shop.example/s/BDP?t=I9tIxe8cNkCosOqkEMGjLU5uwv6n")))
    assert "random-text" in rules_of(linked)


def test_prose_in_another_latin_language_keeps_no_classifier_points_above_the_cap():
    # The shipped classifier met Portuguese and Spanish in spam only; a reader of a Portuguese blog
    # who gives a website is no spammer for writing 'de' and 'com'. English spam keeps its points.
    from chalicelib.spam import rules

    for text in (
        "Boa noite a todos, a minha mãe tem paralisia facial desde o mês passado e os médicos dizem que vai "
        "melhorar com a fisioterapia. Alguém conhece um bom profissional na região de Campinas? Obrigada.",
        "Hola a todos, mi madre tiene este problema desde hace un mes y los médicos dicen que con la "
        "fisioterapia va a mejorar. ¿Alguien conoce un buen profesional en la zona de Valencia? Gracias.",
    ):
        verdict = evaluate(Submission(author="Regina", url="https://regina.example/", content=text))
        points = [r for r in verdict.reasons if r.rule == "classifier"]
        assert verdict.decision == "approve" and points and points[0].score <= rules.CLASSIFIER_NOTHING_PROMOTED_MAX, verdict
        assert "language" in points[0].detail
    english = evaluate(Submission(author="Cheap Loans", url="https://loans.example/", content=(
        "Best cheap loans for you and your family, get the money you need today with no credit check, "
        "visit our site now and apply in two minutes for the best rates of the year.")))
    assert any(r.rule == "classifier" and r.score > rules.CLASSIFIER_NOTHING_PROMOTED_MAX for r in english.reasons), english
    short = rules.Comment(Submission(content="Mira mi canal de música, suscríbete por favor"), rules.SiteRules(), None)
    assert rules._reads_english(short)  # too short to tell a language: the classifier's word stands
    russian = rules.Comment(Submission(content=" ".join(["Очень свежие события индустрии моды и стиля"] * 4)), rules.SiteRules(), None)
    assert rules._reads_english(russian)  # another script: the classifier learned that spam, keep its points


def test_pieces_of_a_link_are_no_foreign_prose():
    # A short English line with a video path the link finder does not take for a link: the path's
    # letters ('watch', 'v', 'q', 'zk') are no words of another language, so the classifier keeps its points.
    from chalicelib.spam import rules

    line = rules.Comment(Submission(content="Check out my new beat here: /watch?v=Qz7Kp2WxY9a DJ K4 OUT NOW"), rules.SiteRules(), None)
    assert rules._reads_english(line)
    prose = rules.Comment(Submission(content=(
        "Boa noite, a minha mãe tem paralisia facial desde 12/03 e os médicos dizem que vai melhorar com a "
        "fisioterapia, vejam /artigos?id=7 para saber mais. Obrigada a todos.")), rules.SiteRules(), None)
    assert not rules._reads_english(prose)  # the rest is still Portuguese prose


def test_a_name_in_another_script_than_the_comment_holds_at_most(rules_only):
    campaign = evaluate(Submission(author="DonaldNup", url="https://moda-news.example/", content=(
        "Очень стильные новости модного мира. Актуальные события подиумов. https://moda-news.example/")))
    assert "author-script" in rules_of(campaign)
    assert campaign.decision != "approve", campaign
    for author, text in (("伟", "很好的文章，我照着做成功了。谢谢"), ("Дмитрий", "Спасибо, статья очень помогла с настройкой сервера."),
                         ("田中", "とても分かりやすい記事でした。ありがとうございます。")):
        assert "author-script" not in rules_of(evaluate(Submission(author=author, content=text))), author
    reader = evaluate(Submission(author="dima", content="Спасибо, статья очень помогла с настройкой сервера."))
    assert reader.decision not in BLOCKED


def test_a_slip_in_the_website_field_does_not_hold_a_thank_you(rules_only):
    slip = evaluate(Submission(author="Jephte", url="http://00", content="It's good news, thank you for this."))
    assert slip.decision == "approve", slip
    made_up = evaluate(Submission(author="Jephte", url="http://QwRWLnOxl", content="It's good news, thank you for this."))
    assert made_up.decision != "approve"


def test_sites_named_in_a_sentence_are_not_counted_as_links(rules_only):
    named = evaluate(Submission(author="Efatha", content=(
        "Freelancers find work on Upwork.com and search on Google.com, and the course demo lives at "
        "https://demo.example.org while the checker is https://www.sslchecker.example/check.")))
    assert named.reasons and all(r.score < 1 for r in named.reasons if r.rule == "links")
    assert named.decision == "approve", named
    pasted = evaluate(Submission(content="https://a.example/x https://b.example/y https://c.example/z and more"))
    assert "links" in rules_of(pasted) and pasted.decision != "approve"
