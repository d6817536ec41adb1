"""Change events as a receiver written with the Standard Webhooks reference library sees them:
every kind of change arrives once, with a signature that `standardwebhooks` verifies (with the
secret shown at creation, and during a rotation with the new one too), as a CloudEvent that the
JSON Schemas in schemas/events/ accept."""

import base64
import json
import sys
import threading
import time
import uuid
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from conftest import ADMIN_TOKEN, REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "schemas" / "events"))
from check import validate  # noqa: E402

ADMIN = f"Bearer {ADMIN_TOKEN}"


class Receiver:
    """A real HTTP receiver on a loopback port, keeping every request's headers and body."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def until(self, count, seconds=20):
        deadline = time.monotonic() + seconds
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.received)


def call(url, method, path, body=None, authorization=ADMIN):
    request = urllib.request.Request(
        url + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": authorization, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request) as response:
            text = response.read()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def record(*fields):
    return json.dumps({"type": "record", "name": "Shipment", "fields": [{"name": "id", "type": "string"}, *fields]})


@pytest.fixture()
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


def test_every_change_arrives_once_signed_and_as_its_schema_says(secured_accord_url, receiver):
    url = secured_accord_url
    status, made = call(url, "POST", "/governance/webhooks", {"url": receiver.url, "events": ["*"]})
    assert status == 201, made
    secret = made["secret"]
    assert secret.startswith("whsec_")

    # Names of this test's own: the server is shared with the other tests.
    run = uuid.uuid4().hex[:8]
    freight, depot, shipping, tracking = (f"{n}-{run}" for n in ["freight", "depot", "shipping", "tracking"])
    subject = f"shipments-{run}-value"

    def ok(method, path, body=None, authorization=ADMIN, expected=(200, 201, 204)):
        status, answer = call(url, method, path, body, authorization)
        assert status in expected, (method, path, status, answer)
        return answer

    ok("POST", "/governance/teams", {"name": freight})
    ok("PUT", f"/governance/teams/{freight}", {"contacts": [{"kind": "email", "value": "f@example.com"}]})
    ok("POST", "/governance/teams", {"name": depot})
    for service in [shipping, tracking]:
        ok("POST", "/governance/services", {"name": service, "team": freight})
    ok("PUT", f"/governance/services/{tracking}", {"team": freight, "description": "follows parcels"})
    ok("POST", f"/subjects/{subject}/versions", {"schema": record()})
    ok("PUT", f"/governance/subjects/{subject}/producer", {"service": shipping})
    ok("PUT", f"/governance/subjects/{subject}/consumers/{tracking}", {})
    issued = ok("POST", f"/governance/services/{shipping}/credentials", {})
    producer = "Basic " + base64.b64encode(f"{shipping}:{issued['secret']}".encode()).decode()
    breaking = {"schema": record({"name": "weight", "type": "int"})}
    ok("POST", f"/subjects/{subject}/versions", breaking, producer, expected=(409,))
    first = ok("POST", f"/governance/subjects/{subject}/proposals", {**breaking, "summary": "weight"}, producer)
    ok("POST", f"/governance/proposals/{first['id']}/withdraw", {"reason": "not yet"}, producer)
    second = ok("POST", f"/governance/subjects/{subject}/proposals", {**breaking, "summary": "weight"}, producer)
    ok("POST", f"/governance/proposals/{second['id']}/reject", {"reason": "needs a default"})
    third = ok("POST", f"/governance/subjects/{subject}/proposals", {**breaking, "summary": "weight"}, producer)
    ok("PUT", f"/governance/proposals/{third['id']}/responses/{tracking}", {"response": "ready"})
    ok("POST", f"/subjects/{subject}/versions", breaking, producer)
    ok("PUT", f"/config/{subject}", {"compatibility": "NONE"})
    ok("DELETE", f"/config/{subject}")
    ok("PUT", f"/mode/{subject}", {"mode": "READONLY"})
    ok("DELETE", f"/mode/{subject}")
    other = ok("POST", "/governance/webhooks", {"url": receiver.url, "events": ["dev.accord.nothing.*"]})
    ok("PUT", f"/governance/webhooks/{other['id']}", {"url": receiver.url, "events": ["dev.accord.none.*"]})
    ok("POST", f"/governance/webhooks/{other['id']}/rotate-secret")
    ok("DELETE", f"/governance/webhooks/{other['id']}")
    ok("DELETE", f"/subjects/{subject}/versions/1")
    ok("DELETE", f"/governance/subjects/{subject}/consumers/{tracking}")
    ok("DELETE", f"/governance/services/{shipping}/credentials/{issued['id']}")
    ok("DELETE", f"/subjects/{subject}")
    ok("DELETE", f"/governance/services/{tracking}")
    ok("DELETE", f"/governance/teams/{depot}")

    expected = {
        "webhook.created", "team.created", "team.updated", "service.created", "service.updated",
        "schema.registered", "producer.assigned", "consumer.granted", "credential.issued",
        "schema.refused", "proposal.opened", "proposal.withdrawn", "proposal.rejected",
        "proposal.answered", "proposal.approved", "proposal.applied", "config.changed",
        "config.deleted", "mode.changed", "mode.deleted", "webhook.updated",
        "webhook.secret_rotated", "webhook.deleted", "version.deleted", "consumer.revoked",
        "credential.revoked", "subject.deleted", "service.deleted", "team.deleted",
    }
    seen = set()
    deadline = time.monotonic() + 20
    while not expected <= seen and time.monotonic() < deadline:
        seen = {json.loads(body)["type"].removeprefix("dev.accord.") for _, body in receiver.received}
        time.sleep(0.05)
    assert expected <= seen, f"never arrived: {sorted(expected - seen)}"
    time.sleep(0.3)

    ids = [headers["webhook-id"] for headers, _ in receiver.received]
    assert len(ids) == len(set(ids)), "each event arrives once"
    verifier = Webhook(secret)
    for headers, body in receiver.received:
        event = verifier.verify(body, headers)
        assert event["id"] == headers["webhook-id"]
        assert event["source"] == url
        validate(event)
    tampered_headers, tampered = receiver.received[0]
    with pytest.raises(WebhookVerificationError):
        verifier.verify(tampered.replace(b"dev.accord", b"dev.accorb"), tampered_headers)
    ok("DELETE", f"/governance/webhooks/{made['id']}")


def test_during_a_rotation_both_the_new_and_the_old_secret_verify(secured_accord_url, receiver):
    url = secured_accord_url
    status, made = call(url, "POST", "/governance/webhooks", {"url": receiver.url, "events": ["dev.accord.team.*"]})
    assert status == 201, made
    status, rotated = call(url, "POST", f"/governance/webhooks/{made['id']}/rotate-secret")
    assert status == 200, rotated
    assert rotated["secret"] != made["secret"]
    call(url, "POST", "/governance/teams", {"name": "rotation"})
    (headers, body), *_ = receiver.until(1)
    for secret in [made["secret"], rotated["secret"]]:
        assert Webhook(secret).verify(body, headers)["type"] == "dev.accord.team.created"
    call(url, "DELETE", f"/governance/webhooks/{made['id']}")
