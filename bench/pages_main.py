"""The main pages the page benchmarks measure, in order, beside the signed-in hello world and
the same writing its audit row (bench/pages_urls.py)."""

from __future__ import annotations


def addresses(*, person: int, alerts_kind: str) -> dict[str, str]:
    """Each page's name and address: ``person`` the client whose page is shown, ``alerts_kind``
    the kind of alert whose page is shown."""
    return {
        "hello world": "/bench/hello/",
        "+ audit row": "/bench/audited/",
        "dashboard": "/",
        "client list": "/clients/?q=",
        "client search": "/clients/?q=baker",
        "client page": f"/clients/{person}/",
        "alerts page": f"/alerts/{alerts_kind}/",
        "outcomes": "/outcomes/",
    }
