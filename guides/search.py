"""Search that understands the words people use: synonyms, word forms and small typos.

A query becomes a list of *groups*: one per idea the person typed, each a set of word roots
that would do ("broke into" → burglary, burgl, break). A page matches a group when any of its
words starts with one of the roots. Pages matching every group come first; when none does,
pages matching the most groups are shown instead.

PostgreSQL does the matching and ranking with its full-text search (English configuration,
prefix queries, weighted title, summary and body, ``ts_rank``) and writes the highlighted
snippets (``ts_headline``). Other databases (SQLite, the embedded default) use a small
in-Python index over the same words. Both share the synonyms, roots and typo fixes here.
"""

from __future__ import annotations

import difflib
import html
import math
import re
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils.safestring import SafeString, mark_safe

from guides.models import Guide, RightsPage, Step
from pages.service_numbers import fill_numbers_in_text

# Phrases and words people use, and words the content uses for the same thing. Longest first wins.
SYNONYMS: dict[str, list[str]] = {
    # Burglary and theft
    "break in": ["burglary", "broken"],
    "break ins": ["burglary", "broken"],
    "broke in": ["burglary", "broken"],
    "broke into": ["burglary", "broken"],
    "broken into": ["burglary", "broken"],
    "breaking in": ["burglary", "broken"],
    "burgled": ["burglary"],
    "burglar": ["burglary"],
    "burglars": ["burglary"],
    "robbed": ["robbery", "theft", "stolen"],
    "mugged": ["robbery", "theft", "stolen"],
    "nicked": ["stolen", "theft"],
    "stole": ["stolen", "theft"],
    "steal": ["stolen", "theft"],
    "house": ["home"],
    "flat": ["home"],
    "locks": ["lock", "security"],
    "alarm": ["alarm", "security"],
    # Fraud
    "scam": ["scam", "fraud"],
    "scams": ["scam", "fraud"],
    "scammed": ["scam", "fraud"],
    "scammer": ["scam", "fraud"],
    "conned": ["scam", "fraud"],
    "con": ["scam", "fraud"],
    "ripped off": ["scam", "fraud"],
    "fraudster": ["fraud"],
    "lost money": ["money", "fraud"],
    "catfished": ["romance", "fraud"],
    "dating": ["romance", "dating"],
    "crypto": ["investment", "crypto"],
    "bitcoin": ["investment", "crypto"],
    "bank": ["bank", "money"],
    # Court and witnesses
    "court": ["court"],
    "trial": ["trial", "court"],
    "give evidence": ["evidence", "court"],
    "giving evidence": ["evidence", "court"],
    "saw": ["witness"],
    "seen": ["witness"],
    "witnessed": ["witness"],
    "special measures": ["special measures"],
    "screen": ["screen", "special measures"],
    "video link": ["video link", "special measures"],
    "expenses": ["expenses", "costs"],
    # Compensation
    "compensation": ["compensation"],
    "compo": ["compensation"],
    "payout": ["compensation"],
    "money back": ["compensation", "refund"],
    "cica": ["compensation"],
    "injury": ["injury", "injured", "compensation"],
    "injured": ["injury", "injured", "compensation"],
    # Rights and the justice system
    "rights": ["rights", "victims code"],
    "victims code": ["victims code"],
    "victim code": ["victims code"],
    "victims charter": ["victims code"],
    "right to review": ["right to review"],
    "case dropped": ["right to review", "decision"],
    "no further action": ["right to review", "no further action"],
    "police": ["police", "report"],
    "personal statement": ["personal statement"],
    "impact statement": ["personal statement"],
    "time off": ["time off", "work"],
    "employer": ["employer", "work"],
    "boss": ["employer", "work"],
    "job": ["work", "employer"],
    # Stalking, harassment, threats
    "stalker": ["stalking"],
    "stalked": ["stalking"],
    "followed": ["following", "stalking"],
    "following me": ["following", "stalking"],
    "threatened": ["threat"],
    "threatening": ["threat"],
    "threats": ["threat"],
    "harassed": ["harassment"],
    "bullied": ["harassment", "bullying"],
    "bullying": ["harassment", "bullying"],
    "trolls": ["trolling", "social media"],
    "trolled": ["trolling", "social media"],
    "trolling": ["trolling", "social media"],
    "abuse online": ["online", "abuse"],
    "cyberstalking": ["stalking", "online"],
    "hacked": ["hacked", "accounts"],
    "hacker": ["hacked", "accounts"],
    "password": ["password", "accounts"],
    # Domestic abuse
    "domestic violence": ["domestic abuse"],
    "partner": ["partner", "domestic abuse"],
    "husband": ["partner", "domestic abuse"],
    "wife": ["partner", "domestic abuse"],
    "boyfriend": ["partner", "domestic abuse"],
    "girlfriend": ["partner", "domestic abuse"],
    "coercive": ["coercive control"],
    "controlling": ["coercive control", "control"],
    "controls my money": ["financial abuse"],
    "takes my money": ["financial abuse"],
    # Hate crime
    "racist": ["hate crime", "race"],
    "racism": ["hate crime", "race"],
    "homophobic": ["hate crime", "sexual orientation"],
    "transphobic": ["hate crime", "transgender"],
    "disability hate": ["hate crime", "disability"],
    "religious": ["hate crime", "religion"],
    # Anti-social behaviour
    "asb": ["antisocial behaviour"],
    "anti social": ["antisocial"],
    "anti-social": ["antisocial"],
    "neighbour": ["neighbour", "antisocial behaviour"],
    "neighbours": ["neighbour", "antisocial behaviour"],
    "noise": ["noise", "antisocial behaviour"],
    "noisy": ["noise", "antisocial behaviour"],
    # Feelings
    "cant sleep": ["sleep"],
    "can't sleep": ["sleep"],
    "insomnia": ["sleep"],
    "nightmares": ["nightmares", "sleep"],
    "anxious": ["anxiety"],
    "panic attack": ["panic"],
    "panic attacks": ["panic"],
    "scared": ["fear", "afraid", "anxiety"],
    "frightened": ["fear", "afraid", "anxiety"],
    "angry": ["anger"],
    "furious": ["anger"],
    "rage": ["anger"],
    "flashbacks": ["flashbacks", "anxiety"],
    "depressed": ["low", "mood"],
    "mask": ["face coverings"],
    "masks": ["face coverings"],
    # Supporting someone
    "friend": ["supporting", "someone"],
    "helping": ["supporting"],
    "support someone": ["supporting"],
    "my child": ["supporting"],
    "mum": ["supporting"],
    "dad": ["supporting"],
}

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "again",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "being",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "for",
        "from",
        "get",
        "getting",
        "got",
        "had",
        "has",
        "have",
        "having",
        "help",
        "how",
        "i",
        "if",
        "im",
        "i'm",
        "in",
        "into",
        "is",
        "it",
        "its",
        "it's",
        "just",
        "me",
        "my",
        "myself",
        "need",
        "new",
        "no",
        "not",
        "now",
        "of",
        "off",
        "on",
        "or",
        "our",
        "out",
        "please",
        "so",
        "some",
        "someone",
        "something",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "they",
        "this",
        "to",
        "too",
        "up",
        "us",
        "very",
        "was",
        "we",
        "were",
        "what",
        "whats",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "happened",
        "happen",
        "happens",
    ]
)

