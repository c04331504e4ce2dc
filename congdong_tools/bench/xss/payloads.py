"""The XSS payloads of `congdong bench xss`: the base set in payloads.txt and variants of it.

Every payload is a template with a marker: `{id}` becomes a number (or, in fields that take no
digits, a quoted string of letters that maps back to the number) and `{url}` a same-origin
address under /__xss/ that no page may load. A payload that runs calls alert(<id>) or
window.__xss(<id>); one that loads something asks for /__xss/<id>. The id says which payload in
which field ran.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path

MARKER_PATH = "/__xss/"
LETTERS = "abcdefghij"  # digit d ↔ LETTERS[d]
LETTER_PREFIX = "xq"
SPECIALS = {"{NL}": "\n", "{CR}": "\r", "{TAB}": "\t", "{NUL}": "\x00"}

# Variants made from the base set: the same attack in other clothes.
_BREAKERS = ['">', "'>", "</a>", "-->", "</textarea>", "</title>", "</style>", "</noscript>"]
_CORE = [
    "<img src=x onerror=alert({id})>",
    "<svg onload=alert({id})>",
    "<script>alert({id})</script>",
    "<details open ontoggle=alert({id})>",
    '<div hx-get="{url}" hx-trigger="load">x</div>',
]
_VIETNAMESE = "Phản ánh của bà con thôn Vân Khám: {p} — mong được giải quyết sớm."
_TAG = re.compile(r"<([a-z][a-z0-9]*)")
_HANDLER = re.compile(r"\b(on[a-z]+|hx-[a-z:-]+)=")


@dataclass(frozen=True)
class Payload:
    number: int  # 1-based, stable for a given payloads.txt
    family: str
    template: str

    def render(self, marker: int, letters: bool = False) -> str:
        """The payload for one field, with `marker` as its id."""
        ident = f"'{encode_letters(marker)}'" if letters else str(marker)
        url = MARKER_PATH + (encode_letters(marker) if letters else str(marker))
        js = f"alert({ident})"
        text = self.template
        for token, value in SPECIALS.items():
            text = text.replace(token, value)
        return (
            text.replace("{b64js}", base64.b64encode(js.encode()).decode())
            .replace("{b64}", base64.b64encode(f"<script>{js}</script>".encode()).decode())
            .replace("{url}", url)
            .replace("{id}", ident)
        )


def encode_letters(number: int) -> str:
    return LETTER_PREFIX + "".join(LETTERS[int(d)] for d in str(number))


def decode_marker(value: str) -> int | None:
    """The id a marker call or address carried, or None if it is no marker of ours."""
    value = value.strip().strip("'\"`")
    if value.isdigit():
        return int(value)
    if value.startswith(LETTER_PREFIX) and value[2:] and set(value[2:]) <= set(LETTERS):
        return int("".join(str(LETTERS.index(c)) for c in value[2:]))
    return None


def base() -> list[tuple[str, str]]:
    """(family, template) of each line of payloads.txt."""
    out = []
    source = Path(__file__).with_name("payloads.txt").read_text(encoding="utf-8")
    for line in source.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        family, template = line.split(" | ", 1)
        out.append((family.strip(), template))
    return out


def _upper(template: str) -> str:
    """Tag and handler names in capitals: HTML is case-insensitive, naive filters are not."""
    text = _TAG.sub(lambda m: "<" + m.group(1).upper(), template)
    return _HANDLER.sub(lambda m: m.group(1).upper() + "=", text)


def _newline_in_tag(template: str) -> str:
    """The first space inside a tag turned into a line feed and a slash."""
    return re.sub(r"(<[a-zA-Z]+) ", r"\1{NL}/", template, count=1)


def variants(bases: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Combinations of the base set: breakers × core attacks, upper case, line breaks in tags,
    Vietnamese text around tags."""
    out = [("breaker", breaker + core) for breaker in _BREAKERS for core in _CORE]
    tagged = [(f, t) for f, t in bases if f in ("handler", "script", "htmx") and "<" in t]
    out += [(f"{f}-upper", _upper(t)) for f, t in tagged[::2]]
    out += [(f"{f}-newline", _newline_in_tag(t)) for f, t in tagged[1::3]]
    out += [(f"{f}-vietnamese", _VIETNAMESE.replace("{p}", t)) for f, t in tagged[::4]]
    return out


def all_payloads() -> list[Payload]:
    """Every distinct payload, base set first, numbered from 1."""
    seen: set[str] = set()
    out: list[Payload] = []
    everything = base()
    for family, template in [*everything, *variants(everything)]:
        if template in seen:
            continue
        seen.add(template)
        out.append(Payload(len(out) + 1, family, template))
    return out


def sample(count: int | None) -> list[Payload]:
    """`count` payloads taken from the families in turn (the first of each family, then the
    second …), so a small sample still covers as many families as it can; all of them when
    None."""
    payloads = all_payloads()
    if not count or count >= len(payloads):
        return payloads
    families: dict[str, list[Payload]] = {}
    for payload in payloads:
        families.setdefault(payload.family.split("-")[0], []).append(payload)
    in_turn = [
        members[turn]
        for turn in range(max(len(members) for members in families.values()))
        for members in families.values()
        if turn < len(members)
    ]
    return in_turn[:count]
