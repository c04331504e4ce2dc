"""Top topics and keywords of what people raise: feedback texts, citizens' comments and what people
write to the pages' linked Facebook Pages and Zalo OAs (congdong.listening) in a unit's subtree
over a period, segmented into Vietnamese words offline (underthesea's CRF model, shipped
in its wheel: nothing is downloaded at run time).

A keyword is a word of two or more syllables ("giao thông", "rác thải", "ô nhiễm"): single
syllables in Vietnamese are mostly function words or pieces of a word. Stopwords
(`stopwords_vi.txt`), numbers, punctuation and proper names (every syllable capitalised, such as
a person's name) are dropped. A keyword counts once per item it occurs in, and is shown only when
it occurs in the items of at least k distinct senders (`congdong.core.anonymity`: feedback
senders, comment authors and the channels' authors — each by their platform id — together),
so that a rare word cannot point at one person; the counts of items read are shown the same
way.
Topics are the categories, each with its top keywords. Only counts leave this module: never a
text.

The work is bounded: the latest MAX_TEXTS feedback items, comments and channel texts of the period,
each cut to MAX_CHARS characters, and the output says when the cap was reached. The result is
cached for CACHE_SECONDS, keyed by what was counted (a new item gives a new key).
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.core.cache import cache as django_cache
from django.db.models import Count, Max
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congdong.core.anonymity import Figure, figure, min_senders
from congdong.engagement.models import Comment, CommentState
from congdong.feedback.models import Category
from congdong.insights.figures import Period
from congdong.insights.situation import bounds, sent_in
from congdong.listening.queries import texts_in
from congdong.units.models import Unit

MAX_TEXTS = 3_000
MAX_CHARS = 2_000
MIN_ITEMS = 2
TOP = 30
TOP_PER_CATEGORY = 8
CACHE_SECONDS = 600
# `keywords(wait=False)` counts at most this many texts while the page waits (a second or so).
WAIT_TEXTS = 300
STOPWORDS_FILE = Path(__file__).with_name("stopwords_vi.txt")

DEFINITION: tuple[str | Promise, str | Promise] = (
    gettext_lazy("Keywords"),
    gettext_lazy(
        "Words of two or more syllables in the feedback sent, the citizens' comments and the "
        "comments and messages sent to the linked Facebook Pages and Zalo OAs in the period "
        "(Vietnamese word segmentation), without common words, numbers "
        "and names; each counted once per item it occurs in, and shown only when it occurs "
        "in the items of at least k different people (k: 5 unless the operator set another)."
    ),
)


@dataclass(frozen=True)
class Keyword:
    word: str
    items: int  # the feedback items and comments it occurs in (of k senders or more)


@dataclass(frozen=True)
class CategoryTopics:
    category_id: int
    name: str
    items: Figure  # feedback items of the category read ("< k" below k senders)
    keywords: list[Keyword]


@dataclass
class Topics:
    keywords: list[Keyword]
    by_category: list[CategoryTopics]
    feedback_read: Figure
    feedback_total: Figure
    comments_read: Figure
    comments_total: Figure
    capped: bool = False
    # Comments and messages sent to the linked Facebook Pages and Zalo OAs.
    channel_read: Figure = 0
    channel_total: Figure = 0
    min_senders: int = 1
    cap: int = MAX_TEXTS
    notes: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        return " ".join(self.notes)


# Keywords of texts segmented before, in this process only (never in a shared cache: they are
# close to what one person wrote): a digest of the text → its keywords, the least recently
# used dropped past SEGMENTED_KEPT. A new feedback item then costs the segmentation of its own
# text, not of the 6,000 texts of the report again (about 4 s at national scope).
SEGMENTED_KEPT = 10_000
_segmented: OrderedDict[bytes, frozenset[str]] = OrderedDict()
_segmented_lock = threading.Lock()


def words_of(texts: list[str]) -> list[frozenset[str]]:
    """Each text's keywords (`words`), segmenting only the texts not met before."""
    out = []
    for text in texts:
        digest = hashlib.blake2b(text[:MAX_CHARS].encode(), digest_size=16).digest()
        with _segmented_lock:
            found = _segmented.get(digest)
            if found is not None:
                _segmented.move_to_end(digest)
        if found is None:
            found = frozenset(words(text))
            with _segmented_lock:
                _segmented[digest] = found
                while len(_segmented) > SEGMENTED_KEPT:
                    _segmented.popitem(last=False)
        out.append(found)
    return out


