"""The phrase lists of the blog spam rules: what blog spam sells, how it flatters, how it pitches.

Drawn from what Akismet and Antispam Bee document and from the shapes of comment spam every blog
sees (support-number scams, SEO anchors, outreach pitches, template praise), not from one site's
spam. Patterns run over lower-case, whitespace-collapsed visible text; each is bounded (no nested
repeats), so a 65 KB comment costs linear time.
"""
from __future__ import annotations

import re
from functools import cache
from typing import Iterable, Iterator

from . import precompiled
from .text import Lazy


class Phrase(Lazy):
    """A pattern compiled on its first search. A list's own patterns run only where its any_of
    gate matched, so in a short-lived (Lambda) process most never compile: the combined patterns
    cost no cold start beyond what compiling each list did."""

    __slots__ = ()


def first_matches(patterns: Iterable[Phrase], gate: Gate, text: str) -> list[re.Match | None]:
    """What `pattern.search(text)` returns for each pattern of a list, with `gate` its any_of.

    A pattern can only match where one of its branches does, and each branch is in the gate: so
    each pattern is tried (anchored, lookbehinds and \\b still seeing the text before) only where the
    gate matches, in order, and the first that matches is the leftmost match, as search finds it.
    One pass of the gate instead of one search of the text per pattern."""
    at = gate.starts(text)
    if not at:
        return [None for _ in patterns]
    return [next((m for pos in at if (m := pattern.match(text, pos))), None) for pattern in patterns]


class Gate:
    """One search for where any of a list's patterns matches (see any_of)."""

    __slots__ = ("_sources", "_branches", "_compiled", "_words", "_others")

    def __init__(self, sources: tuple[str, ...]):
        # The patterns' text; their branches are read (pure-Python parsing, so not at import) and
        # compiled on first use.
        self._sources = sources
        self._branches: tuple[list[str], list[str]] | None = None
        self._compiled = False
        self._words: re.Pattern | None = None
        self._others: re.Pattern | None = None

    def _read(self) -> tuple[list[str], list[str]]:
        if self._branches is None:
            at_word: list[str] = []
            others: list[str] = []
            for source in self._sources:
                words, rest = _branches_of(source)
                at_word += words
                others += rest
            self._branches = (at_word, others)
        return self._branches

    def _compile(self) -> None:
        # '\bX', X beginning with a word character, matches where X follows a non-word character or
        # the start: so '\W(?:X)' over the text after one space. Beginning with a character class, the
        # pattern lets the engine scan for candidates in a tight loop instead of starting a match at
        # every position (a pattern that begins with '\b' costs ~40 ns a character, words or not).
        # Lookbehinds in X that begin with a word character cannot see the space, as they could not
        # see before the start. Branches are grouped by first letter (_by_first_letter) for speed too.
        kept = precompiled.gate_patterns(self._sources)
        words, others_pattern = kept if kept is not None else self.made_patterns()
        self._words = precompiled.compile(words) if words else None
        self._others = precompiled.compile(others_pattern) if others_pattern else None
        self._compiled, self._branches = True, None

    @property
    def sources(self) -> tuple[str, ...]:
        """The texts of the patterns it unites."""
        return self._sources

    def made_patterns(self) -> tuple[str | None, str | None]:
        """The patterns its branches make, for its words and its others (precompiled.py keeps them)."""
        return self._patterns(*self._read())

    @classmethod
    def union(cls, gates: Iterable[Gate]) -> Gate:
        """One gate that matches where any of `gates` does (the branches of all their patterns)."""
        return cls(tuple(source for gate in gates for source in gate._sources))

    @staticmethod
    def _patterns(at_word: list[str], others: list[str]) -> tuple[str | None, str | None]:
        words = r"\W(?:" + "|".join(_by_first_letter(at_word, keep_order=False) or []) + ")" if at_word else None
        return words, "|".join(f"(?:{b})" for b in others) if others else None

    def patterns(self) -> Iterator[tuple[str, int]]:
        """What it compiles (precompiled.py keeps their code)."""
        if not self._compiled:
            found = self.made_patterns()
        else:
            found = (self._words.pattern if self._words else None, self._others.pattern if self._others else None)
        yield from ((pattern, 0) for pattern in found if pattern)

    def search(self, text: str) -> bool:
        """Whether any pattern of the list matches somewhere in text."""
        if not self._compiled:
            self._compile()
        if self._words is not None and self._words.search(" " + text):
            return True
        return self._others is not None and self._others.search(text) is not None

    def starts(self, text: str) -> list[int]:
        """Every position where a pattern of the list matches, overlapping ones too, in order."""
        if not self._compiled:
            self._compile()
        found: list[int] = []
        if self._words is not None:
            padded = " " + text
            match = self._words.search(padded)
            while match:
                found.append(match.start())  # the word begins after the non-word character, one on in padded
                match = self._words.search(padded, match.start() + 1)
        if self._others is not None:
            match = self._others.search(text)
            while match:
                found.append(match.start())
                match = self._others.search(text, match.start() + 1)
            found = sorted(set(found))
        return found


