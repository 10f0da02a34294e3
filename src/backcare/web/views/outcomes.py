"""The clinic outcomes page: responder rates with their intervals, completion and drop-out."""

from __future__ import annotations

from functools import lru_cache

from django.http import HttpRequest, HttpResponse

from backcare.knowledge import load_knowledge
from backcare.records.clinic_outcomes import Group, clinic_outcomes
from backcare.reports import charts, rates
from backcare.web import fragments
from backcare.web.views.common import clinic_page, today, user_of


@clinic_page
def outcomes_page(request: HttpRequest) -> HttpResponse:
    kb = load_knowledge()
    found = clinic_outcomes(user=user_of(request), today=today(), kb=kb)
    context = {
        "outcomes": found,
        "tables": [
            (title, groups, _rates(key, f"Responders {title.lower()}", groups))
            for key, title, groups in [
                ("modality", "By modality", found.by_modality),
                ("stage", "By stage of pain", found.by_chronicity),
                ("start-back", "By STarT Back risk group", found.by_start_back),
            ]
        ],
        "pain": kb.instruments["nprs"],
        "dropout_why": kb.progress.dropout_why,
    }
    # the outcomes are kept until a save (records/clinic_outcomes.py); the rest follows from
    # them and the knowledge base, whose version is part of what is kept
    made_of = {"outcomes": fragments.Same(found)}
    return fragments.page(
        request, "web/outcomes.html", "web/_clinic_outcomes.html", context, made_of=made_of
    )


@lru_cache(maxsize=64)
def _rates(key: str, title: str, groups: tuple[Group, ...]) -> charts.Chart:
    """The responder rates' chart; the same rates (the page shown again) reuse the one drawn."""
    shown = [
        rates.Proportion(g.name, g.rate.count, g.rate.total, g.rate.low, g.rate.high)
        for g in groups
    ]
    return rates.rate_chart(f"responders-{key}", title, shown)
