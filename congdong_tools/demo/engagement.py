"""Demo engagement: a few thousand citizens following pages, reacting, commenting, sharing and
referring others, spread as on a real network (most of it on a few pages and posts).

Rows are written with `bulk_create` in batches, not through the actions: the actions take one
request's worth of work at `timezone.now()`, while the demo needs months of history in seconds.
Every row is what the actions would have written (a `CommentTransition` for each comment move,
`Follow.referral` and `ReferralOpen.followed_at` together, a reply notification for each
visible reply), and the page counters are recounted from the rows at the end. Demo data only.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from congdong.accounts.models import AccountKind, Membership, User
from congdong.engagement.actions.referrals import ALPHABET
from congdong.engagement.models import (
    Comment,
    CommentState,
    CommentTransition,
    Follow,
    Notification,
    NotificationKind,
    PageCounter,
    Reaction,
    ReactionKind,
    ReferralCode,
    ReferralOpen,
    Share,
    ShareChannel,
)
from congdong.pages.actions import check_profile, do_profile
from congdong.pages.models import CommentPolicy, Page, PageOperator, PageStatus
from congdong.pages.queries import can_operate
from congdong.posts.models import Post, PostState
from congdong.units.models import Level, Unit
from congdong_tools.demo import voices
from congdong_tools.demo.personas import CITIZEN, PERSONAS, find_unit
from congdong_tools.demo.posts import KHU

SEED = 4_2026
CITIZENS = 5000  # the full demo; tests pass a few hundred
BATCH = 1000
DAYS = 90  # citizens signed up over the last three months
# Per 5,000 citizens: scaled with the number of citizens.
COMMENTS, REFERRALS, SHARES = 2000, 1500, 300

C = CommentState
R = ReactionKind


def _after(
    rng: random.Random, start: datetime.datetime, mean_hours: float, now: datetime.datetime
) -> datetime.datetime:
    """A moment some hours after `start` (exponentially: most soon), never after `now`."""
    at = start + datetime.timedelta(hours=rng.expovariate(1 / mean_hours))
    if at > now:
        at = start + (now - start) * rng.random()
    return at


# --- where the citizens live ------------------------------------------------------------------


@dataclass
class Map:
    """The active pages of today's structure, as citizens meet them."""

    central: Page | None
    provinces: dict[int, Page]  # province unit id → page
    communes: dict[int, list[Page]]  # province unit id → its communes' pages
    kinh_bac: Page | None
    busy: list[Page]  # pages with their own posts: people from elsewhere follow them too
    bac_ninh: Unit
    ha_noi: Unit

    def khu(self, rng: random.Random, page: Page) -> str:
        """A residential area near the page, named as the demo's posts name them."""
        region = next(
            (code for code in ("24", "01") if page.unit.is_within(getattr(self, REGION[code]))),
            "TW",
        )
        return rng.choice(KHU[region])

    @property
    def all(self) -> list[Page]:
        pages = [*self.provinces.values(), *(p for ps in self.communes.values() for p in ps)]
        return [self.central, *pages] if self.central else pages


REGION = {"24": "bac_ninh", "01": "ha_noi"}


