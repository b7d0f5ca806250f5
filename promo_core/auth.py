"""The team password: a salted, slow hash to store it, and a brake on guessing it.

Why scrypt: a leaked secrets.toml must not give the password away, and a plain or unsalted SHA-256
is cracked in seconds on a graphics card. Why the brake: without it a script can try thousands of
passwords a minute; here every wrong one doubles the wait before the next is even checked, per
browser session and per client address (so opening new sessions does not help).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
import re
import threading
import time
from dataclasses import dataclass
from typing import Callable, Mapping

from promo_core.errors import DataError
from promo_core.text import Message

LOG = logging.getLogger("promolens.auth")
N, R, P = 2**15, 8, 1  # about 0.1 s and 32 MB per check on one core
_HASH = re.compile(r"scrypt\$(\d+)\$(\d+)\$(\d+)\$([0-9a-f]{32,128})\$([0-9a-f]{64})")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r + 2**20, dklen=32)


def hash_password(password: str) -> str:
    """The ``password_hash`` value for secrets.toml: ``scrypt$n$r$p$<salt>$<hash>`` in hex, with a fresh salt."""
    if not password:
        raise DataError(Message("auth.error.empty_password"))
    salt = os.urandom(16)
    return f"scrypt${N}${R}${P}${salt.hex()}${_scrypt(password, salt, N, R, P).hex()}"


@dataclass(frozen=True)
class TeamPassword:
    """The configured team password in one of the accepted forms: ``scrypt`` (``password_hash``),
    ``sha256`` (``password_sha256``, unsalted: accepted, but should be upgraded) or ``plain``
    (``password``: likewise)."""

    kind: str
    value: str

    def check(self, given: str) -> bool:
        """Whether ``given`` is the password (compared in constant time)."""
        if self.kind == "scrypt":
            n, r, p, salt, expected = _HASH.fullmatch(self.value).groups()
            return hmac.compare_digest(_scrypt(given, bytes.fromhex(salt), int(n), int(r), int(p)).hex(), expected)
        if self.kind == "sha256":
            return hmac.compare_digest(hashlib.sha256(given.encode("utf-8")).hexdigest(), self.value)
        digest = hashlib.sha256(self.value.encode("utf-8")).hexdigest()  # equal lengths: no timing hint
        return hmac.compare_digest(hashlib.sha256(given.encode("utf-8")).hexdigest(), digest)


def team_password(settings: Mapping | None) -> TeamPassword | None:
    """The team password configured in secrets.toml's ``[promolens]`` section, or None when there is
    none. The strongest form given wins; a malformed one raises DataError, so that a typo keeps the
    app closed instead of opening it."""
    if settings is None:
        return None
    if not isinstance(settings, Mapping):
        raise DataError(Message("auth.error.not_a_section"))
    if "password_hash" in settings:
        value = str(settings["password_hash"]).strip()
        match = _HASH.fullmatch(value)
        if not match or not _sane(*map(int, match.groups()[:3])):
            raise DataError(Message("auth.error.bad_hash"))
        return TeamPassword("scrypt", value)
    if "password_sha256" in settings:
        value = str(settings["password_sha256"]).strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", value):
            raise DataError(Message("auth.error.bad_sha256"))
        return TeamPassword("sha256", value)
    if "password" in settings:
        value = str(settings["password"])
        if not value:
            raise DataError(Message("auth.error.empty_plain"))
        return TeamPassword("plain", value)
    return None


def _sane(n: int, r: int, p: int) -> bool:
    """Cost parameters that scrypt accepts and that check in seconds, not minutes."""
    return 2**10 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16 and n * r <= 2**22


class Throttle:
    """Failed attempts per key (a session, a client address). After the k-th failure in a row the
    key waits ``base * 2**(k-1)`` seconds (at most ``cap``) before its next attempt is checked;
    a key with no failure for ``forget_after`` seconds starts afresh. Thread-safe, so one object
    serves every session of the process."""

    def __init__(self, base: float = 1.0, cap: float = 600.0, forget_after: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic):
        self.base, self.cap, self.forget_after, self.clock = base, cap, forget_after, clock
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[int, float]] = {}  # key -> (failures in a row, time of the last)

    def _wait(self, key: str, now: float) -> float:
        count, last = self._failures.get(key, (0, now))
        if count == 0 or now - last > self.forget_after:
            return 0.0
        return max(0.0, last + min(self.cap, self.base * 2 ** (count - 1)) - now)

    def wait(self, keys: list[str]) -> float:
        """Seconds before the keys may try again (0: now)."""
        now = self.clock()
        with self._lock:
            return max(self._wait(k, now) for k in keys)

    def attempt(self, keys: list[str]) -> float:
        """Start an attempt: 0 when it may go ahead (it then counts as failed until ``succeeded``, so
        concurrent attempts cannot slip through together), else the seconds left to wait."""
        now = self.clock()
        with self._lock:
            wait = max(self._wait(k, now) for k in keys)
            if wait > 0:
                return wait
            if len(self._failures) > 10_000:
                self._failures = {k: v for k, v in self._failures.items() if now - v[1] <= self.forget_after}
            for key in keys:
                count, last = self._failures.get(key, (0, now))
                self._failures[key] = (0 if now - last > self.forget_after else count) + 1, now
            return 0.0

    def succeeded(self, keys: list[str]) -> None:
        """The attempt was right: the keys start afresh."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


def _first_wait() -> float:
    """The wait after a first wrong password, in seconds (``PROMO_SIGNIN_WAIT_S``, default 1)."""
    try:
        seconds = float(os.environ.get("PROMO_SIGNIN_WAIT_S", "1"))
    except ValueError:
        seconds = math.nan
    if not 0.5 <= seconds <= 600:  # (a typo must not switch the slow-down off)
        LOG.warning("PROMO_SIGNIN_WAIT_S must be a number of seconds from 0.5 to 600; using 1")
        return 1.0
    return seconds


THROTTLE = Throttle(base=_first_wait())


@dataclass(frozen=True)
class Attempt:
    """The answer to one sign-in attempt: ``ok``, or the seconds to wait before the next one
    (``refused``: this one was not even checked, because it came too soon)."""

    ok: bool
    wait: int = 0
    refused: bool = False


def sign_in(password: TeamPassword, given: str, *, session: str, address: str | None,
            throttle: Throttle | None = None) -> Attempt:
    """Check one attempt at the team password from a session and client address (None: local or
    unknown), through the throttle, and log every failure (never the password)."""
    throttle = throttle or THROTTLE
    where = address or "local"
    keys = [f"session:{session}", f"address:{where}"]
    wait = throttle.attempt(keys)
    if wait:
        LOG.warning("Sign-in attempt from %s refused: too many wrong passwords, next check in %d s", where,
                    math.ceil(wait))
        return Attempt(False, math.ceil(wait), refused=True)
    if password.check(given):
        throttle.succeeded(keys)
        LOG.info("Signed in with the team password from %s", where)
        return Attempt(True)
    wait = math.ceil(throttle.wait(keys))
    LOG.warning("Wrong team password from %s; next attempt checked in %d s", where, wait)
    return Attempt(False, wait)
