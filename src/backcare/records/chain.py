"""The audit trail's hash chain: each clinic's events, numbered 1, 2, 3 ..., each carrying a
sha256 over its own content and the hash of the event before it.

Changing, removing or reordering an event breaks the chain from that event on, which
``walk`` finds. The hash covers what an event says (number, time, who, action, target, detail), all
held in the event's own row (the user name as it was then, not a join that a rename would
change), and never a database id: an export copied into another installation gets new ids, and its
chain must still verify there. Events written without a clinic form one chain of their own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of a chain's first event


def canonical(
    *,
    seq: int,
    prev_hash: str,
    at: datetime,
    user: str,
    action: str,
    target: str,
    detail: Any,
) -> bytes:
    """The bytes an event's hash is taken over: sorted-key JSON, UTC time to the microsecond."""
    content = {
        "seq": seq,
        "prev": prev_hash,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "user": user,
        "action": action,
        "target": target,
        "detail": detail,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(**content: Any) -> str:
    """The sha256 (hex) of an event's canonical content; the arguments are ``canonical``'s."""
    return hashlib.sha256(canonical(**content)).hexdigest()


@dataclass(frozen=True, slots=True)
class Link:
    """One stored event as the chain sees it (``user``: the user name it was written with, or
    "" for an event of no user)."""

    pk: int
    seq: int
    prev_hash: str
    hash: str
    at: datetime
    user: str
    action: str
    target: str
    detail: Any


@dataclass(frozen=True, slots=True)
class Break:
    """The first place a chain does not hold: the event, its time, and what differs (no event
    at all, and no time, when an anchored chain has none left)."""

    pk: int
    seq: int
    at: datetime | None
    problem: str


def walk(links: Iterable[Link]) -> tuple[int, Break | None]:
    """Check one chain, given in ``seq`` order: how many events were read before the first
    break, and the break (None when the chain is whole). Reads one event at a time."""
    expected_seq, expected_prev, count = 1, GENESIS, 0
    for link in links:
        problem = _problem(link, expected_seq, expected_prev)
        if problem:
            return count, Break(link.pk, link.seq, link.at, problem)
        expected_seq, expected_prev, count = link.seq + 1, link.hash, count + 1
    return count, None


def _problem(link: Link, expected_seq: int, expected_prev: str) -> str:
    if link.seq != expected_seq:
        missing = "missing" if link.seq > expected_seq else "repeated or out of order"
        return f"sequence number {link.seq} where {expected_seq} was expected (events {missing})"
    if link.prev_hash != expected_prev:
        return (
            f"previous-hash {link.prev_hash[:12]}... does not match the hash of event "
            f"{expected_seq - 1} ({expected_prev[:12]}...): an earlier event was changed or removed"
        )
    computed = digest(
        seq=link.seq,
        prev_hash=link.prev_hash,
        at=link.at,
        user=link.user,
        action=link.action,
        target=link.target,
        detail=link.detail,
    )
    if computed != link.hash:
        return (
            f"content does not match its hash (stored {link.hash[:12]}..., computed "
            f"{computed[:12]}...): the time, user, action, target or detail was changed"
        )
    return ""


def chained(rows: Iterable[dict[str, Any]]) -> Iterator[tuple[int, str, str]]:
    """(seq, prev_hash, hash) for events not chained yet, given oldest first as dicts with
    ``at``, ``user``, ``action``, ``target`` and ``detail``: how the migration chains the
    events written before the chain existed."""
    prev = GENESIS
    for seq, row in enumerate(rows, start=1):
        value = digest(seq=seq, prev_hash=prev, **row)
        yield seq, prev, value
        prev = value
