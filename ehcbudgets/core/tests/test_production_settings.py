"""config/settings/production.py refuses to start unless the deployment set what makes it safe.

Each case imports the settings in a fresh interpreter with a controlled environment, as a server would start.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[3]
GOOD_KEY = "k" * 50
GOOD = {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "ehcbudgets.example", "EMAIL_HOST": "smtp.example"}


def _start(**env) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "PYTHONDONTWRITEBYTECODE": "1",
        **{k: v for k, v in env.items() if v is not None},
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _refused(result, message: str) -> None:
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_starts_when_secret_key_hosts_and_debug_are_safe():
    result = _start(**GOOD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_refuses_to_start_without_a_secret_key():
    _refused(_start(ALLOWED_HOSTS="ehcbudgets.example"), "SECRET_KEY must be set")


def test_refuses_a_secret_key_of_49_characters():
    _refused(_start(**{**GOOD, "SECRET_KEY": "k" * 49}), "at least 50 characters")


def test_accepts_a_secret_key_of_50_characters():
    assert _start(**{**GOOD, "SECRET_KEY": "k" * 50}).returncode == 0


@pytest.mark.parametrize("value", ["true", "True", "1", "yes", "on"])
def test_refuses_to_start_with_debug_on(value):
    _refused(_start(**GOOD, DEBUG=value), "DEBUG must be off in production")


def test_starts_with_debug_set_to_false():
    assert _start(**GOOD, DEBUG="false").returncode == 0


def test_refuses_to_start_without_allowed_hosts():
    _refused(_start(SECRET_KEY=GOOD_KEY), "ALLOWED_HOSTS must name the host names")


def test_refuses_allowed_hosts_that_are_only_commas_and_spaces():
    _refused(_start(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS=" , ,"), "ALLOWED_HOSTS must name the host names")


def test_production_requires_staff_two_factor_unless_told_otherwise():
    code = "import django; django.setup(); from django.conf import settings; print(settings.EHC_REQUIRE_STAFF_2FA)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "config.settings.production", **GOOD},
    )
    assert result.stdout.strip() == "True", result.stderr


def test_refuses_to_start_without_an_email_relay():
    _refused(_start(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="ehcbudgets.example"), "EMAIL_HOST must name the SMTP relay")


def test_refuses_an_email_relay_that_is_only_spaces():
    _refused(_start(**{**GOOD, "EMAIL_HOST": "   "}), "EMAIL_HOST must name the SMTP relay")
