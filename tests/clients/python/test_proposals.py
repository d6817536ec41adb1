"""Breaking a contract together, as the Confluent Python client's own serializer meets it: the
producer's breaking schema is refused with a 409 that says how to propose it; once both consumers
answer ready, the same serializer's auto-registration lands it as version 2, once."""

import base64
import json
import urllib.error
import urllib.request

import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

from conftest import ADMIN_TOKEN

TOPIC = "parcels"
SUBJECT = "parcels-value"
ADMIN = f"Bearer {ADMIN_TOKEN}"


def parcel(*extra):
    fields = [{"name": "id", "type": "string"}, *extra]
    return json.dumps({"type": "record", "name": "Parcel", "namespace": "accord.proposals", "fields": fields})


V1 = parcel()
V2 = parcel({"name": "weight", "type": "int"})
V3 = parcel({"name": "weight", "type": "int"}, {"name": "zone", "type": "string"})


def call(url, authorization, method, path, body=None):
    request = urllib.request.Request(
        url + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": authorization, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None


def service(url, name):
    """Creates `name` with a credential; returns its Authorization header and a client."""
    call(url, ADMIN, "POST", "/governance/services", {"name": name, "team": "fulfilment"})
    secret = call(url, ADMIN, "POST", f"/governance/services/{name}/credentials", {})["secret"]
    header = "Basic " + base64.b64encode(f"{name}:{secret}".encode()).decode()
    client = SchemaRegistryClient({"url": url, "basic.auth.user.info": f"{name}:{secret}"})
    return header, client


def serialize(client, schema, record):
    context = SerializationContext(TOPIC, MessageField.VALUE)
    return AvroSerializer(client, schema)(record, context)


def test_an_agreed_break_lands_through_the_serializers_auto_registration(secured_accord_url):
    url = secured_accord_url
    call(url, ADMIN, "POST", "/governance/teams", {"name": "fulfilment", "contacts": [{"kind": "email", "value": "ff@example.com"}]})
    warehouse, producer = service(url, "warehouse")
    invoicing, _ = service(url, "invoicing")
    tracking, _ = service(url, "tracking")

    serialize(producer, V1, {"id": "p-1"})
    for consumer in ("invoicing", "tracking"):
        call(url, warehouse, "PUT", f"/governance/subjects/{SUBJECT}/consumers/{consumer}")

    with pytest.raises(SchemaRegistryError) as refused:
        serialize(producer, V2, {"id": "p-2", "weight": 3})
    assert refused.value.http_status_code == 409
    assert f"propose it: POST /governance/subjects/{SUBJECT}/proposals" in refused.value.error_message

    proposal = call(url, warehouse, "POST", f"/governance/subjects/{SUBJECT}/proposals",
                    {"schema": V2, "summary": "every parcel now carries its weight"})
    assert proposal["state"] == "open"
    number = proposal["id"]
    for header, name in ((invoicing, "invoicing"), (tracking, "tracking")):
        inbox = call(url, header, "GET", f"/governance/proposals?awaiting={name}")
        assert [p["id"] for p in inbox["proposals"]] == [number]

    answer = f"/governance/proposals/{number}/responses/"
    call(url, invoicing, "PUT", answer + "invoicing", {"response": "blocked", "comment": "invoices read weight next sprint"})
    with pytest.raises(SchemaRegistryError) as still_refused:
        serialize(producer, V2, {"id": "p-2", "weight": 3})
    assert still_refused.value.http_status_code == 409

    call(url, invoicing, "PUT", answer + "invoicing", {"response": "ready"})
    approved = call(url, tracking, "PUT", answer + "tracking", {"response": "ready"})
    assert approved["state"] == "approved"

    serialize(producer, V2, {"id": "p-2", "weight": 3})
    assert producer.get_latest_version(SUBJECT).version == 2
    applied = call(url, ADMIN, "GET", f"/governance/proposals/{number}")
    assert (applied["state"], applied["version"]) == ("applied", 2)

    with pytest.raises(SchemaRegistryError) as next_break:
        serialize(producer, V3, {"id": "p-3", "weight": 1, "zone": "north"})
    assert next_break.value.http_status_code == 409
    with pytest.raises(urllib.error.HTTPError) as decided:
        call(url, tracking, "PUT", answer + "tracking", {"response": "blocked"})
    assert decided.value.code == 409
