from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from backcare.clinical import Intake, parse_intake
from backcare.knowledge import KnowledgeBase, load_knowledge
from backcare.knowledge.contract import RED_FLAGS

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


def make_intake(**fields: Any) -> Intake:
    """An intake from keyword fields (age 40 unless a client is given)."""
    data: dict[str, Any] = {"assessed_on": TODAY, "client": {"age": 40}, **fields}
    return parse_intake(data, today=TODAY)


NO_RED_FLAGS = dict.fromkeys(RED_FLAGS, False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With BACKCARE_REQUIRE_ALL_TESTS set (as CI sets it), a skipped test fails the run."""
    import os

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("BACKCARE_REQUIRE_ALL_TESTS") and skipped and exitstatus == 0:
        reporter.write_line(
            f"{len(skipped)} test(s) skipped; CI requires every test to run.", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


NESTED = "tests/integration/test_postgres.py::test_web_and_record_suites_pass_on_postgresql"


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """The longest tests go first, so that the test workers end together instead of one of
    them finishing a long test alone. The PostgreSQL run of the web suite starts now, in the
    background, and is checked last."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)  # a stable sort
    nested = [item for item in items if item.nodeid == NESTED]
    if nested:
        items[:] = [item for item in items if item.nodeid != NESTED] + nested
        from tests.integration import test_postgres

        test_postgres.start()


def pytest_configure(config: pytest.Config) -> None:
    """The suite's shared directory is made once, before any test worker starts (the workers
    inherit it). Emptying the database between transactional tests deletes rows the database
    otherwise refuses to delete (records/guards.py): the flush, and only the flush, switches
    erasing on."""
    import atexit
    import os
    import shutil
    import tempfile

    if not os.environ.get("BACKCARE_SUITE_DIR"):
        os.environ["BACKCARE_SUITE_DIR"] = tempfile.mkdtemp(prefix="backcare-suite-")
        atexit.register(shutil.rmtree, os.environ["BACKCARE_SUITE_DIR"], ignore_errors=True)

    from django.db.backends.base.operations import BaseDatabaseOperations

    from backcare.records import guards

    flush = BaseDatabaseOperations.execute_sql_flush

    def erasing_flush(self: BaseDatabaseOperations, sql_list: list[str]) -> None:
        with guards.erasing(self.connection):
            flush(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = erasing_flush  # type: ignore[method-assign]
