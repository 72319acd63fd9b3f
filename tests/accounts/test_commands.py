"""Operator commands: adduser and kraken_connect."""

import io
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.models import KrakenConnection
from tests.factories import PASSWORD, UserFactory, make_connection, secret_for

pytestmark = pytest.mark.django_db
User = get_user_model()


def run(name, *args, stdin: str = "", monkeypatch=None):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_adduser_reads_the_password_from_stdin(monkeypatch):
    output = run(
        "adduser",
        "grace",
        "--email",
        "g@example.com",
        "--password-stdin",
        stdin=PASSWORD + "\n",
        monkeypatch=monkeypatch,
    )
    user = User.objects.get(username="grace")
    assert user.check_password(PASSWORD)
    assert user.email == "g@example.com"
    assert user.profile.jurisdiction == "us"
    assert output.startswith("created user grace")


@pytest.mark.parametrize(
    ("stdin", "message"),
    [("", "no password on standard input"), ("123\n", "This password is too short")],
)
def test_adduser_refuses_bad_passwords(monkeypatch, stdin, message):
    with pytest.raises(CommandError, match=message):
        run("adduser", "heidi", "--password-stdin", stdin=stdin, monkeypatch=monkeypatch)
    assert not User.objects.filter(username="heidi").exists()


def test_adduser_refuses_a_duplicate(monkeypatch):
    UserFactory(username="ivan")
    with pytest.raises(CommandError, match="A user named 'ivan' already exists."):
        run("adduser", "ivan", "--password-stdin", stdin=PASSWORD + "\n", monkeypatch=monkeypatch)


def test_kraken_connect_prints_the_id_last_and_reads_dash_secrets_from_stdin(monkeypatch):
    user = UserFactory(username="judy")
    secret, fsecret = secret_for("s"), secret_for("f")
    output = run(
        "kraken_connect",
        "--user",
        "judy",
        "--label",
        "Main",
        "--api-key",
        "KEY123abcdefghijklmnop",
        "--api-secret",
        "-",
        "--futures-key",
        "FKEYabcdefghijklmnopqr",
        "--futures-secret",
        "-",
        "--api-url",
        "http://127.0.0.1:9999",
        "--tier",
        "pro",
        stdin=f"{secret}\n{fsecret}\n",
        monkeypatch=monkeypatch,
    )
    connection = KrakenConnection.objects.get(user=user)
    assert output.strip().splitlines()[-1] == str(connection.pk)
    assert connection.api_secret() == secret
    assert connection.futures_secret() == fsecret
    assert connection.api_url == "http://127.0.0.1:9999"
    assert connection.rate_tier == "pro"


def test_kraken_connect_custom_rate(monkeypatch):
    UserFactory(username="ken")
    run(
        "kraken_connect",
        "--user",
        "ken",
        "--label",
        "Fast",
        "--api-key",
        "Kabcdefghijklmnopqrstu",
        "--api-secret",
        secret_for("k"),
        "--rate-max",
        "20",
        "--rate-decay",
        "50",
        monkeypatch=monkeypatch,
    )
    connection = KrakenConnection.objects.get()
    assert connection.rate_tier == "custom"
    assert [str(v) for v in connection.rate_limits()] == ["20.000", "50.0000"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "nobody"], "unknown user 'nobody'"),
        (["--api-secret", "***"], "api_secret: The API secret is not valid base64"),
        (["--tier", "gold"], "rate_tier: Unknown rate-limit tier 'gold'"),
        (["--label", "Taken"], "label: You already have a connection labelled 'Taken'."),
        (["--api-key", ""], "api_key: The API key is empty."),
    ],
)
def test_kraken_connect_refuses_bad_input_and_saves_nothing(monkeypatch, args, message):
    owner = UserFactory(username="leo")
    make_connection(user=owner, label="Taken")
    defaults = {
        "--user": "leo",
        "--label": "New",
        "--api-key": "KEYabcdefghijklmnopqr",
        "--api-secret": secret_for("x"),
    }
    given = dict(zip(args[::2], args[1::2], strict=True))
    argv = [item for key, value in {**defaults, **given}.items() for item in (key, value)]
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        run("kraken_connect", *argv, monkeypatch=monkeypatch)
    assert KrakenConnection.objects.count() == 1


def test_commands_exit_non_zero_from_the_shell(tmp_path):
    import os
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "VAR_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=root, env=env, check=True)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "kraken_connect",
            "--user",
            "ghost",
            "--label",
            "x",
            "--api-key",
            "k",
            "--api-secret",
            "-",
        ],
        cwd=root,
        env=env,
        input="",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "unknown user 'ghost'" in result.stderr
