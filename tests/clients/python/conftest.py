"""Starts Accord servers for the session, each on a loopback port of the system's choosing (the
server binds port 0 and writes the port it got to a file) with a fresh SQLite file: one with
authentication off, and one with an admin token for the governance tests."""

import contextlib
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_BIN = REPO_ROOT / "target" / "debug" / "accord"
READY_TRIES = 100
READY_PAUSE_SECONDS = 0.1


def _bound_address(address_file: Path) -> str | None:
    try:
        return address_file.read_text().strip() or None
    except FileNotFoundError:
        return None


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/readyz", timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


ADMIN_TOKEN = "client-tests-admin"


@contextlib.contextmanager
def running_accord(workdir: Path, *args: str):
    """Runs `accord serve` over a fresh SQLite file in `workdir` with `args`; yields its URL."""
    binary = Path(os.environ.get("ACCORD_BIN", str(DEFAULT_BIN)))
    if not binary.is_file():
        pytest.fail(f"accord binary not found at {binary}; run `cargo build --bin accord` first")
    database = workdir / "accord.db"
    log_path = workdir / "accord.log"
    address_file = workdir / "address"
    env = dict(os.environ)
    env.setdefault("RUST_LOG", "info")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                str(binary),
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--address-file",
                str(address_file),
                "--database-url",
                f"sqlite://{database}",
                *args,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        url = None
        for _ in range(READY_TRIES):
            if process.poll() is not None:
                pytest.fail(f"accord exited with {process.returncode}:\n{log_path.read_text(errors='replace')}")
            address = _bound_address(address_file)
            url = address and f"http://{address}"
            if url and _ready(url):
                break
            time.sleep(READY_PAUSE_SECONDS)
        else:
            pytest.fail(f"accord did not become ready at {url}:\n{log_path.read_text(errors='replace')}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def accord_url(tmp_path_factory):
    with running_accord(tmp_path_factory.mktemp("accord")) as url:
        yield url


@pytest.fixture(scope="session")
def secured_accord_url(tmp_path_factory):
    """A server with authentication on: the admin's token is ADMIN_TOKEN."""
    with running_accord(tmp_path_factory.mktemp("accord-secured"), "--admin-token", ADMIN_TOKEN) as url:
        yield url