MAX_GROUPS = 6
MIN_ROOT = 3

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SUFFIXES = [
    ("ations", ""),
    ("ation", ""),
    ("ements", ""),
    ("ement", ""),
    ("ening", ""),
    ("ened", ""),
    ("ings", ""),
    ("ing", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("ers", ""),
    ("er", ""),
    ("es", ""),
    ("ed", ""),
    ("ly", ""),
    ("s", ""),
]


def words_in(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))  # a curly apostrophe as a straight one


def root(word: str) -> str:
    """A short stem that the word's other forms start with: threatened, threats → threat; scammed → scam."""
    word = word.lower().replace("'", "")
    for suffix, replacement in _SUFFIXES:
        if not word.endswith(suffix):
            continue
        if suffix == "s" and word[-2:-1] in ("s", "u", "i"):
            continue  # harass, anxious, crisis
        if suffix == "es" and word[-3:-2] not in ("s", "x", "z", "h"):
            suffix, replacement = "s", ""  # homes → home, witnesses → witness
        stem = word[: len(word) - len(suffix)] + replacement
        if len(stem) < MIN_ROOT + 1:
            continue
        if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            stem = stem[:-1]  # scamm → scam, robb → rob
        return stem
    return word


@dataclass(frozen=True)
class Group:
    """One idea from the query: the words as typed, and every root that would match it."""

    typed: str
    roots: frozenset[str]
    phrases: frozenset[str] = frozenset()  # several words that must appear together


