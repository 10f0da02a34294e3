"""The API: /api/v1, Bearer tokens, a rate per token, one error body, the OpenAPI document at
/api/v1/openapi.json and its browsable docs at /api/v1/docs (docs/api.md)."""

from __future__ import annotations

from ninja import NinjaAPI

from backcare.web.api import assess, care, clients, contract, errors, exports
from backcare.web.api.auth import TokenAuth, TokenRate
from backcare.web.api.body import BoundedParser

api = NinjaAPI(
    title="backcare API",
    version="1",
    description=(
        "Screening, records and exports of one clinic, for the holder of an API token "
        "(made at /account/tokens/ or with `backcare token create`). Every call is audited."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    throttle=[TokenRate()],
    parser=BoundedParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    openapi_extra={"components": {"schemas": contract.intake_components()}},
)
errors.install(api)
api.add_router("", assess.router)
api.add_router("", clients.router)
api.add_router("", care.router)
api.add_router("", exports.router)
