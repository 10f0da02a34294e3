"""Eight people saving at once: every save is answered, every acknowledged save is kept, and
intake versions run 1..N without a gap or a repeat. Runs on SQLite here and on PostgreSQL in the
nested run of tests/integration (test_postgres.py)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.db import connection, transaction
from django.test import Client as Browser

from backcare.errors import SaveFailed
from backcare.knowledge.contract import RED_FLAGS
from backcare.records import accounts, audit, clients, intakes, saving, sessions
from backcare.records.models import Client, Clinic, Intake, SessionNote, User
from tests import homes
from tests.web.conftest import intake_form, session_form

WRITERS = 8
SAVES_EACH = 6  # each writer's: half intake versions, half session notes
TODAY = date(2026, 11, 22)
TIMEOUT = 120  # seconds for the whole run; a hang fails the test instead of stalling the suite

pytestmark = pytest.mark.django_db(transaction=True)


def intake_data(marker: str) -> dict[str, Any]:
    return {
        "assessed_on": TODAY.isoformat(),
        "client": {"age": 52},
        "red_flags": dict.fromkeys(RED_FLAGS, False),
        "pain": {"regions": ["low_back"], "duration_weeks": 20, "intensity": 5, "cause": "posture"},
        "notes": marker,
    }


def session_note(marker: str) -> dict[str, Any]:
    return {
        "session_date": TODAY,
        "subjective": marker,
        "techniques": ["effleurage"],
        "regions": ["upper_back_left"],
        "pressure": "light",
        "minutes": 30,
        "pain_before": 5,
        "pain_after": 3,
    }


@dataclass
class Outcome:
    """What the writers were told: the saves acknowledged, and any that failed."""

    intakes: dict[str, int] = field(default_factory=dict)  # marker -> version
    sessions: dict[str, int] = field(default_factory=dict)  # marker -> session id
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def run_writers(work: Callable[[int, int, Outcome], None], saves_each: int = SAVES_EACH) -> Outcome:
    """Run ``work(writer, save, outcome)`` for every save, from WRITERS threads started together;
    each thread closes its own database connection when done."""
    outcome = Outcome()
    start = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        try:
            start.wait()
            for save in range(saves_each):
                try:
                    work(number, save, outcome)
                except Exception as error:  # every failure is counted and shown, none hidden
                    with outcome.lock:
                        outcome.failures.append(f"writer {number} save {save}: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), f"writers still busy after {TIMEOUT}s"
    return outcome


@pytest.fixture
def therapist() -> User:
    clinic = Clinic.objects.create(name="Busy clinic")
    return accounts.create_user(clinic=clinic, username="busy", password="a-long-test-password-42")


@pytest.fixture
def person(therapist: User) -> Client:
    """A client with a first intake (version 1) that allows massage today."""
    client = clients.create_client(user=therapist, data={"first_name": "Rush", "last_name": "Hour"})
    intakes.record_intake(user=therapist, client=client, data=intake_data("first"), today=TODAY)
    return client


def test_eight_writers_saving_intakes_and_notes_at_once_all_succeed_and_all_are_kept(
    therapist: User, person: Client
) -> None:
    def save(writer: int, number: int, outcome: Outcome) -> None:
        marker = f"writer {writer} save {number}"
        if number % 2 == 0:
            assessment = intakes.record_intake(
                user=therapist, client=person, data=intake_data(marker), today=TODAY
            )
            with outcome.lock:
                outcome.intakes[marker] = assessment.intake.version
        else:
            note = sessions.record_session(
                user=therapist, client=person, note=session_note(marker), today=TODAY
            )
            with outcome.lock:
                outcome.sessions[marker] = note.pk

    outcome = run_writers(save)

    assert outcome.failures == []
    total = WRITERS * SAVES_EACH
    assert len(outcome.intakes) + len(outcome.sessions) == total
    stored = {i.data["notes"]: i.version for i in Intake.objects.filter(client=person)}
    assert sorted(stored.values()) == list(range(1, total // 2 + 2))  # 1 (first) .. N, no gaps
    assert {m: stored[m] for m in outcome.intakes} == outcome.intakes
    notes = dict(SessionNote.objects.filter(client=person).values_list("subjective", "pk"))
    assert notes == outcome.sessions
    assert person.plans.filter(active=True).count() == 1


def _short_lock_wait(wait_ms: int | None) -> None:
    """Let this thread's connection wait at most ``wait_ms`` for a lock (None: as configured)."""
    sqlite = connection.vendor == "sqlite"
    if wait_ms is None:
        sql = "PRAGMA busy_timeout = 30000" if sqlite else "RESET lock_timeout"
    else:
        sql = f"PRAGMA busy_timeout = {wait_ms}" if sqlite else f"SET lock_timeout = '{wait_ms}ms'"
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _writing_audit_entry() -> bool:
    """Whether this thread is inside audit.record, whose own short transaction comes before
    the save's (a page writes its audit entry, then saves)."""
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code is audit.record.__code__:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


