"""The team password: stored as a salted slow hash, old forms still accepted, malformed settings
refused, and guessing slowed down however the guesses arrive."""
import hashlib
import io
import logging
import sys
import threading
import tomllib

import pytest

from promo_core import auth, cli
from tests.conftest import ROOT, chinese_error


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_hash_verifies_only_its_password_and_gives_nothing_away():
    first, second = auth.hash_password("correct horse"), auth.hash_password("correct horse")
    assert first.startswith("scrypt$32768$8$1$") and first != second, "a fresh salt each time"
    assert "correct horse" not in first and hashlib.sha256(b"correct horse").hexdigest() not in first
    stored = auth.team_password({"password_hash": first})
    assert stored.kind == "scrypt" and stored.check("correct horse")
    assert not stored.check("correct horse ") and not stored.check("") and not stored.check("Correct horse")


def test_old_forms_are_still_accepted_and_the_strongest_form_wins():
    sha = auth.team_password({"password_sha256": hashlib.sha256(b"pw").hexdigest().upper()})
    plain = auth.team_password({"password": "pw"})
    assert (sha.kind, plain.kind) == ("sha256", "plain")
    assert sha.check("pw") and plain.check("pw") and not sha.check("pw2") and not plain.check("p")
    both = auth.team_password({"password": "old", "password_hash": auth.hash_password("new")})
    assert both.kind == "scrypt" and both.check("new") and not both.check("old")
    assert auth.team_password(None) is None and auth.team_password({"other": 1}) is None


@pytest.mark.parametrize("settings", [
    {"password_hash": "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"},
    {"password_hash": "scrypt$1073741824$8$1$" + "00" * 16 + "$" + "00" * 32},  # would take minutes and GBs
    {"password_hash": "scrypt$16384$8$1$zz$00"},
    {"password_sha256": "password"},
    {"password": ""},
    "password = 'x'",
])
def test_a_malformed_setting_is_refused_with_a_clear_message(settings):
    err = chinese_error(lambda: auth.team_password(settings))
    assert "secrets.toml" in str(err)


def test_each_wrong_password_doubles_the_wait_up_to_a_cap():
    clock = Clock()
    throttle = auth.Throttle(base=1, cap=8, forget_after=100, clock=clock)
    keys = ["session:a", "address:1.2.3.4"]
    waits = []
    for _ in range(6):
        assert throttle.attempt(keys) == 0
        waits.append(throttle.wait(keys))
        assert throttle.attempt(keys) == waits[-1], "too soon: refused"
        clock.now += waits[-1]
    assert waits == [1, 2, 4, 8, 8, 8]
    assert throttle.wait(["session:b"]) == 0, "other keys are not held up"
    clock.now += 101
    assert throttle.attempt(keys) == 0 and throttle.wait(keys) == 1, "a long pause starts afresh"
    throttle.succeeded(keys)
    assert throttle.wait(keys) == 0


def test_guesses_sent_all_at_once_are_checked_one_at_a_time():
    throttle, checked = auth.Throttle(clock=Clock()), []
    start = threading.Barrier(20)

    def guess(i):
        start.wait()
        if throttle.attempt([f"session:{i}", "address:10.0.0.9"]) == 0:
            checked.append(i)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checked) == 1


def test_an_hour_of_guessing_once_a_second_gets_few_checks(caplog):
    caplog.set_level(logging.INFO, logger="promolens.auth")
    clock = Clock()
    throttle = auth.Throttle(clock=clock)
    password = auth.TeamPassword("sha256", hashlib.sha256(b"s3cret-team").hexdigest())
    outcomes = []
    for second in range(3600):  # a new session for every guess, from one address
        clock.now = second
        outcomes.append(auth.sign_in(password, f"guess{second}", session=f"s{second}", address="203.0.113.7",
                                     throttle=throttle))
    checked = [o for o in outcomes if not o.refused]
    assert not any(o.ok for o in outcomes) and len(checked) <= 20
    assert all(o.wait > 0 for o in outcomes)
    clock.now += 600
    assert auth.sign_in(password, "s3cret-team", session="s", address="203.0.113.7", throttle=throttle).ok
    messages = [r.getMessage() for r in caplog.records]
    assert sum("Wrong team password from 203.0.113.7" in m for m in messages) == len(checked)
    assert sum("refused" in m for m in messages) == 3600 - len(checked)
    assert not any("guess" in m or "s3cret" in m for m in messages), "passwords are never logged"


def test_the_right_password_too_soon_is_not_even_checked():
    clock = Clock()
    throttle = auth.Throttle(clock=clock)
    password = auth.TeamPassword("plain", "pw")
    assert not auth.sign_in(password, "nope", session="a", address=None, throttle=throttle).ok
    too_soon = auth.sign_in(password, "pw", session="a", address=None, throttle=throttle)
    assert not too_soon.ok and too_soon.refused and too_soon.wait == 1
    clock.now += 1
    assert auth.sign_in(password, "pw", session="a", address=None, throttle=throttle).ok


def test_hash_password_command_prints_a_line_for_secrets_toml(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse\n"))
    assert cli.main(["hash-password"]) == 0
    line = capsys.readouterr().out.strip()
    settings = tomllib.loads(f"[promolens]\n{line}\n")["promolens"]
    assert auth.team_password(settings).check("correct horse")


def test_hash_password_command_refuses_an_empty_or_mistyped_password(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert cli.main(["hash-password"]) == 2
    assert "cannot be empty" in capsys.readouterr().err
    typed = iter(["first", "second"])
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: next(typed))
    assert cli.main(["hash-password"]) == 2
    captured = capsys.readouterr()
    assert "differ" in captured.err and not captured.out


def test_the_shipped_config_shows_no_error_details_in_the_browser():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none", "false still shows the stack trace in Streamlit 1.67"



@pytest.mark.parametrize("setting, seconds", [(None, 1.0), ("30", 30.0), ("0", 1.0), ("-5", 1.0), ("nan", 1.0),
                                              ("soon", 1.0), ("1e9", 1.0)])
def test_the_first_wait_is_set_by_the_deployment_and_a_bad_setting_keeps_one_second(monkeypatch, setting, seconds):
    if setting is None:
        monkeypatch.delenv("PROMO_SIGNIN_WAIT_S", raising=False)
    else:
        monkeypatch.setenv("PROMO_SIGNIN_WAIT_S", setting)
    assert auth._first_wait() == seconds
