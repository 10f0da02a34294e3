"""The API: /api/v1, Bearer tokens, a rate per token, one error body, the OpenAPI document at
/api/v1/openapi.json and its browsable docs at /api/v1/docs (docs/api.md)."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from backcare.web.api import assess, care, clients, contract, errors, exports, token
from backcare.web.api.auth import TokenAuth, TokenRate
from backcare.web.api.body import BoundedParser


class Api(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """ninja's document, with the intake contract's schemas among the components."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {}).update(contract.intake_components())
        return schema

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__


api = Api(
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
)
errors.install(api)
api.add_router("", token.router)
api.add_router("", assess.router)
api.add_router("", clients.router)
api.add_router("", care.router)
api.add_router("", exports.router)
