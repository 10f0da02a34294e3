"""The one-time setup token: lets the first account be made from another machine.

``backcare serve`` prints it while no account exists; whoever can read the server's console (or
its data directory) may open ``/setup/?token=...`` from anywhere. It is kept, mode 600, in the
data directory, shared by every server process there, and deleted once the first account exists.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from backcare import config


def _path() -> Path:
    return config.data_dir() / "setup_token"


def issue() -> str:
    """The token, made now unless a server process made it already (the first one wins)."""
    path = _path()
    if not path.exists():
        made = path.with_name(f"setup_token.{os.getpid()}")
        made.touch(mode=0o600)
        made.write_text(secrets.token_urlsafe(24), encoding="utf-8")
        try:
            os.link(made, path)  # appears whole, or not at all when another process was first
        except FileExistsError:
            pass
        finally:
            made.unlink()
    return path.read_text(encoding="utf-8").strip()


def matches(candidate: str) -> bool:
    """True when ``candidate`` is the token issued (compared in constant time)."""
    path = _path()
    if not candidate or not path.exists():
        return False
    issued = path.read_text(encoding="utf-8").strip()
    return secrets.compare_digest(candidate.encode(), issued.encode())


def discard() -> None:
    _path().unlink(missing_ok=True)