class WordPattern:
    """A pattern of alternatives that each begin with `\\b` and a word character, searched as Gate
    does (after a non-word character, see Gate), compiled on first use. `find` gives the text of
    the leftmost match, the same as `re.search(pattern, text).group(0)`: the leftmost place where
    a word begins and the pattern matches, and there the same alternative."""

    __slots__ = ("pattern", "_compiled", "_plain")

    def __init__(self, pattern: str):
        self._plain = Lazy(pattern)  # for search(): the pattern as written
        branches = _top_level_branches(pattern)
        if not all(branch.startswith("\\b") and _begins_with_word_character(branch[2:]) for branch in branches):
            raise ValueError("every alternative must begin with \\b and a word character")
        self.pattern = pattern
        self._compiled: re.Pattern | None = None

    def _find_pattern(self) -> str:
        stripped = [branch[2:] for branch in _top_level_branches(self.pattern)]
        return r"\W((?:" + "|".join(_by_first_letter(stripped, keep_order=True) or stripped) + "))"

    def patterns(self) -> Iterator[tuple[str, int]]:
        """What it compiles (precompiled.py keeps their code)."""
        yield self._find_pattern(), 0
        yield from self._plain.patterns()

    def find(self, text: str) -> str | None:
        if self._compiled is None:
            self._compiled = precompiled.compile(self._find_pattern())
        match = self._compiled.search(" " + text)
        return match.group(1) if match else None

    def search(self, text: str) -> re.Match | None:
        """The pattern's own search (a Match), for callers that need more than find's text."""
        return self._plain.search(text)


# A lookbehind's first element: one that must be a word character (a letter, a digit, \d, \w) cannot
# see the space Gate puts before the text, as it could not see before the start.
_LOOKBEHIND = re.compile(r"\(\?<[=!](?:\\b)?(\\[dw]|.)")


def any_of(patterns: Iterable[re.Pattern | Phrase]) -> Gate:
    """One search that matches where any of `patterns` does. Most comments match none of a list, so
    rules ask this first and run the list itself only where it matched (same answers, fewer passes).
    The alternatives that begin at a word boundary (with a word character) are searched together
    after a non-word character (see Gate); the others as they are."""
    return Gate(tuple(pattern.pattern for pattern in patterns))