def parse_query(text: str, *, vocabulary: frozenset[str] = frozenset()) -> list[Group]:
    """The query as groups of roots, with synonyms added and typos fixed against ``vocabulary``."""
    words = words_in(text)
    groups: list[Group] = []
    index = 0
    longest = max(len(key.split()) for key in SYNONYMS)
    while index < len(words) and len(groups) < MAX_GROUPS:
        for size in range(min(longest, len(words) - index), 0, -1):
            phrase = " ".join(words[index : index + size])
            alternatives = SYNONYMS.get(phrase) or SYNONYMS.get(phrase.replace("'", ""))
            if alternatives:
                groups.append(_group(phrase, [phrase, *alternatives]))
                index += size
                break
        else:
            word = words[index]
            index += 1
            if word in STOPWORDS or len(word) < 2:
                continue
            fixed = _fix_typo(word, vocabulary)
            if fixed and fixed in SYNONYMS:
                groups.append(_group(word, [fixed, *SYNONYMS[fixed]]))
            else:
                groups.append(_group(word, [word, *([fixed] if fixed else [])]))
    if not groups and words:  # only little words: search for them as they are
        groups = [_group(word, [word]) for word in words[:MAX_GROUPS]]
    return groups


def _group(typed: str, alternatives: list[str]) -> Group:
    roots, phrases = set(), set()
    for alternative in alternatives:
        parts = words_in(alternative)
        if len(parts) == 1:
            roots.add(root(parts[0]))
        elif parts:
            phrases.add(" ".join(root(part) for part in parts))
    return Group(typed=typed, roots=frozenset(roots), phrases=frozenset(phrases))


def _fix_typo(word: str, vocabulary: frozenset[str]) -> str:
    """The word someone probably meant, when what they typed is in no page and no synonym."""
    if len(word) < 5 or word in SYNONYMS or not vocabulary:
        return ""
    stem = root(word)
    if any(known.startswith(stem) for known in vocabulary):
        return ""
    candidates = difflib.get_close_matches(word, [*vocabulary, *SYNONYMS], n=1, cutoff=0.8)
    return candidates[0] if candidates else ""


# --- The documents --------------------------------------------------------------------------------


@dataclass
class Result:
    kind: str  # "guide" or "page"
    item: Guide | RightsPage
    groups_matched: int
    score: float
    snippet: SafeString

    @property
    def title(self) -> str:
        return self.item.title

    @property
    def url(self) -> str:
        return self.item.get_absolute_url()

    @property
    def slug(self) -> str:
        return self.item.slug


VOCABULARY_KEY = "guides-search-vocabulary"
VOCABULARY_SECONDS = 10 * 60  # an editor's new words are known to typo fixing within ten minutes


def vocabulary() -> frozenset[str]:
    """Every word of four letters or more in the published guides and pages, for fixing typos. Cached."""
    key = VOCABULARY_KEY
    found = cache.get(key)
    if found is None:
        found = set()
        for text in _all_text():
            found.update(word for word in words_in(text) if len(word) >= 4 and not word.isdigit())
        found = frozenset(found)
        cache.set(key, found, timeout=VOCABULARY_SECONDS)
    return found


def _all_text() -> list[str]:
    texts = list(Guide.objects.published().values_list("title", "summary"))
    texts += list(Step.objects.filter(guide__in=Guide.objects.published()).values_list("title", "body_markdown"))
    texts += list(RightsPage.objects.published().values_list("title", "summary", "body_markdown"))  # type: ignore[arg-type]
    return [" ".join(row) for row in texts]


def search(text: str, *, user: Any, limit: int = 30) -> tuple[list[Group], list[Result], bool]:
    """Guides this person may open and published rights pages for ``text``, best first.

    Returns the groups the query became, the results, and whether the results match every group
    (False: nothing matched all of them, so these are the closest).
    """
    groups = parse_query(text, vocabulary=vocabulary())
    if not groups:
        return groups, [], True
    guides = Guide.objects.visible_to(user).select_related("topic")
    pages = RightsPage.objects.published()
    if connection.vendor == "postgresql":
        from guides import search_postgres

        results = search_postgres.ranked(groups, guides=guides, pages=pages)
    else:
        results = _ranked_in_python(groups, guides=guides, pages=pages)
    complete = [result for result in results if result.groups_matched == len(groups)]
    if complete:
        return groups, complete[:limit], True
    return groups, [result for result in results if result.groups_matched][:limit], False