def _map() -> Map:
    bac_ninh, ha_noi = find_unit("24"), find_unit("01")
    pages = list(
        Page.objects.filter(status=PageStatus.ACTIVE, unit__structure__code="2025")
        .select_related("unit")
        .order_by("unit__path")
    )
    central = next((p for p in pages if p.unit.level == Level.CENTRAL), None)
    provinces = {p.unit_id: p for p in pages if p.unit.level == Level.PROVINCE}
    communes: dict[int, list[Page]] = defaultdict(list)
    for page in pages:
        if page.unit.level == Level.COMMUNE:
            communes[page.unit.parent_id].append(page)
    kinh_bac = next((p for p in communes.get(bac_ninh.pk, []) if p.unit.name == "Kinh Bắc"), None)
    with_posts = set(
        Post.objects.filter(state=PostState.PUBLISHED, page__in=pages)
        .values("page_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=3)  # more than a campaign's one post
        .values_list("page_id", flat=True)
    )
    busy = [p for p in pages if p.pk in with_posts]
    return Map(central, provinces, dict(communes), kinh_bac, busy, bac_ninh, ha_noi)


@dataclass
class Citizen:
    user: User
    joined: datetime.datetime
    province: Page | None
    home: Page | None  # their commune's page, if it has one
    follows: dict[int, datetime.datetime] = field(default_factory=dict)  # page id → since


def _home(rng: random.Random, where: Map) -> tuple[Page | None, Page | None]:
    """A province (Bắc Ninh and Hà Nội, where the demo's pages are busy, count most) and a
    commune page in it (Kinh Bắc and the other busy communes count most in Bắc Ninh)."""
    bac_ninh, ha_noi = where.bac_ninh.pk, where.ha_noi.pk
    others = [pk for pk in where.provinces if pk not in (bac_ninh, ha_noi)]
    roll = rng.random()
    if roll < 0.42 or not others:
        province_id = bac_ninh
    elif roll < 0.57:
        province_id = ha_noi
    else:
        province_id = rng.choice(others)
    communes = where.communes.get(province_id, [])
    if not communes:
        return where.provinces.get(province_id), None
    busy = {p.pk for p in where.busy}
    weights = [40.0 if p == where.kinh_bac else 8.0 if p.pk in busy else 1.0 for p in communes]
    return where.provinces.get(province_id), rng.choices(communes, weights)[0]


def _citizens(
    rng: random.Random, phones: list[str], where: Map, now: datetime.datetime
) -> list[Citizen]:
    taken = set(User.objects.filter(phone__in=phones).values_list("phone", flat=True))
    taken.add(CITIZEN["phone"])
    made = []
    password = make_password(None)  # unusable: citizens sign in with a code sent to the phone
    for phone in phones:
        if phone in taken:
            continue
        born = voices.birthday(rng)
        # More sign-ups lately: the pages were announced at the Great Unity festival.
        joined = now - datetime.timedelta(
            days=DAYS * rng.random() ** 1.3, minutes=rng.randrange(1440)
        )
        user = User(
            username=f"cd{phone.lstrip('+')}",
            kind=AccountKind.CITIZEN,
            full_name=voices.full_name(rng, born.year),
            phone=phone,
            phone_verified_at=joined,
            date_of_birth=born,
            date_joined=joined,
            password=password,
        )
        province, home = _home(rng, where)
        made.append(Citizen(user, joined, province, home))
    User.objects.bulk_create([c.user for c in made], batch_size=BATCH)
    return made


# --- follows ----------------------------------------------------------------------------------


def _plan_follows(rng: random.Random, people: list[Citizen], where: Map, now: datetime.datetime):
    """Most follow their commune and province, many the central page, a few some others."""
    everywhere = where.all
    for person in people:
        chosen: list[Page] = []
        if person.home and rng.random() < 0.88:
            chosen.append(person.home)
        if person.province and rng.random() < 0.72:
            chosen.append(person.province)
        if where.central and rng.random() < 0.45:
            chosen.append(where.central)
        if rng.random() < 0.2:
            for _n in range(rng.randint(1, 3)):
                pool = where.busy if where.busy and rng.random() < 0.6 else everywhere
                chosen.append(rng.choice(pool))
        if not chosen:
            chosen.append(person.home or person.province or where.central or rng.choice(everywhere))
        at = person.joined + datetime.timedelta(minutes=rng.randint(2, 30))
        for page in chosen[:6]:
            if page.pk not in person.follows:
                person.follows[page.pk] = min(at, now)
                # The first pages on the day of signing up, the others over the next days.
                at = _after(rng, at, 24 * rng.choice([0.1, 1, 5]), now)


# --- referral codes and referrals -------------------------------------------------------------

STAFF_REFERRERS = {  # share of all referrals, and where their links lead
    "kinhbac.canbo": 0.14,
    "kinhbac.doanvien": 0.10,
    "tw.bientap": 0.12,
    "bacninh.quantri": 0.10,
}


def _codes(rng: random.Random, users: Sequence[User]) -> dict[int, str]:
    """A referral code for each of `users` who has none yet; returns every one's code."""
    have = dict(ReferralCode.objects.filter(user__in=users).values_list("user_id", "code"))
    taken = set(ReferralCode.objects.values_list("code", flat=True))
    new = []
    for user in users:
        if user.pk in have:
            continue
        code = "".join(rng.choice(ALPHABET) for _ in range(8))
        while code in taken:
            code = "".join(rng.choice(ALPHABET) for _ in range(8))
        taken.add(code)
        have[user.pk] = code
        new.append(ReferralCode(user=user, code=code))
    ReferralCode.objects.bulk_create(new, batch_size=BATCH)
    return have


def _visitor(rng: random.Random) -> str:
    # The shape of events.visitors.visitor_key: "v" and 31 hex digits of a daily hash.
    return "v" + f"{rng.getrandbits(124):031x}"


@dataclass
class Referrer:
    user: User
    weight: float
    pages: list[tuple[Page, float]]  # where their links lead, with weights


def _referrers(
    rng: random.Random, staff: dict[str, User], sharers: list[Citizen], where: Map
) -> list[Referrer]:
    out = []
    bac_ninh = where.provinces.get(where.bac_ninh.pk)
    bn_communes = where.communes.get(where.bac_ninh.pk, [])
    leads = {
        "kinhbac.canbo": [(where.kinh_bac, 1.0)],
        "kinhbac.doanvien": [(where.kinh_bac, 1.0)],
        "tw.bientap": [(where.central, 0.8)]
        + [(p, 0.2 / len(where.provinces)) for p in where.provinces.values()],
        "bacninh.quantri": [(bac_ninh, 0.6), (where.kinh_bac, 0.15)]
        + [(p, 0.25 / max(1, len(bn_communes))) for p in bn_communes],
    }
    for username, share in STAFF_REFERRERS.items():
        pages = [(p, w) for p, w in leads[username] if p is not None]
        if username in staff and pages:
            out.append(Referrer(staff[username], share, pages))
    citizens_share = 1 - sum(r.weight for r in out)
    # A few keen citizens bring most of the people citizens bring.
    keen = [rng.paretovariate(1.2) for _ in sharers]
    total = sum(keen) or 1
    for person, k in zip(sharers, keen, strict=True):
        pages = [(person.home, 0.5), (person.province, 0.3), (where.central, 0.2)]
        pages = [(p, w) for p, w in pages if p is not None]
        if pages:
            out.append(Referrer(person.user, citizens_share * k / total, pages))
    return out


def _referrals(
    rng: random.Random,
    count: int,
    referrers: list[Referrer],
    people: list[Citizen],
    posts_of: dict[int, list[Post]],
    now: datetime.datetime,
) -> tuple[int, dict[tuple[int, int], ReferralOpen]]:
    """`count` referral opens, about a fifth of them followed by a follow; returns how many, and
    the followed ones by (recipient id, page id) so that the follows get them attributed."""
    followers: dict[int, list[Citizen]] = defaultdict(list)
    for person in people:
        for page_id in person.follows:
            followers[page_id].append(person)
    seen: set[tuple[int, str]] = set()
    opens: list[ReferralOpen] = []
    followed: dict[tuple[int, int], ReferralOpen] = {}
    weights = [r.weight for r in referrers]
    tries = 0
    while len(opens) < count and tries < count * 5 and referrers:
        tries += 1
        referrer = rng.choices(referrers, weights)[0]
        page = rng.choices([p for p, _w in referrer.pages], [w for _p, w in referrer.pages])[0]
        post = (
            rng.choice(posts_of[page.pk]) if posts_of.get(page.pk) and rng.random() < 0.6 else None
        )
        earliest = post.published_at if post else now - datetime.timedelta(days=DAYS)
        # A fifth end in a follow (some tries fall through: a little more than a fifth here).
        if rng.random() < 0.26 and followers.get(page.pk):
            person = rng.choice(followers[page.pk])
            key = f"u{person.user.pk}"
            since = person.follows[page.pk]
            if (
                person.user.pk == referrer.user.pk
                or (person.user.pk, page.pk) in followed
                or (page.pk, key) in seen
                or since < earliest
            ):
                continue
            # Opened the link, then followed within the 7 days that count.
            lead = datetime.timedelta(hours=rng.uniform(0.05, 150))
            opened = max(person.joined, earliest, since - lead)
            row = ReferralOpen(
                referrer=referrer.user,
                page=page,
                post=post,
                recipient_key=key,
                opened_at=opened,
                followed_at=since,
            )
            followed[(person.user.pk, page.pk)] = row
        else:
            if rng.random() < 0.4:
                person = rng.choice(people)
                key = f"u{person.user.pk}"
                if page.pk in person.follows or person.user.pk == referrer.user.pk:
                    continue
                earliest = max(earliest, person.joined)
            else:
                key = _visitor(rng)
            if (page.pk, key) in seen or earliest >= now:
                continue
            opened = earliest + (now - earliest) * rng.random() ** 0.7
            row = ReferralOpen(
                referrer=referrer.user, page=page, post=post, recipient_key=key, opened_at=opened
            )
        seen.add((page.pk, key))
        opens.append(row)
    ReferralOpen.objects.bulk_create(opens, batch_size=BATCH)
    return len(opens), followed


# --- reactions --------------------------------------------------------------------------------

KINDS = {
    "default": {R.LIKE: 64, R.LOVE: 15, R.SUPPORT: 11, R.THANKS: 7, R.SAD: 3},
    "cuu-tro": {R.LIKE: 30, R.LOVE: 6, R.SUPPORT: 24, R.THANKS: 12, R.SAD: 28},
    "guong-nguoi-tot": {R.LIKE: 45, R.LOVE: 30, R.SUPPORT: 15, R.THANKS: 9, R.SAD: 1},
    "an-sinh-xa-hoi": {R.LIKE: 50, R.LOVE: 14, R.SUPPORT: 20, R.THANKS: 14, R.SAD: 2},
}


def _reactions(
    rng: random.Random,
    posts: list[Post],
    followers: dict[int, list[Citizen]],
    people: list[Citizen],
    now: datetime.datetime,
) -> dict[int, list[Reaction]]:
    """A long tail: most posts get a handful of reactions, a few get hundreds."""
    made: dict[int, list[Reaction]] = {}
    rows = []
    for post in posts:
        audience = followers.get(post.page_id, [])
        share = min(0.7, 0.012 * rng.paretovariate(1.15))
        count = min(len(audience), round(len(audience) * share), 800)
        chosen = rng.sample(audience, count)
        strangers = rng.sample(people, min(len(people), rng.choice([0, 0, 0, 1, 2]) + count // 10))
        kinds = KINDS.get(post.category.code, KINDS["default"])
        mine = []
        seen: set[int] = set()
        for person in chosen + strangers:
            if person.user.pk in seen:
                continue
            seen.add(person.user.pk)
            start = max(post.published_at, person.follows.get(post.page_id, person.joined))
            if start >= now:
                continue
            kind = rng.choices(list(kinds), list(kinds.values()))[0]
            at = _after(rng, start, 10, now)
            mine.append(Reaction(user=person.user, post=post, kind=kind, created_at=at))
        made[post.pk] = mine
        rows += mine
    Reaction.objects.bulk_create(rows, batch_size=BATCH)
    return made


# --- comments ---------------------------------------------------------------------------------

REVIEWED = 3  # pages whose comments wait for an operator's review


def _place(page: Page) -> str:
    # The central page sends people to their own commune's offices.
    return "xã, phường nơi cư trú" if page.unit.level == Level.CENTRAL else page.unit.place_name


def _say(rng: random.Random, where: Map, text: str, page: Page) -> str:
    return text.format(khu=where.khu(rng, page), place=_place(page))


def _set_review_pages(where: Map, staff: dict[str, User]) -> list[Page]:
    """A few pages review comments first, switched by their admins through the real action."""
    bac_ninh, ha_noi = where.bac_ninh, where.ha_noi
    busy = [p for p in where.busy if p != where.kinh_bac and p.unit.level == Level.COMMUNE]
    chosen = [(p, "bacninh.quantri") for p in busy if p.unit.is_within(bac_ninh)][:2]
    if ha_noi.pk in where.provinces:
        chosen.append((where.provinces[ha_noi.pk], "hanoi.quantri"))
    out = []
    for page, admin in chosen[:REVIEWED]:
        if page.comment_policy != CommentPolicy.REVIEW and admin in staff:
            fields = {
                name: getattr(page, name)
                for name in ("name", "description", "contact_email", "contact_phone", "address")
            }
            do_profile(check_profile(staff[admin], page.pk, **fields, comment_policy="review"))
            page.comment_policy = CommentPolicy.REVIEW
        out.append(page)
    return out


def _operators(pages: list[Page]) -> dict[int, list[User]]:
    """Who answers in each page's name: staff of the page's own unit (and its co-admins) who
    operate it, the demo's personas first."""
    by_unit: dict[int, set[User]] = defaultdict(set)
    for m in Membership.objects.filter(
        unit_id__in=[p.unit_id for p in pages], user__kind=AccountKind.STAFF
    ).select_related("user"):
        by_unit[m.unit_id].add(m.user)
    for grant in PageOperator.objects.filter(page__in=pages).select_related("user", "page"):
        by_unit[grant.page.unit_id].add(grant.user)
    first = [p.username for p in PERSONAS]
    out = {}
    for page in pages:
        people = [u for u in by_unit.get(page.unit_id, ()) if can_operate(u, page)]
        out[page.pk] = sorted(
            people, key=lambda u: (first.index(u.username) if u.username in first else 99, u.pk)
        )
    return out


@dataclass
class Said:
    comment: Comment
    kind: str = ""
    moves: list[tuple[str, str, User | None, str, datetime.datetime]] = field(default_factory=list)


def _moderate(
    rng: random.Random, said: Said, reviewed: bool, operator: User | None, now: datetime.datetime
) -> None:
    """The comment's first state and, for some, an operator's move (with its reason)."""
    comment = said.comment
    at = comment.created_at
    spam = said.kind == "spam"
    first = C.HELD if reviewed and not comment.as_page else C.VISIBLE
    said.moves.append(("", first, comment.author, "", at))
    comment.state = first
    if operator is None:
        return
    later = _after(rng, at, 3, now)
    if spam:
        said.moves.append((first, C.HIDDEN, operator, rng.choice(voices.HIDE_REASONS), later))
        comment.state = C.HIDDEN
    elif first == C.HELD:
        recent = now - at < datetime.timedelta(days=3)
        if rng.random() < (0.6 if recent else 0.06):
            return  # still waiting for review
        said.moves.append((C.HELD, C.VISIBLE, operator, "", later))
        comment.state = C.VISIBLE


def _comments(
    rng: random.Random,
    where: Map,
    count: int,
    posts: list[Post],
    reacted: dict[int, list[Reaction]],
    followers: dict[int, list[Citizen]],
    people: list[Citizen],
    reviewed: list[Page],
    now: datetime.datetime,
) -> int:
    """About `count` comments: three quarters on posts, the rest replies and page answers."""
    open_posts = [p for p in posts if p.page.comment_policy != CommentPolicy.CLOSED]
    if not open_posts:
        return 0
    operators = _operators(list({p.page_id: p.page for p in open_posts}.values()))
    person_of = {c.user.pk: c for c in people}
    weights = [len(reacted.get(p.pk, ())) + 0.3 for p in open_posts]
    review = {p.pk for p in reviewed}
    tops: list[Said] = []
    # Answers and replies add about half as many again.
    for _n in range(round(count * 0.66)):
        post = rng.choices(open_posts, weights)[0]
        fans = (
            [person_of[r.user_id] for r in reacted.get(post.pk, ())]
            or followers.get(post.page_id)
            or people
        )
        person = rng.choice(fans)
        start = max(post.published_at, person.joined)
        if start >= now:
            continue
        ops = operators.get(post.page_id) or []
        if ops and rng.random() < 0.025:  # spam, hidden by an operator of the page
            kind, text = "spam", rng.choice(voices.SPAM)
        else:
            sayings = voices.SAYINGS.get(post.category.code, []) + voices.SAYINGS["default"]
            kind, text = rng.choice(sayings)
            text = voices.dress(rng, _say(rng, where, text, post.page))
        comment = Comment(
            post=post, author=person.user, body=text, created_at=_after(rng, start, 8, now)
        )
        operator = ops[0] if ops and rng.random() < 0.7 else rng.choice(ops) if ops else None
        said = Said(comment, kind)
        _moderate(rng, said, post.page_id in review, operator, now)
        tops.append(said)
    Comment.objects.bulk_create([s.comment for s in tops], batch_size=BATCH)

    answered = [s for s in tops if s.comment.state == C.VISIBLE]
    replies: list[Said] = []
    for said in answered:
        parent = said.comment
        post = parent.post
        ops = operators.get(post.page_id) or []
        shown = said.moves[-1][4]  # answered once visible (after the review, if any)
        # The page answers most questions and reports, some suggestions, few thanks.
        if ops and rng.random() < {"question": 0.7, "report": 0.6, "suggestion": 0.35}.get(
            said.kind.split(":")[0], 0.05
        ):
            operator = ops[0] if rng.random() < 0.75 else rng.choice(ops)
            text = _say(rng, where, rng.choice(voices.answer_to(said.kind)), post.page)
            answer = Comment(
                post=post,
                author=operator,
                parent=parent,
                as_page=True,
                body=text,
                created_at=_after(rng, shown, 5, now),
            )
            replies.append(Said(answer, "answer"))
            _moderate(rng, replies[-1], False, None, now)
        if rng.random() < 0.2:
            fans = followers.get(post.page_id) or people
            person = rng.choice(fans)
            if person.user.pk == parent.author_id:
                continue
            at = _after(rng, max(shown, person.joined), 4, now)
            reply = Comment(
                post=post,
                author=person.user,
                parent=parent,
                body=voices.dress(
                    rng,
                    _say(rng, where, rng.choice(voices.replies_to(said.kind)), post.page),
                    greet=False,
                ),
                created_at=at,
            )
            replies.append(Said(reply, "reply"))
            operator = ops[0] if ops else None
            _moderate(rng, replies[-1], post.page_id in review, operator, now)
    Comment.objects.bulk_create([s.comment for s in replies], batch_size=BATCH)
    _record(tops + replies)
    return len(tops) + len(replies)


def _record(said: list[Said]) -> None:
    """The comments' transitions, and a reply notification for each visible reply (at the
    moment it became visible), as the actions write them."""
    moves = [
        CommentTransition(
            comment=s.comment, from_state=a, to_state=b, actor=actor, reason=reason, at=at
        )
        for s in said
        for a, b, actor, reason, at in s.moves
    ]
    CommentTransition.objects.bulk_create(moves, batch_size=BATCH)
    told = []
    for s in said:
        c = s.comment
        if c.parent is not None and c.state == C.VISIBLE and c.parent.author_id != c.author_id:
            at = s.moves[-1][4]
            told.append(
                Notification(
                    recipient_id=c.parent.author_id,
                    kind=NotificationKind.REPLY,
                    post_id=c.post_id,
                    comment=c,
                    created_at=at,
                    read_at=at + datetime.timedelta(hours=6) if c.pk % 3 else None,
                )
            )
    Notification.objects.bulk_create(told, batch_size=BATCH, ignore_conflicts=True)


# --- shares -----------------------------------------------------------------------------------

CHANNELS = {
    ShareChannel.ZALO: 55,
    ShareChannel.FACEBOOK: 24,
    ShareChannel.COPY: 12,
    ShareChannel.SMS: 6,
    ShareChannel.EMAIL: 3,
}


def _shares(
    rng: random.Random,
    count: int,
    referrers: list[Referrer],
    posts_of: dict[int, list[Post]],
    joined: dict[int, datetime.datetime],
    now: datetime.datetime,
) -> int:
    rows = []
    weights = [r.weight for r in referrers]
    for _n in range(count if referrers else 0):
        referrer = rng.choices(referrers, weights)[0]
        page = rng.choices([p for p, _w in referrer.pages], [w for _p, w in referrer.pages])[0]
        post = (
            rng.choice(posts_of[page.pk]) if posts_of.get(page.pk) and rng.random() < 0.7 else None
        )
        start = max(
            post.published_at if post else now - datetime.timedelta(days=DAYS),
            joined.get(referrer.user.pk, now - datetime.timedelta(days=DAYS)),
        )
        if start >= now:
            continue
        channel = rng.choices(list(CHANNELS), list(CHANNELS.values()))[0]
        at = _after(rng, start, 30, now)
        rows.append(Share(user=referrer.user, page=page, post=post, channel=channel, created_at=at))
    Share.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


# --- the persona citizen ----------------------------------------------------------------------


def _persona_citizen(
    rng: random.Random,
    where: Map,
    staff: dict[str, User],
    posts_of: dict[int, list[Post]],
    now: datetime.datetime,
) -> None:
    """Nguyễn Văn An follows Kinh Bắc (through the commune officer's link), Bắc Ninh and the
    central page, reacted to a few posts and asked a question the page answered."""
    an = User.objects.filter(phone=CITIZEN["phone"]).first()
    if an is None or Follow.objects.filter(user=an).exists():
        return
    bac_ninh = where.provinces.get(where.bac_ninh.pk)
    pages = [p for p in (where.kinh_bac, bac_ninh, where.central) if p is not None]
    start = now - datetime.timedelta(days=40)
    # He signed up that day (the persona is made at `demo` time): his history starts there.
    signed_up = start - datetime.timedelta(hours=3)
    User.objects.filter(pk=an.pk).update(date_joined=signed_up, phone_verified_at=signed_up)
    referral = None
    officer = staff.get("kinhbac.canbo")
    if where.kinh_bac and officer:
        key = f"u{an.pk}"
        if not ReferralOpen.objects.filter(page=where.kinh_bac, recipient_key=key).exists():
            referral = ReferralOpen.objects.create(
                referrer=officer,
                page=where.kinh_bac,
                recipient_key=key,
                opened_at=start - datetime.timedelta(hours=2),
                followed_at=start,
            )
    Follow.objects.bulk_create(
        [
            Follow(
                user=an,
                page=page,
                created_at=start + datetime.timedelta(minutes=n * 7),
                referral=referral if page == where.kinh_bac else None,
            )
            for n, page in enumerate(pages)
        ]
    )
    recent = sorted(
        (p for page in pages for p in posts_of.get(page.pk, ()) if p.published_at < now),
        key=lambda p: p.published_at,
        reverse=True,
    )
    Reaction.objects.bulk_create(
        [
            Reaction(
                user=an, post=post, kind=kind, created_at=_after(rng, post.published_at, 3, now)
            )
            for post, kind in zip(recent[:4], [R.LIKE, R.LOVE, R.SUPPORT, R.LIKE], strict=False)
        ],
        ignore_conflicts=True,  # he may already be among a post's reactors: one each
    )
    asked_on = next((p for p in recent if p.page == where.kinh_bac), None)
    if asked_on is None or officer is None:
        return
    asked_at = _after(rng, asked_on.published_at, 2, now)
    question = Comment(
        post=asked_on,
        author=an,
        created_at=asked_at,
        state=C.VISIBLE,
        body="Cho tôi hỏi nhà văn hóa khu phố Đông Xuyên mấy giờ mở cửa để bà con đến góp ý ạ?",
    )
    answer = Comment(
        post=asked_on,
        author=officer,
        parent=question,
        as_page=True,
        state=C.VISIBLE,
        created_at=_after(rng, asked_at, 2, now),
        body="Chào anh An, nhà văn hóa mở cửa từ 7 giờ đến 11 giờ và từ 14 giờ đến 17 giờ các "
        "ngày trong tuần. Mời anh và bà con đến góp ý ạ.",
    )
    question.save()
    answer.save()
    said = [
        Said(question, "question", [("", C.VISIBLE, an, "", question.created_at)]),
        Said(answer, "answer", [("", C.VISIBLE, officer, "", answer.created_at)]),
    ]
    _record(said)
    # His bell shows the answer as new.
    Notification.objects.filter(recipient=an, comment=answer).update(read_at=None)


# --- counters ---------------------------------------------------------------------------------


def recount() -> int:
    """Set every page's follower and referral counters to its rows (the actions keep them so one
    at a time); returns how many counters changed."""
    followers = dict(
        Follow.objects.values("page_id").annotate(n=Count("pk")).values_list("page_id", "n")
    )
    referrals = dict(
        ReferralOpen.objects.values("page_id").annotate(n=Count("pk")).values_list("page_id", "n")
    )
    counters = {c.page_id: c for c in PageCounter.objects.all()}
    changed, new = [], []
    for page_id in set(followers) | set(referrals) | set(counters):
        f, r = followers.get(page_id, 0), referrals.get(page_id, 0)
        counter = counters.get(page_id)
        if counter is None:
            new.append(PageCounter(page_id=page_id, followers=f, referrals=r))
        elif (counter.followers, counter.referrals) != (f, r):
            counter.followers, counter.referrals = f, r
            changed.append(counter)
    PageCounter.objects.bulk_create(new, batch_size=BATCH)
    PageCounter.objects.bulk_update(changed, ["followers", "referrals"], batch_size=BATCH)
    return len(new) + len(changed)


# --- the whole -------------------------------------------------------------------------------


@dataclass
class Made:
    citizens: int = 0
    follows: int = 0
    reactions: int = 0
    comments: int = 0
    referrals: int = 0
    shares: int = 0

    def __str__(self) -> str:
        return (
            f"{self.citizens} citizens, {self.follows} follows, {self.reactions} reactions, "
            f"{self.comments} comments, {self.referrals} referrals, {self.shares} shares"
        )


def ensure_engagement(
    citizens: int = CITIZENS, progress: Callable[[str], None] | None = None
) -> Made:
    """Create the demo's citizens and what they did, once; returns what was created (nothing
    when the demo citizens exist already)."""
    say = progress or (lambda _text: None)
    rng = random.Random(SEED)
    phones = voices.phones(rng, citizens)
    if not phones or User.objects.filter(phone=phones[0]).exists():
        return Made()
    where = _map()
    if not where.all:
        return Made()
    now = timezone.now()
    scale = citizens / CITIZENS
    made = Made()
    staff = {u.username: u for u in User.objects.filter(kind=AccountKind.STAFF)}
    with transaction.atomic():
        people = _citizens(rng, phones, where, now)
        made.citizens = len(people)
        say(f"  {made.citizens} citizens")
        _plan_follows(rng, people, where, now)

        posts = list(
            Post.objects.filter(state=PostState.PUBLISHED, page__status=PageStatus.ACTIVE)
            .exclude(published_at=None)
            .select_related("page", "page__unit", "category")
            .order_by("pk")
        )
        posts_of: dict[int, list[Post]] = defaultdict(list)
        for post in posts:
            posts_of[post.page_id].append(post)
        sharers = [c for c in people if rng.random() < 0.1]
        personas = [staff[p.username] for p in PERSONAS if p.username in staff]
        codes = _codes(rng, [*personas, *(c.user for c in sharers)])
        referrers = [r for r in _referrers(rng, staff, sharers, where) if r.user.pk in codes]
        made.referrals, followed = _referrals(
            rng, round(REFERRALS * scale), referrers, people, posts_of, now
        )
        say(f"  {len(codes)} referral codes, {made.referrals} referrals")

        follows = [
            Follow(
                user=person.user,
                page_id=page_id,
                created_at=since,
                referral=followed.get((person.user.pk, page_id)),
                notify=rng.random() < 0.9,
            )
            for person in people
            for page_id, since in person.follows.items()
        ]
        Follow.objects.bulk_create(follows, batch_size=BATCH)
        made.follows = len(follows)
        say(f"  {made.follows} follows")

        followers: dict[int, list[Citizen]] = defaultdict(list)
        for person in people:
            for page_id in person.follows:
                followers[page_id].append(person)
        reacted = _reactions(rng, posts, followers, people, now)
        made.reactions = sum(len(r) for r in reacted.values())
        say(f"  {made.reactions} reactions")

        reviewed = _set_review_pages(where, staff)
        for post in posts:  # the policy just changed on these pages
            post.page.comment_policy = next(
                (p.comment_policy for p in reviewed if p.pk == post.page_id),
                post.page.comment_policy,
            )
        made.comments = _comments(
            rng, where, round(COMMENTS * scale), posts, reacted, followers, people, reviewed, now
        )
        say(f"  {made.comments} comments (pages reviewing comments first: {len(reviewed)})")

        joined = {c.user.pk: c.joined for c in people}
        made.shares = _shares(rng, round(SHARES * scale), referrers, posts_of, joined, now)
        _persona_citizen(rng, where, staff, posts_of, now)
        recount()
    return made
