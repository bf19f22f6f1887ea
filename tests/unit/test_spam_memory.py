"""The site-local spam memory as the engine reads it: what this site's moderators marked spam before."""
from __future__ import annotations

from chalicelib.spam import SiteMemory, Submission, evaluate, memory_domains

PLAIN = "Thanks, this helped my lower back a lot. I will try the stretches tonight."


def test_an_email_this_site_marked_spam_blocks_the_next_comment():
    verdict = evaluate(Submission(author="Anna", content=PLAIN), memory=SiteMemory(email=1))
    assert verdict.decision in ("spam", "discard")
    assert "memory-email" in {r.rule for r in verdict.reasons}
    assert "@" not in " ".join(r.detail for r in verdict.reasons)


def test_a_domain_this_site_marked_spam_blocks_but_a_common_one_only_holds():
    content = PLAIN + " More at https://cheap-pills.example/back"
    own = evaluate(Submission(content=content), memory=SiteMemory(domains=("cheap-pills.example",)))
    assert own.decision in ("spam", "discard")
    common = evaluate(Submission(content=PLAIN + " https://youtube.com/watch?v=1"), memory=SiteMemory(domains=("youtube.com",)))
    assert common.decision != "approve"
    assert {"memory-common-domain"} <= {r.rule for r in common.reasons}
    assert "memory-domain" not in {r.rule for r in common.reasons}


def test_a_marked_ip_alone_holds_and_never_blocks_since_ips_are_shared():
    for count in (1, 2, 50):
        verdict = evaluate(Submission(author="Anna", content=PLAIN), memory=SiteMemory(ip=count))
        assert verdict.decision == "hold", (count, verdict)


def test_no_memory_or_an_empty_one_changes_nothing():
    plain = evaluate(Submission(author="Anna", content=PLAIN))
    assert evaluate(Submission(author="Anna", content=PLAIN), memory=SiteMemory()) == plain
    assert plain.decision == "approve"


def test_memory_domains_are_registrable_lower_case_url_field_first_and_at_most_five():
    s = Submission(
        url="https://www.Shop.Example.co.uk/x",
        content="see http://blog.spam.example.com/a, www.Bit.ly/x, me.blogspot.com, a.org b.net c.info d.biz",
    )
    assert memory_domains(s) == ["example.co.uk", "example.com", "bit.ly", "me.blogspot.com", "a.org"]
    assert memory_domains(Submission(content=PLAIN)) == []
    assert memory_domains(None) == []  # never raises
