"""Starts one Accord server for the session, on a free loopback port with a fresh SQLite file."""

import os
import socket
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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/readyz", timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


@pytest.fixture(scope="session")
def accord_url(tmp_path_factory):
    binary = Path(os.environ.get("ACCORD_BIN", str(DEFAULT_BIN)))
    if not binary.is_file():
        pytest.fail(f"accord binary not found at {binary}; run `cargo build --bin accord` first")
    workdir = tmp_path_factory.mktemp("accord")
    database = workdir / "accord.db"
    log_path = workdir / "accord.log"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.setdefault("RUST_LOG", "info")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(binary), "serve", "--listen", f"127.0.0.1:{port}", "--database-url", f"sqlite://{database}"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        for _ in range(READY_TRIES):
            if process.poll() is not None:
                pytest.fail(f"accord exited with {process.returncode}:\n{log_path.read_text(errors='replace')}")
            if _ready(url):
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
