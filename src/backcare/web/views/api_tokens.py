"""A user's API tokens: make one (shown once, on this page only), see them, revoke one."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from backcare import config
from backcare.errors import InvalidIntake, NotFound, SaveFailed
from backcare.records import api_tokens
from backcare.records.models import ApiToken
from backcare.web.views.common import clinic_page, user_of


@clinic_page
def token_page(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    errors: list[str] = []
    made = ""
    post = request.POST
    if request.method == "POST":
        try:
            if post.get("action") == "revoke":
                token = api_tokens.find(prefix=post.get("prefix", ""), user=user)
                api_tokens.revoke(token=token, actor=user)
            else:
                raw = post.get("days", "").strip()
                _, made = api_tokens.issue(
                    user=user,
                    name=post.get("name", ""),
                    scope=post.get("scope", ""),
                    days=int(raw) if raw.isdigit() and len(raw) < 6 else 0,
                    actor=user,
                )
        except InvalidIntake as error:
            errors = [str(p) for p in error.problems]
        except (NotFound, SaveFailed) as error:
            errors = [str(error)]
    now = timezone.now()
    return render(
        request,
        "web/api_tokens.html",
        {
            "tokens": [(t, api_tokens.state(t, now=now)) for t in api_tokens.tokens_of(user)],
            "made": made,
            "errors": errors,
            "typed": post if errors else {},
            "scopes": ApiToken.Scope.choices,
            "most_days": config.api_token_days(),
        },
        status=400 if errors else 200,
    )