@contextmanager
def held(client: Client, *, when: str, wait_ms: int = 200) -> Iterator[None]:
    """Another transaction holds the client (SQLite: the database's one write lock; PostgreSQL:
    the client's row, and with ``when="now"`` the audit log too) until the block ends, while
    this thread waits at most ``wait_ms`` for a lock.

    ``when="now"`` holds from the start; ``when="at the save"`` just as this thread's save
    begins, so whatever the page wrote before it (its audit entry, in a transaction of its
    own) is written by then.
    """
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                saving.lock_client(client)
                if when == "now" and connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("LOCK TABLE records_auditevent IN SHARE MODE")
                taken.set()
                release.wait(TIMEOUT)
        finally:
            connection.close()

    def at_the_save(execute: Any, sql: str, *args: Any) -> Any:
        begins = sql.startswith("BEGIN") and not _writing_audit_entry()
        if not taken.is_set() and (begins or "FOR NO KEY UPDATE" in sql):
            threading.Thread(target=hold, daemon=True).start()
            assert taken.wait(TIMEOUT)
        return execute(sql, *args)

    if when == "now":
        threading.Thread(target=hold, daemon=True).start()
        assert taken.wait(TIMEOUT)
    _short_lock_wait(wait_ms)
    try:
        with connection.execute_wrapper(at_the_save):
            yield
    finally:
        release.set()
        _short_lock_wait(None)
    assert taken.is_set(), "the save never started, so nothing was held"


def test_an_intake_that_cannot_get_the_database_in_time_says_so_and_stores_nothing(
    therapist: User, person: Client
) -> None:
    with held(person, when="at the save"), pytest.raises(SaveFailed, match="nothing was stored"):
        intakes.record_intake(
            user=therapist, client=person, data=intake_data("while held"), today=TODAY
        )
    assert [i.data["notes"] for i in Intake.objects.filter(client=person)] == ["first"]
    again = intakes.record_intake(
        user=therapist, client=person, data=intake_data("once free"), today=TODAY
    )
    assert again.intake.version == 2