@cache
def stopwords() -> frozenset[str]:
    """The stopword list: one word a line, `#` starts a comment."""
    words = set()
    for line in STOPWORDS_FILE.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip().lower()
        if word:
            words.add(" ".join(word.split()))
    return frozenset(words)


def _is_name(syllables: list[str]) -> bool:
    # "Nguyễn Văn An", "Bắc Ninh": every syllable capitalised. A word opening a sentence has
    # only its first syllable capitalised ("Rác thải"); a text in capitals is not a name.
    return all(s[:1].isupper() and not s[1:].isupper() for s in syllables)


def words(text: str) -> set[str]:
    """The distinct keywords of one text, lower-cased."""
    from underthesea import word_tokenize  # ~0.7 s to load its model: only when needed

    found = set()
    drop = stopwords()
    for token in word_tokenize(text[:MAX_CHARS]):
        syllables = token.split()
        if len(syllables) < 2 or not all(s.isalpha() for s in syllables):
            continue
        if _is_name(syllables):
            continue
        word = " ".join(syllables).lower()
        if word not in drop:
            found.add(word)
    return found


def _top(counter: Counter[str], people: dict[str, set[int]], n: int, k: int) -> list[Keyword]:
    ranked = sorted(
        (
            (word, items)
            for word, items in counter.items()
            if items >= MIN_ITEMS and len(people[word]) >= k
        ),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return [Keyword(word, items) for word, items in ranked[:n]]


def _comments(unit: Unit, period: Period):
    start, end = bounds(period)
    return Comment.objects.filter(
        post__page__unit__path__startswith=unit.path,
        state=CommentState.VISIBLE,
        as_page=False,
        created_at__gte=start,
        created_at__lt=end,
    )


def keywords(unit: Unit, period: Period, top: int = TOP, wait: bool = True) -> Topics | None:
    """The top keywords of `unit`'s subtree over `period`, overall and per category. The caller
    has checked the viewer's access (`insights.queries.access_insights_unit`). With `wait`
    false, None instead of counting more than WAIT_TEXTS texts not counted before: the web
    page then shows its figures at once and asks for the keywords after (segmenting a
    national subtree's texts takes seconds)."""
    items = sent_in(unit, period)
    comments = _comments(unit, period)
    channel = texts_in(unit, *bounds(period))
    k = min_senders()
    seen = items.aggregate(
        n=Count("pk"), people=Count("citizen", distinct=True), last=Max("updated_at")
    )
    said = comments.aggregate(n=Count("pk"), people=Count("author", distinct=True), last=Max("pk"))
    # Distinct authors per platform: a Facebook id and a Zalo id are never the same person.
    heard = channel.aggregate(n=Count("pk"), last=Max("pk"))
    heard["people"] = channel.values("platform", "author_id").distinct().count()
    key = "feedback:topics:{}:{}:{}:{}:{}:{}:{}:{}:{}:{}:{}:{}".format(
        k,
        unit.pk,
        period.start,
        period.end,
        seen["n"],
        seen["last"].timestamp() if seen["last"] else 0,
        said["n"],
        said["last"] or 0,
        heard["n"],
        heard["last"] or 0,
        top,
        translation.get_language(),
    )
    found = django_cache.get(key)
    if found is None:
        if not wait and seen["n"] + said["n"] + heard["n"] > WAIT_TEXTS:
            return None
        found = _count(items, comments, seen, said, top, k, channel, heard)
        django_cache.set(key, found, CACHE_SECONDS)
    return found


def _count(
    items, comments, seen: dict, said: dict, top: int, k: int, channel=None, heard=None
) -> Topics:
    overall: Counter[str] = Counter()
    # Who wrote the texts each word occurs in: feedback senders and comment authors are both
    # accounts, so one person writing both counts once.
    people: dict[str, set[int]] = {}
    per_category: dict[int, Counter[str]] = {}
    category_people: dict[int, dict[str, set[int]]] = {}
    read_per_category: Counter[int] = Counter()
    senders_per_category: dict[int, set[int]] = {}
    rows = list(
        items.order_by("-created_at", "-pk").values_list("category_id", "citizen_id", "text")[
            :MAX_TEXTS
        ]
    )
    for (category_id, person, _text), found in zip(
        rows, words_of([text for _c, _p, text in rows]), strict=True
    ):
        overall.update(found)
        per_category.setdefault(category_id, Counter()).update(found)
        mine = category_people.setdefault(category_id, {})
        for word in found:
            people.setdefault(word, set()).add(person)
            mine.setdefault(word, set()).add(person)
        read_per_category[category_id] += 1
        senders_per_category.setdefault(category_id, set()).add(person)
    bodies = list(
        comments.order_by("-created_at", "-pk").values_list("author_id", "body")[:MAX_TEXTS]
    )
    for (person, _body), found in zip(bodies, words_of([body for _p, body in bodies]), strict=True):
        overall.update(found)
        for word in found:
            people.setdefault(word, set()).add(person)
    # The channels' texts: their authors are known by platform id only, never an account, so
    # they count as people of their own ("facebook:<id>", "zalo:<id>").
    texts = []
    if channel is not None:
        texts = list(channel.values_list("platform", "author_id", "text")[:MAX_TEXTS])
    for platform, author, text in texts:
        found = words(text)
        overall.update(found)
        for word in found:
            people.setdefault(word, set()).add(f"{platform}:{author}")
    heard = heard or {"n": 0, "people": 0}
    names = dict(Category.objects.filter(pk__in=list(per_category)).values_list("pk", "name"))
    by_category = [
        CategoryTopics(
            category_id,
            names[category_id],
            figure(read, len(senders_per_category[category_id]), k),
            _top(per_category[category_id], category_people[category_id], TOP_PER_CATEGORY, k),
        )
        for category_id, read in sorted(
            read_per_category.items(), key=lambda kv: (-kv[1], names[kv[0]])
        )
    ]
    result = Topics(
        keywords=_top(overall, people, top, k),
        by_category=by_category,
        feedback_read=figure(len(rows), len({person for _c, person, _t in rows}), k),
        feedback_total=figure(seen["n"], seen["people"], k),
        comments_read=figure(len(bodies), len({person for person, _b in bodies}), k),
        comments_total=figure(said["n"], said["people"], k),
        channel_read=figure(len(texts), len({(p, a) for p, a, _t in texts}), k),
        channel_total=figure(heard["n"], heard["people"], k),
        capped=seen["n"] > len(rows) or said["n"] > len(bodies) or heard["n"] > len(texts),
        min_senders=k,
    )
    result.notes.append(
        _("Read %(items)s feedback items and %(comments)s comments.")
        % {"items": result.feedback_read, "comments": result.comments_read}
    )
    if heard["n"]:
        result.notes.append(
            _(
                "Also read %(texts)s comments and messages sent to the linked Facebook Pages "
                "and Zalo OAs."
            )
            % {"texts": result.channel_read}
        )
    if k > 1:
        result.notes.append(
            _("A keyword is shown only when at least %(k)s different people wrote it.") % {"k": k}
        )
    if result.capped:
        result.notes.append(
            _("Only the latest %(cap)s feedback items and the latest %(cap)s comments are read.")
            % {"cap": MAX_TEXTS}
        )
    return result
