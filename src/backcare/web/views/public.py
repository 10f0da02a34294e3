"""The public "is back massage right for me?" check: no login, and nothing is stored."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from backcare.clinical import assess, parse_intake, to_json
from backcare.clinical.assessment import avoided_regions
from backcare.errors import InvalidIntake
from backcare.knowledge import load_knowledge
from backcare.web.forms import SelfCheckForm
from backcare.web.pictures import guide_map
from backcare.web.questions import bound_red_flags
from backcare.web.views.common import today
from backcare.web.voice import told


def self_check(request: HttpRequest) -> HttpResponse:
    kb = load_knowledge()
    form = SelfCheckForm(request.POST or None)
    context = {
        "form": form,
        "public": True,
        "not_this": kb.meta.public_check.not_this,
        "urgent_signs": kb.meta.public_check.urgent_signs,
        "check": kb.meta.public_check,
        "red_flags": bound_red_flags(form),
    }
    if request.method == "POST" and form.is_valid():
        try:
            intake = parse_intake(form.to_intake(today()), today=today())
        except InvalidIntake as error:
            form.add_error(None, "; ".join(str(p) for p in error.problems))
        else:
            result = to_json(assess(intake, kb))
            plan = result["plan"]
            context.update(
                {
                    "result": result,
                    "headline": kb.meta.public_check.decisions[result["decision"]],
                    "told": told(kb, result["findings"]),
                    "modalities": [
                        kb.modalities[r["modality"]] for r in result["recommendations"][:3]
                    ],
                    "map": guide_map(plan["home_care"], avoided_regions(result)) if plan else "",
                    "sources": sorted(
                        {s for f in result["findings"] for s in f["sources"]}
                        | set(plan["sources"] if plan else [])
                    ),
                }
            )
            return render(request, "web/self_check_result.html", context)
    return render(request, "web/self_check.html", context)