@cache
def _branches_of(pattern: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A pattern's top-level branches that begin at a word boundary with a word character (without
    the '\\b'), and its others (see any_of). Remembered: a list's gate and a union holding it read the
    same patterns."""
    at_word, others = [], []
    for branch in _top_level_branches(pattern):
        if branch.startswith("\\b") and _begins_with_word_character(branch[2:]) and all(
            m.group(1).isalnum() or m.group(1) in ("\\d", "\\w") for m in _LOOKBEHIND.finditer(branch)
        ):
            at_word.append(branch[2:])
        else:
            others.append(branch)
    return tuple(at_word), tuple(others)


def _begins_with_word_character(branch: str) -> bool:
    """Whether every match of branch begins with a word character (conservatively: a literal letter
    or digit, \\d or \\w, a lookahead for one, or a group of alternatives that each do; after an
    optional group, what follows it too)."""
    if branch[:1].isalnum() or branch[:2] in ("\\d", "\\w"):
        return branch[1 + (branch[0] == "\\") :][:1] not in ("?", "*", "{")  # 'a?' may begin with what follows
    if branch.startswith("(?=") or branch.startswith("(?:"):
        end = _group_end(branch)
        if end is None:
            return False
        after = branch[end + 1 :]
        if branch.startswith("(?:") and after[:1] in ("?", "*"):
            if not _begins_with_word_character(after[1:]):
                return False
        elif branch.startswith("(?:") and after[:1] == "{":
            return False
        return all(_begins_with_word_character(alternative) for alternative in _top_level_branches(branch[3:end]))
    return False


_QUANTIFIERS = ("?", "*", "+", "{")
_MAX_COPIED = 160  # characters of pattern that opening up one leading group may copy (a longer pattern compiles slower)


def _by_first_letter(branches: list[str], keep_order: bool) -> list[str] | None:
    """Branches as 'c(?:rest|rest)' groups, one per first letter, in the order letters first occur.

    The regex engine tries a branch that begins with a letter only where the text has that letter
    (a test of one character), but enters any other branch; so a leading group is opened up:
    '(?:buy|order) x' becomes 'b(?:uy x)' and 'o(?:rder x)'. Branches that cannot be opened up
    (a lookaround, a class or a quantified group first) come after the groups; with `keep_order`
    their presence returns None instead (an order change could change which alternative wins)."""
    groups: dict[str, list[str]] = {}
    rest: list[str] = []
    for branch in branches:
        pairs = _first_letters(branch)
        if pairs is None:
            if keep_order:
                return None
            rest.append(branch)
            continue
        for letter, tail in pairs:
            groups.setdefault(letter, []).append(tail)
    return [f"{letter}(?:{'|'.join(tails)})" for letter, tails in groups.items()] + rest


@cache
def _first_letters(branch: str) -> tuple[tuple[str, str], ...] | None:
    """(first letter, the rest) for each way branch can begin, in order, or None when it does not
    begin with a letter or a non-capturing group of alternatives that each do. Remembered: a
    branch of a list is read for its own gate and again for the union of gates (Gate.union) that
    holds it, and reading is pure-Python parsing, a cold start's cost."""
    if branch[:1].isalnum() and branch[1:2] not in _QUANTIFIERS:
        return ((branch[0], branch[1:]),)
    if not branch.startswith("(?:"):
        return None
    end = _group_end(branch)
    if end is None or branch[end + 1 : end + 2] in _QUANTIFIERS:
        return None
    pairs: list[tuple[str, str]] = []
    after = branch[end + 1 :]
    for alternative in _top_level_branches(branch[3:end]):
        inner = _first_letters(alternative)
        if inner is None:
            return None
        pairs += [(letter, tail + after) for letter, tail in inner]
    if (len({letter for letter, _ in pairs}) - 1) * len(after) > _MAX_COPIED:
        return None  # what follows the group would be copied into each letter's group: a long pattern compiles slowly
    return tuple(pairs)


def _syntax(pattern: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth before it) of each character of a pattern that is neither escaped
    nor inside a character class: where its groups and alternatives are."""
    depth, in_class, i = 0, False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 1  # an escaped character is a literal, whatever it is
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":  # ']' first in a class is a literal
                i += 1
        else:
            yield i, ch, depth
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
        i += 1


def _group_end(pattern: str) -> int | None:
    """Index of the ')' closing the group that opens pattern, or None."""
    return next((i for i, ch, depth in _syntax(pattern) if ch == ")" and depth == 1), None)


def _top_level_branches(pattern: str) -> list[str]:
    """A pattern's alternatives outside any group or character class ('a|(b|c)' -> 'a', '(b|c)')."""
    branches, start = [], 0
    for i, ch, depth in _syntax(pattern):
        if ch == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
    return branches + [pattern[start:]]


# A phone number as support scams write it: 1-888-555-0123, +1 (800) 555 0123, 1 844 555 0123.
PHONE = Phrase(r"(?<![\w.])(?:\+?\d{1,3}[\s.\-]{0,2})?\(?\d{3}\)?[\s.\-]{0,2}\d{3}[\s.\-]{0,2}\d{4}(?!\w|[.\-]\d)")
_THREE_DIGITS = re.compile(r"\d\d\d")  # what a phone number cannot lack: a scan in C, where PHONE tries every place


def has_phone(text: str) -> bool:
    return _THREE_DIGITS.search(text) is not None and PHONE.search(text) is not None