# --- The in-Python fallback (SQLite) ------------------------------------------------------------

# How much a match counts in each part of a page.
WEIGHTS = {"title": 1.0, "summary": 0.4, "body": 0.1}


def _match_count(group: Group, words: list[str], joined: str) -> int:
    """How many times the group's words appear: each word that starts with a root, and each phrase."""
    count = sum(1 for word in words if word.startswith(tuple(group.roots))) if group.roots else 0
    return count + sum(_phrase_count(phrase, joined) for phrase in group.phrases)


def _phrase_count(phrase: str, joined: str) -> int:
    pattern = r"\b" + r"\w*\W+".join(re.escape(part) for part in phrase.split()) + r"\w*"
    return len(re.findall(pattern, joined))


def _ranked_in_python(groups: list[Group], *, guides: Any, pages: Any) -> list[Result]:
    steps_by_guide: dict[int, list[str]] = {}
    for guide_id, title, body in Step.objects.filter(guide__in=guides).values_list(
        "guide_id", "title", "body_markdown"
    ):
        steps_by_guide.setdefault(guide_id, []).append(f"{title}\n{body}")
    documents: list[tuple[str, Guide | RightsPage, dict[str, str]]] = [
        (
            "guide",
            guide,
            {
                "title": guide.title,
                "summary": f"{guide.summary} {guide.topic.title}",
                "body": "\n".join(steps_by_guide.get(guide.pk, [])),
            },
        )
        for guide in guides
    ]
    documents += [
        ("page", page, {"title": page.title, "summary": page.summary, "body": page.body_markdown}) for page in pages
    ]
    results = []
    for kind, item, parts in documents:
        words = {name: words_in(text) for name, text in parts.items()}
        joined = {name: " ".join(found) for name, found in words.items()}
        matched, score = 0, 0.0
        for group in groups:
            counts = {name: _match_count(group, words[name], joined[name]) for name in parts}
            if any(counts.values()):
                matched += 1
                # More mentions count for more, but less and less: a long page does not win by length alone.
                score += sum(WEIGHTS[name] * (1 + math.log(count)) for name, count in counts.items() if count)
        if matched:
            results.append(
                Result(
                    kind=kind,
                    item=item,
                    groups_matched=matched,
                    score=score,
                    snippet=snippet(parts["body"] or parts["summary"], groups),
                )
            )
    results.sort(key=best_first)
    return results


def best_first(result: Result) -> tuple[Any, ...]:
    """Most of the query matched, then the highest score, then guides before pages, in the editors' order."""
    item = result.item
    place = (item.topic.order, item.order) if isinstance(item, Guide) else (item.order, 0)
    return (-result.groups_matched, -round(result.score, 6), result.kind != "guide", *place, result.title)


# --- Snippets ---------------------------------------------------------------------------------------

START, STOP = "\u2983", "\u2984"  # never in content: they mark where a match starts and stops
SNIPPET_WORDS = 30
_MARKDOWN = re.compile(r"\[([^\]]*)\]\([^)]*\)|[*_#>`]+")


def plain(markdown: str) -> str:
    """Markdown as plain words: link text kept, marks and symbols dropped, [[number:…]] as the number."""
    text = fill_numbers_in_text(markdown)
    return " ".join(_MARKDOWN.sub(lambda match: match.group(1) or "", text).split())


def marked_up(text: str) -> SafeString:
    """Escape ``text`` and turn the START/STOP sentinels around matches into <mark> elements."""
    escaped = html.escape(text.replace("<mark>", "").replace("</mark>", ""))
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 - escaped just above


def snippet(markdown: str, groups: list[Group]) -> SafeString:
    """About thirty words around the first match, with every match highlighted."""
    words = plain(markdown).split()
    if not words:
        return mark_safe("")

    def hits(word: str) -> bool:
        found = words_in(word)
        return bool(found) and any(found[0].startswith(prefix) for group in groups for prefix in group.roots)

    first = next((index for index, word in enumerate(words) if hits(word)), 0)
    start = max(first - SNIPPET_WORDS // 3, 0)
    chosen = words[start : start + SNIPPET_WORDS]
    text = " ".join(f"{START}{word}{STOP}" if hits(word) else word for word in chosen)
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
    return marked_up(prefix + text + suffix)
