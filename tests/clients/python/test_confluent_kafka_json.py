"""Accord driven by confluent-kafka's JSON Schema serdes, unchanged."""

import json
import uuid

import pytest
from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient, SchemaRegistryError
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

USER = json.dumps(
    {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "User",
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name"],
    }
)

ADDRESS = json.dumps({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})

CUSTOMER = json.dumps(
    {
        "type": "object",
        "properties": {"name": {"type": "string"}, "address": {"$ref": "address.schema.json"}},
        "required": ["name", "address"],
    }
)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def fresh_client(accord_url) -> SchemaRegistryClient:
    return SchemaRegistryClient({"url": accord_url, "max.retries": 1, "retries.wait.ms": 50})


@pytest.fixture
def client(accord_url):
    registry = fresh_client(accord_url)
    yield registry
    registry.close()


def test_json_serdes_round_trip_with_auto_registration(client, accord_url):
    topic = unique("json-user")
    ctx = SerializationContext(topic, MessageField.VALUE)
    record = {"name": "Ada", "age": 36}

    payload = JSONSerializer(USER, fresh_client(accord_url))(record, ctx)
    decoded = JSONDeserializer(None, schema_registry_client=fresh_client(accord_url))(payload, ctx)

    assert decoded == record
    latest = client.get_latest_version(f"{topic}-value")
    assert payload[1:5] == latest.schema_id.to_bytes(4, "big")
    assert latest.schema.schema_type == "JSON"
    assert json.loads(latest.schema.schema_str) == json.loads(USER)


def test_json_serdes_use_the_latest_registered_version(client, accord_url):
    topic = unique("json-latest")
    schema_id = client.register_schema(f"{topic}-value", Schema(USER, "JSON"))
    ctx = SerializationContext(topic, MessageField.VALUE)
    record = {"name": "Grace"}

    serializer = JSONSerializer(
        USER, fresh_client(accord_url), conf={"auto.register.schemas": False, "use.latest.version": True}
    )
    payload = serializer(record, ctx)
    decoded = JSONDeserializer(USER, schema_registry_client=fresh_client(accord_url))(payload, ctx)

    assert payload[1:5] == schema_id.to_bytes(4, "big")
    assert decoded == record


def test_json_serdes_resolve_a_referenced_schema(client, accord_url):
    topic = unique("json-customer")
    address_subject = unique("json-address")
    client.register_schema(address_subject, Schema(ADDRESS, "JSON"))
    reference = SchemaReference("address.schema.json", address_subject, 1)
    client.register_schema(f"{topic}-value", Schema(CUSTOMER, "JSON", [reference]))
    ctx = SerializationContext(topic, MessageField.VALUE)
    record = {"name": "Ada", "address": {"city": "London"}}

    serializer = JSONSerializer(
        Schema(CUSTOMER, "JSON", [reference]),
        fresh_client(accord_url),
        conf={"auto.register.schemas": False, "use.latest.version": True},
    )
    payload = serializer(record, ctx)
    decoded = JSONDeserializer(None, schema_registry_client=fresh_client(accord_url))(payload, ctx)

    assert decoded == record


def test_an_incompatible_json_schema_is_refused_with_409(client):
    subject = unique("json-compat")
    client.register_schema(subject, Schema(USER, "JSON"))
    narrowed = json.loads(USER)
    narrowed["properties"]["age"] = {"type": "string"}

    with pytest.raises(SchemaRegistryError) as caught:
        client.register_schema(subject, Schema(json.dumps(narrowed), "JSON"))
    assert caught.value.http_status_code == 409
