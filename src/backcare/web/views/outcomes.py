"""The clinic outcomes page: responder rates with their intervals, completion and drop-out."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from backcare.knowledge import load_knowledge
from backcare.records.clinic_outcomes import clinic_outcomes
from backcare.web.views.common import clinic_page, today, user_of


@clinic_page
def outcomes_page(request: HttpRequest) -> HttpResponse:
    kb = load_knowledge()
    found = clinic_outcomes(user=user_of(request), today=today(), kb=kb)
    return render(
        request,
        "web/outcomes.html",
        {
            "outcomes": found,
            "tables": [
                ("By modality", found.by_modality),
                ("By stage of pain", found.by_chronicity),
                ("By STarT Back risk group", found.by_start_back),
            ],
            "pain": kb.instruments["nprs"],
            "dropout_why": kb.progress.dropout_why,
        },
    )