SUPPORT = WordPattern(
    r"\b(?:customer (?:service|support|care)|tech(?:nical)? support|support (?:number|phone|line|team)|"
    r"help ?line|helpdesk|toll[\s-]?free|hotline|phone number|contact number|call (?:us|now|at))\b"
)
# Brands support scams name (they pose as the brand's help desk).
BRANDS = WordPattern(
    r"\b(?:norton|mcafee|avast|avg|kaspersky|bitdefender|webroot|malwarebytes|quickbooks|quicken|sage|turbotax|"
    r"hp|epson|canon|brother|lexmark|dell|lenovo|asus|acer|apple|icloud|itunes|microsoft|outlook|hotmail|office ?365|"
    r"windows|gmail|google|yahoo|aol|comcast|xfinity|verizon|at&t|roadrunner|spectrum|cox|sbcglobal|bellsouth|"
    r"facebook|instagram|whatsapp|paypal|venmo|cash ?app|coinbase|binance|blockchain|metamask|trust wallet|"
    r"amazon|alexa|roku|netflix|hulu|garmin|tomtom|magellan|rand mcnally|airlines?|delta|united|lufthansa|emirates|"
    r"expedia|booking|cisco|netgear|linksys|belkin|arlo|ring|nest|kindle|printer|router|antivirus)\b"
)

MONEY_SCAM = "crypto / money"
# What blog spam sells, as its anchors and keyword names say it. Each entry is one label.
SALES = tuple(
    (label, Phrase(pattern))
    for label, pattern in (
        ("training in <city>", r"\b(?:training|course|courses|classes|coaching|institute|academy|certification)"
                               r" (?:in|at|near) (?:chennai|bangalore|bengaluru|hyderabad|pune|mumbai|delhi|noida|"
                               r"gurgaon|gurugram|kolkata|ahmedabad|kochi|coimbatore|madurai|chandigarh|jaipur|lucknow|"
                               r"indore|nagpur|thane|lahore|karachi|islamabad|dubai|dhaka|velachery|tambaram|marathahalli|"
                               r"btm|omr|anna nagar|ameerpet|kphb|india)\b"),
        ("buy cheap", r"\b(?:buy|order|purchase)(?: \w+){0,2} (?:cheap|online|discount|wholesale)\b|\bcheap (?:\w+ ){0,2}"
                      r"(?:for sale|online|from china|wholesale|outlet|free shipping)\b"),
        ("wholesale / factory", r"\b(?:wholesale|china|factory|outlet) (?:\w+ ){0,2}(?:jerseys?|hats?|shoes|bags|handbags|"
                                r"sunglasses|watches|boots)\b|\b(?:jerseys?|snapbacks?|handbags|sunglasses) (?:china|wholesale|"
                                r"cheap|outlet|for sale|free shipping)\b"),
        ("replica", r"\breplicas?\b|\bknock ?offs?\b|\bfake (?:rolex|watches|bags)\b"),
        ("loans", r"\b(?:payday|personal|business|instant|quick|fast|easy|cash|title|bad credit|installment) loans?\b|"
                  r"\bloans? (?:online|fast|today|with bad credit)\b|\bmerchant cash advance\b|\bbusiness (?:capital|funding)\b"),
        ("casino / betting", r"\b(?:online )?casinos?\b|\bslot (?:machines?|games?|online)\b|\bsports? betting\b|"
                             r"\bbetting (?:site|tips|online)\b|\bpoker online\b|\bfree spins\b|\bjackpot\b|\bslot gacor\b"),
        # "leaked" alone is ordinary tech prose (memory, keys, heat): the adult kind names what leaked.
        ("leaked", r"\bonly ?fans\b|\bfansly\b|\bnudes?\b|\bsex ?tapes?\b|\bleak(?:ed|s)? (?:nudes|pics|photos|videos|content|folder)\b"),
        ("mega folder / download link", r"\bmega (?:link|folder|download)s?\b|\bleaks? (?:archive|folder|download|zone|updates)\b|"
                                        r"\b(?:folder|leaks?|leaked) download link\b"),
        ("pills", r"\b(?:viagra|cialis|levitra|tramadol|xanax|valium|phentermine|kamagra|oxycodone|adderall)\b|"
                  r"\b(?:online )?pharmacy\b|\bweight ?loss (?:pills|supplements?)\b|\bketo (?:pills|gummies|diet pills)\b|"
                  r"\bcbd (?:oil|gummies)\b"),
        ("adult", r"\bporn\w*\b|\bxxx\b|\bescorts?\b|\bcall girls?\b|\bhot (?:girls|singles)\b|\bsex (?:chat|cam|dating)\b|"
                  r"\bпорно\b|\bсекс\b"),
        ("essays", r"\b(?:write my|buy|cheap|custom) (?:essays?|papers?|assignments?|homework)\b|\bessay writing service\b"),
        ("SEO services", r"\b(?:seo|link ?building|guest post(?:ing)?|backlinks?) (?:services?|company|agency|packages?)\b|"
                         r"\bbuy (?:backlinks|followers|likes|views|reviews)\b|\bhigh (?:da|pr) backlinks?\b"),
        (MONEY_SCAM, r"\b(?:bitcoin|crypto|btc|usdt|forex) (?:investment|trading|recovery|mining|profits?|signals?)\b|"
                           r"\b(?:recover|recovery of) (?:lost|stolen|scammed) (?:funds|crypto|bitcoin|money)\b|"
                           r"\b(?:withdraw|claim|receive|collect|secure) your \$?\d|\byour (?:winnings|prize|reward|bonus)\b|"
                           r"\$\d[\d,]{3,}(?:\.\d\d)? (?:prize|jackpot|in winnings|winnings|reward|payout)\b|"
                           r"\b(?:balance|payout|transfer) (?:is |of )?(?:just )?\$\d|"
                           r"\bhack(?:er|ers)? for hire\b|\bspell ?caster\b|\blove spell\b"),
    )
)
ANY_SALES = any_of(pattern for _, pattern in SALES)
_SALES_PATTERNS = [pattern for _, pattern in SALES]


