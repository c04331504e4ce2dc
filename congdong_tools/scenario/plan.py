"""What the conference-2022 scenario builds, and the report it ends with.

The 2022 report: pages at 63 of 63 provinces, 548 of 705 districts and 5,776 of 10,599
communes on 5 August 2022 (the whole numbers nearest the reported 77.8 % and 54.5 %), and a
central page with 12,414 followers, 1,833 posts, 108,472 referrals and 48 million reach.
The page counts are as reported; the central page's figures are multiplied by the scale.

Who does what, and when, is arithmetic on indexes, so a run is the same every time: item `j`
of `n` happens on day `j * DAYS // n` of the year before the conference. The people who saw
the page are the followers (accounts, "u<id>") and the anonymous viewers "v<k>"; referral
recipients are anonymous viewers opening the link on the day they view, so the true number
of distinct viewers is exactly the planned reach.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from congdong.units.models import Level, Unit

AS_OF = datetime.date(2022, 8, 5)
DAYS = 365
FIRST_DAY = AS_OF - datetime.timedelta(days=DAYS)  # 2021-08-05; the year ends the day before
TARGETS = {"followers": 12_414, "posts": 1_833, "referrals": 108_472, "reach": 48_000_000}
# Units with a page active on AS_OF, per level (not scaled).
WITH_PAGE = {Level.PROVINCE: 63, Level.DISTRICT: 548, Level.COMMUNE: 5_776}
# Units whose page opened only after AS_OF (they count later, not on the day).
LATER = {Level.DISTRICT: 40, Level.COMMUNE: 600}
REPORTED = {"reported_percent_district": "77.8", "reported_percent_commune": "54.5"}
PAGES_FROM = datetime.date(2021, 1, 4)  # a Monday: the central and province pages open
SEED = 20220805


@dataclass(frozen=True)
class Plan:
    scale: float

    def count(self, name: str) -> int:
        return max(1, round(TARGETS[name] * self.scale))

    @property
    def followers(self) -> int:
        return self.count("followers")

    @property
    def posts(self) -> int:
        return self.count("posts")

    @property
    def referrals(self) -> int:
        return min(self.count("referrals"), self.anonymous)

    @property
    def reach(self) -> int:
        return max(self.count("reach"), self.followers + self.count("referrals"))

    @property
    def anonymous(self) -> int:
        return self.reach - self.followers

    def of_day(self, name: str, day: int) -> tuple[int, int]:
        """The indexes `first`…`last - 1` of the items of `name` that happen on `day`."""
        if name == "referrals":
            # Referral r is opened by anonymous viewer recipient(r), on that viewer's day.
            first, last = self.of_day("anonymous", day)
            return _ceil(first * self.referrals, self.anonymous), _ceil(
                last * self.referrals, self.anonymous
            )
        total = self.anonymous if name == "anonymous" else getattr(self, name)
        return _ceil(day * total, DAYS), _ceil((day + 1) * total, DAYS)

    def recipient(self, r: int) -> int:
        """The anonymous viewer who opens referral `r`: distinct for each r."""
        return r * self.anonymous // self.referrals

    def viewer(self, k: int) -> str:
        return f"v{k:012x}"


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


def opening_weeks(
    by_level: dict[str, list[Unit]],
) -> list[tuple[datetime.datetime, list[Unit]]]:
    """When each chosen unit's page opens: the central and province pages at PAGES_FROM, the
    chosen districts and communes in a week spread over the time up to the day before AS_OF,
    a few more after AS_OF. Chosen at random with a fixed seed: the same units every run."""
    chance = random.Random(SEED)
    weeks = (AS_OF - PAGES_FROM).days // 7
    opening: dict[datetime.date, list[Unit]] = {PAGES_FROM: list(by_level[Level.CENTRAL])}
    opening[PAGES_FROM] += by_level[Level.PROVINCE][: WITH_PAGE[Level.PROVINCE]]
    for level in (Level.DISTRICT, Level.COMMUNE):
        chosen = chance.sample(by_level[level], WITH_PAGE[level] + LATER[level])
        for n, unit in enumerate(chosen):
            if n < WITH_PAGE[level]:
                day = PAGES_FROM + datetime.timedelta(weeks=chance.randrange(weeks))
            else:
                day = AS_OF + datetime.timedelta(weeks=1 + chance.randrange(20))
            opening.setdefault(day, []).append(unit)
    return [
        (timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))), units)
        for day, units in sorted(opening.items())
    ]


def report(central: Unit, plan: Plan) -> tuple[dict, dict]:
    """The figures the scenario prints (coverage, the central page's) and the conference
    report, both as plain JSON-ready values (the report's cells as text)."""
    from congdong.insights import conference, coverage, figures

    levels = coverage.levels(central, AS_OF)
    own = figures.own(central, figures.Period(FIRST_DAY, AS_OF))
    reach_true = plan.reach
    summary = {
        "as_of": AS_OF.isoformat(),
        "scale": plan.scale,
        "coverage": {
            c.level: {"units": c.units, "with_page": c.with_page, "percent": c.percent}
            for c in levels
            if c.level != Level.CENTRAL
        },
        "central_page": {
            "followers": int(own["followers"]),
            "posts": int(own["posts"]),
            "referrals": int(own["referrals"]),
            "reach": round(own["reach"]),
            "reach_low": round(own["reach_low"]),
            "reach_high": round(own["reach_high"]),
            "reach_true": reach_true,
            "reach_error_percent": round(100 * (own["reach"] - reach_true) / reach_true, 3),
            "impressions": int(own["impressions"]),
        },
        "planned": {name: plan.count(name) for name in TARGETS} | {"reach": reach_true},
    }
    document = conference.document(central, {"ngay": AS_OF.isoformat(), **REPORTED})
    return summary, as_text(document)


def as_text(document) -> dict:
    """The document with every value written as the active language writes it."""
    from congdong.core.numbers import format_value as text

    return {
        "title": str(document.title),
        "subtitle": [str(line) for line in document.subtitle],
        "cards": [[str(label), text(value), str(note)] for label, value, note in document.cards],
        "tables": [
            {
                "title": str(table.title),
                "columns": [str(c) for c in table.columns],
                "rows": [[text(v) for v in row] for row in table.rows],
                "note": str(table.note),
            }
            for table in document.tables
        ],
        "definitions": [[str(name), str(text_)] for name, text_ in document.definitions],
    }
