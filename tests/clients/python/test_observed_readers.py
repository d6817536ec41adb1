"""Who really reads a stream, as the Confluent Python client's own serdes show it: with
authentication on, the producer's serializer and the consumers' deserializers use their services'
Basic credentials, and Accord lists each reader as declared or undeclared."""

import json
import urllib.request

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from conftest import ADMIN_TOKEN

ORDER = json.dumps(
    {
        "type": "record",
        "name": "Order",
        "namespace": "accord.readers",
        "fields": [{"name": "id", "type": "string"}, {"name": "total", "type": "double"}],
    }
)
TOPIC = "orders"
SUBJECT = "orders-value"


def admin(url, method, path, body=None):
    request = urllib.request.Request(
        url + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None


def service_client(url, service):
    """A SchemaRegistryClient with a fresh credential of `service` (created on the way)."""
    admin(url, "POST", "/governance/services", {"name": service, "team": "shop"})
    secret = admin(url, "POST", f"/governance/services/{service}/credentials", {})["secret"]
    return SchemaRegistryClient({"url": url, "basic.auth.user.info": f"{service}:{secret}"})


def test_a_granted_consumer_and_an_undeclared_reader_are_told_apart(secured_accord_url):
    url = secured_accord_url
    admin(url, "POST", "/governance/teams", {"name": "shop"})
    producer = service_client(url, "checkout")
    billing = service_client(url, "billing")
    analytics = service_client(url, "analytics")

    context = SerializationContext(TOPIC, MessageField.VALUE)
    message = AvroSerializer(producer, ORDER)({"id": "o-1", "total": 9.5}, context)
    admin(url, "PUT", f"/governance/subjects/{SUBJECT}/consumers/billing")
    for client in (billing, analytics):
        assert AvroDeserializer(client)(message, context) == {"id": "o-1", "total": 9.5}

    readers = admin(url, "GET", f"/governance/subjects/{SUBJECT}/readers")
    by_service = {reader["service"]: reader for reader in readers["readers"]}
    assert by_service["billing"]["declared"] is True
    assert by_service["billing"]["reads"] >= 1
    assert by_service["billing"]["ids"] == [producer.get_latest_version(SUBJECT).schema_id]
    assert by_service["billing"]["clients"], by_service
    assert by_service["analytics"]["declared"] is False
    assert by_service["analytics"]["reads"] >= 1

    drift = admin(url, "GET", "/governance/drift")
    assert {"subject": SUBJECT, "service": "analytics"}.items() <= drift["undeclared"][0].items()