def sales_labels(text: str) -> list[str]:
    """The labels of SALES whose pattern occurs in text, in SALES order."""
    return [label for (label, _), match in zip(SALES, first_matches(_SALES_PATTERNS, ANY_SALES, text)) if match]

# Template praise: phrases that fit any post (so a bot can leave them under every post). Alone they
# are what readers say too; two or more with a link is the classic WordPress spam template.
FLATTERY = tuple(
    Phrase(pattern)
    for pattern in (
        r"\b(?:great|nice|good|awesome|excellent|wonderful|fantastic|superb|useful|informative|valuable|impressive|fastidious)"
        r" (?:post|article|blog|site|website|web site|webpage|write ?up|information|info|content|read|piece of writing|paragraph)\b",
        r"\bthanks? (?:you )?(?:for|4) (?:sharing|this (?:post|article|information|info)|the (?:post|article|info))\b",
        r"\bkeep (?:up )?(?:the )?(?:good|great|nice|excellent|fantastic) (?:work|job|writing)\b|\bkeep (?:it up|posting|writing)\b",
        r"\bbookmark(?:ed|ing)?\b|\badded (?:it |you )?to my (?:favou?rites|bookmarks|feed)\b|\brss feed\b",
        r"\b(?:i (?:found|discovered|came across|stumbled (?:up)?on)|came across|stumbled (?:up)?on) (?:your|this) "
        r"(?:blog|site|website|web site|webpage|page|post|article)\b",
        r"\b(?:your|this) (?:blog|site|website|web site|webpage) (?:is|has|deserves|rocks)\b",
        r"\bi (?:will|ll|'ll) (?:be back|come back|return|check back|definitely be back)\b|\bcome back (?:later|again|soon)\b",
        r"\bquality (?:content|posts|articles|information)\b|\bvery (?:informative|helpful|useful|interesting) "
        r"(?:post|article|blog|site|information)\b",
        r"\b(?:skilled|talented|great) (?:blogger|writer|author)\b|\byou (?:have|ve) (?:a )?(?:great|good|nice) readers\b",
        r"\bi (?:must|have to) say\b|\bi (?:really )?(?:like|love|enjoyed) (?:your|this) (?:blog|site|website|post|article|writing)\b",
        r"\b(?:hi|hello|hey|howdy) (?:there|blogger|admin|webmaster)\b|\bdear (?:admin|webmaster|blogger)\b",
        r"\bcontinue (?:your|the) (?:writing|good work)\b|\bwhy the (?:opposite|other) (?:specialists|experts)\b",
    )
)
ANY_FLATTERY = any_of(FLATTERY)

