"""The Wilson score interval, against the worked examples of Newcombe (1998), table I."""

from __future__ import annotations

import pytest

from backcare.clinical.interval import wilson


@pytest.mark.parametrize(
    ("count", "total", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_the_published_examples(count, total, low, high):
    rate = wilson(count, total)
    assert (round(rate.low, 4), round(rate.high, 4)) == (low, high)


def test_no_clients_gives_the_whole_range_and_a_count_above_the_total_is_refused():
    assert (wilson(0, 0).low, wilson(0, 0).high) == (0.0, 1.0)
    with pytest.raises(ValueError, match="is not a proportion"):
        wilson(5, 4)
