"""When to measure: which instruments are due for a client now (``instruments.yaml``,
``measured_at`` and ``due``). Baseline before the course starts, then at each reassessment
point (every ``reassess_after_sessions`` sessions) and at discharge (the plan's last session).
Pain before and after every session is on the session note and never falls due here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from backcare.knowledge import KnowledgeBase


@dataclass(frozen=True)
class Due:
    instrument: str
    point: str
    after_session: int

    def text(self, kb: KnowledgeBase) -> str:
        name = kb.instruments[self.instrument].name
        if self.point == "baseline":
            return f"{name}: baseline"
        return f"{name}: {self.point} after session {self.after_session}"


def due(
    *,
    sessions: Sequence[date],
    taken: Mapping[str, Sequence[date]],
    reassess_after_sessions: int,
    total_sessions: int,
    kb: KnowledgeBase,
) -> list[Due]:
    """Measures due now. ``sessions`` are the plan's session dates, oldest first; ``taken``
    the dates each instrument was measured."""
    done = len(sessions)
    point, after = _point_reached(done, reassess_after_sessions, total_sessions)
    wanted = []
    for instrument in kb.instruments.values():
        if not instrument.due:
            continue
        dates = taken.get(instrument.id, ())
        if "baseline" in instrument.measured_at and not dates:
            wanted.append(Due(instrument.id, "baseline", 0))
        elif point in instrument.measured_at and after:
            since = sessions[after - 1]
            if not any(day >= since for day in dates):
                wanted.append(Due(instrument.id, point, after))
    return wanted


def _point_reached(done: int, every: int, total: int) -> tuple[str, int]:
    """The latest measuring point the sessions have reached, and at which session."""
    if done >= total:
        return "discharge", total
    reached = (done // every) * every if every else 0
    return ("reassessment", reached) if reached else ("baseline", 0)