# The outreach pitch: a marketer writing to the site owner, not a reader to the post.
PITCH = tuple(
    Phrase(pattern)
    for pattern in (
        r"\b(?:more|targeted|free|real|organic) (?:visitors|traffic|leads|customers|sales|hits|likes|followers)\b",
        r"\b(?:first|top) page (?:of|on) google\b|\brank(?:ing)? (?:higher|#?1|first|on google)\b|\bsearch engine"
        r" (?:optimi[sz]ation|rankings?|results)\b",
        r"\bgo(?:ing)? viral\b|\bdrop you a (?:quick )?(?:note|line)\b|\binstead of calling you\b",
        r"\byour (?:site|website|business|web site) (?:could|can|will|needs|has the potential|is probably)\b",
        r"\b(?:grow|boost|increase|skyrocket) your (?:business|sales|traffic|revenue|rankings?|website|site)\b",
        r"\b(?:pre-?qualified|no(?:-| )cost|risk-? free|no obligation|limited time|act (?:fast|now)|urgent(?:ly)?)\b",
        r"\b(?:reply|respond) (?:with )?(?:stop|unsubscribe)\b|\bto unsubscribe\b",
        r"\b(?:search|google) for:? [\w'’]+(?:'s)? tools?\b",
    )
)
ANY_PITCH = any_of(PITCH)

# The first word of a search engine's or a platform's home page: a fake "website" in the URL field.
FAKE_HOMEPAGES = frozenset(
    """google bing yahoo duckduckgo yandex baidu ask aol facebook twitter instagram youtube""".split()
)

# Words of a business, not a person, in an author name ("Smart Financial Funding", "Hairstyles VIP").
BUSINESS_NAME = WordPattern(
    r"\b(?:seo|marketing|services?|solutions|agency|store|shop|online|official|ltd|llc|inc|company|consulting|"
    r"digital|funding|finance|financial|loans?|fashion|styles?|hairstyles|proxies|proxy|vip|deals|discounts?|"
    r"coupons?|reviews?|jerseys?|cheap|wholesale|outlet|casino|bet|leaks?|fans|download|free|best|buy|sale|"
    r"repair|cleaning|movers|plumbing|lawyers?|attorneys?|dentist|clinic|pharmacy|insurance|tours|travels?|"
    r"rentals?|escorts?|dating|crypto|bitcoin|forex|trading|academy|institute|training)\b"
)

# What a comment needs to promote anything when it has no link: a place to go, an act to do, a
# thing to get, a way to make contact ("check out my channel", "search 'Dizzy X'", "free gift card",
# "WhatsApp me"). A comment with none of these and no link, website or phone number sells nothing.
# Through any_of: its alternatives share one leading \b.
PROMOTION = any_of([Phrase(
    r"\b(?:channel|canal|subscrib(?!ing\b)\w*|subs|sub4sub|followers|videos?|youtube|you tube|songs?|music|lyrics|remix|"
    r"gameplay|click|watch|vote|views|likes|playlist|downloads?|money|cash|earn(?:ing)?|"
    r"prize|giveaway|winners?|price|prices|pricing|buy|sale|discount|promo|coupon|bonus|paypal|gift ?cards?|"
    r"whatsapp|telegram|wechat|kakao|viber|skype|instagram|facebook|tiktok|twitter|snapchat|"
    r"contact (?:me|us)|call (?:me|us)|e-?mail me|dm me|message me|hit me up)\b"
    r"|\b(?:my|our) (?:new |own |first |latest )?(?:channel|profile|videos?|vids?|music|songs?|tracks?|album|beats|"
    r"mixtape|remix|app|game|shop|store|products?|services?|comment)\b"
    r"|\b(?=check)(?<!going to )(?<!\bi will )(?<!\bi'll )(?<!\bi )check(?:ed|ing)? (?:out|(?:me|us|'?em|them|it|this) out|my|our)\b"
    r"|\b(?:visit|follow) (?:my|our|me|us)\b|\bsearch (?:for )?[\"“']|\bsearch up\b|\blook (?:\w+ ){0,2}up\b|"
    r"\bthumbs up\b|\blike (?:this|my) (?:comment|video|pic|photo|page|post)\b|\blike please\b|"
    r"\b(?:please|pls|plz|see and) share\b|\bshare (?:this|my) (?:video|channel|page|link|song|music)\b|\bw w w\b|"
    r"\b(?:raps?|rapper|producer|youtuber|gamer|gaming)\b"
)])
EMAIL_ADDRESS = Phrase(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,4}\.[a-z]{2,24}\b")