def test_a_session_note_that_cannot_be_saved_comes_back_with_what_was_typed(
    therapist: User, person: Client
) -> None:
    browser = Browser()
    browser.force_login(therapist)
    typed = "left shoulder eased after the second round"
    form = {
        "session_date": TODAY.isoformat(),
        "minutes": "30",
        "pressure": "light",
        "regions": ["upper_back_left"],
        "techniques": ["effleurage"],
        "pain_before": "5",
        "pain_after": "3",
        "subjective": typed,
    }
    with held(person, when="at the save"):
        response = browser.post(f"/clients/{person.pk}/sessions/new/", form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "could not be saved just now" in html
    assert typed in html
    assert not SessionNote.objects.filter(client=person).exists()
    assert browser.post(f"/clients/{person.pk}/sessions/new/", form).status_code == 302
    assert SessionNote.objects.get(client=person).subjective == typed


def test_an_intake_form_that_cannot_be_saved_comes_back_with_what_was_typed(
    therapist: User, person: Client
) -> None:
    browser = Browser()
    browser.force_login(therapist)
    typed = "worse after gardening at the weekend"
    with held(person, when="at the save"):
        response = browser.post(f"/clients/{person.pk}/intake/", intake_form(notes=typed))
    html = response.content.decode()
    assert response.status_code == 200
    assert "could not be saved just now" in html
    assert "Please check the marked answers" not in html  # no answer was wrong
    assert typed in html
    assert person.intakes.count() == 1


def test_a_page_that_cannot_write_to_a_held_database_in_time_answers_busy_not_an_error(
    therapist: User, person: Client
) -> None:
    browser = Browser()
    browser.force_login(therapist)
    with held(person, when="now"):
        response = browser.get(f"/clients/{person.pk}/")  # opening it writes to the audit log
    assert response.status_code == 503
    assert "The database is busy" in response.content.decode()
    assert browser.get(f"/clients/{person.pk}/").status_code == 200


def _database_url() -> str:
    """The URL of the database this test runs on, for a server process to use the same one."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgresql://{user}{password}@{host}/{db['NAME']}"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``backcare serve`` on 127.0.0.1 with 8 threads, on this test's database."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    homes.copy_into(tmp_path)  # static files collected; its database is this test's
    env = {**os.environ, "BACKCARE_HOME": str(tmp_path), "BACKCARE_DATABASE_URL": _database_url()}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "backcare", "serve", "--port", str(port), "--threads", "8"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(f"{base}/login/", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"backcare serve did not start:\n{(tmp_path / 'server.log').read_text()}"
                    )
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: Any) -> None:
        return None  # a 302 is the answer we look at, not a page to follow


class Therapist:
    """One browser: its own cookies, logged in through the login form with its CSRF token."""

    def __init__(self, base: str, username: str, password: str, home: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.token = self._token("/login/")
        status, _ = self.post("/login/", {"username": username, "password": password})
        assert status == 302, f"{username} could not log in ({status})"
        self.token = self._token(home)  # logging in makes a new token; the page opened next has it

    def post(self, path: str, fields: dict[str, Any]) -> tuple[int, str]:
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.token}, doseq=True)
        return self._open(urllib.request.Request(self.base + path, data=body.encode()))

    def _token(self, path: str) -> str:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self._open_page(path))
        assert token, f"no CSRF token on {path}"
        return token[1]

    def _open_page(self, path: str) -> str:
        status, page = self._open(urllib.request.Request(self.base + path))
        assert status == 200, f"{path} answered {status}"
        return page

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:  # 302 (not followed), 4xx, 5xx
            return error.code, error.read().decode(errors="replace")


def test_eight_browsers_saving_through_the_web_app_at_once_are_all_answered_and_kept(
    server: str, therapist: User, person: Client
) -> None:
    password = "a-long-test-password-42"
    hashed = make_password(password, hasher=Argon2PasswordHasher())  # what the server checks
    for number in range(WRITERS):  # eight colleagues, each in their own browser
        User.objects.create(clinic=therapist.clinic, username=f"colleague{number}", password=hashed)
    home = f"/clients/{person.pk}/sessions/new/"
    with ThreadPoolExecutor(WRITERS) as pool:  # eight log in at once, as at opening time
        browsers = list(
            pool.map(lambda n: Therapist(server, f"colleague{n}", password, home), range(WRITERS))
        )

    def save(writer: int, number: int, outcome: Outcome) -> None:
        marker = f"writer {writer} save {number}"
        if number % 2 == 0:
            path, fields = f"/clients/{person.pk}/intake/", intake_form(notes=marker)
        else:
            path, fields = f"/clients/{person.pk}/sessions/new/", session_form(subjective=marker)
        status, page = browsers[writer].post(path, fields)
        if status != 302:
            raise AssertionError(f"{path} answered {status}: {page[:300]}")
        with outcome.lock:
            (outcome.intakes if number % 2 == 0 else outcome.sessions)[marker] = 0

    outcome = run_writers(save, saves_each=4)  # a server in one process: fewer, to stay quick

    assert outcome.failures == []
    versions = Intake.objects.filter(client=person).values_list("version", flat=True)
    assert sorted(versions) == list(range(1, len(outcome.intakes) + 2))
    assert {i.data["notes"] for i in Intake.objects.filter(client=person)} == {
        "first",
        *outcome.intakes,
    }
    notes = SessionNote.objects.filter(client=person).values_list("subjective", flat=True)
    assert sorted(notes) == sorted(outcome.sessions)
