"""The audit hash chain, on its own: a chain as written walks whole; any change, removal or
swap of an event is found at that event; database ids play no part."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from backcare.records import chain

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def written(count: int, first_pk: int = 1) -> list[chain.Link]:
    contents = [
        {
            "at": START + timedelta(seconds=n),
            "user": "anna" if n % 2 else "",
            "action": "client.view",
            "target": f"overview {n}",
            "detail": {"clients": [n, n + 1], "note": "Zoë"},
        }
        for n in range(count)
    ]
    return [
        chain.Link(pk, seq, prev, value, **content)
        for pk, content, (seq, prev, value) in zip(
            range(first_pk, first_pk + count), contents, chain.chained(contents), strict=True
        )
    ]


def test_a_chain_as_written_is_whole() -> None:
    assert chain.walk(written(5)) == (5, None)


def test_the_same_events_under_other_ids_still_verify() -> None:
    assert chain.walk(written(5, first_pk=9001)) == (5, None)


def test_a_changed_detail_is_found_at_that_event() -> None:
    links = written(5)
    links[2] = replace(links[2], detail={"clients": [2]})

    checked, broken = chain.walk(links)

    assert checked == 2
    assert broken is not None
    assert (broken.seq, broken.pk) == (3, 3)
    assert "content does not match its hash" in broken.problem


def test_a_changed_time_or_user_is_found() -> None:
    for change in ({"at": START}, {"user": "mallory"}):
        links = written(3)
        links[1] = replace(links[1], **change)  # type: ignore[arg-type]
        assert chain.walk(links)[1] is not None


def test_a_rehashed_event_breaks_the_link_to_the_next() -> None:
    links = written(4)
    forged = replace(links[1], target="nothing to see")
    content = {k: getattr(forged, k) for k in ("at", "user", "action", "target", "detail")}
    links[1] = replace(forged, hash=chain.digest(seq=2, prev_hash=forged.prev_hash, **content))

    checked, broken = chain.walk(links)

    assert checked == 2
    assert broken is not None
    assert broken.seq == 3
    assert "does not match the hash of event 2" in broken.problem


def test_a_removed_event_is_reported_as_missing() -> None:
    links = written(4)
    del links[1]

    checked, broken = chain.walk(links)

    assert checked == 1
    assert broken is not None
    assert "sequence number 3 where 2 was expected (events missing)" in broken.problem


def test_the_hash_covers_the_time_to_the_microsecond_in_any_time_zone() -> None:
    content = {"user": "", "action": "a", "target": "", "detail": {}}
    here = START.astimezone(UTC)
    there = START.astimezone(datetime.now().astimezone().tzinfo)
    same = chain.digest(seq=1, prev_hash=chain.GENESIS, at=here, **content)
    assert same == chain.digest(seq=1, prev_hash=chain.GENESIS, at=there, **content)
    later = here + timedelta(microseconds=1)
    assert same != chain.digest(seq=1, prev_hash=chain.GENESIS, at=later, **content)
