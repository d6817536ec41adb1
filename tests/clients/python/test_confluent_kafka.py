"""Accord driven by the Confluent Python client (confluent-kafka) and its Avro serdes, unchanged."""

import json
import struct
import uuid

import pytest
from confluent_kafka.schema_registry import (
    Schema,
    SchemaReference,
    SchemaRegistryClient,
    SchemaRegistryError,
    ServerConfig,
    record_subject_name_strategy,
)
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.common.schema_registry_client import ConfigCompatibilityLevel
from confluent_kafka.serialization import MessageField, SerializationContext

USER_V1 = json.dumps(
    {
        "type": "record",
        "name": "User",
        "namespace": "accord.test",
        "fields": [
            {"name": "name", "type": "string"},
            {"name": "age", "type": "int"},
        ],
    }
)

# Adds a field with a default: backward compatible with USER_V1.
USER_V2 = json.dumps(
    {
        "type": "record",
        "name": "User",
        "namespace": "accord.test",
        "fields": [
            {"name": "name", "type": "string"},
            {"name": "age", "type": "int"},
            {"name": "email", "type": ["null", "string"], "default": None},
        ],
    }
)

# Adds a field without a default: not backward compatible with USER_V1.
USER_INCOMPATIBLE = json.dumps(
    {
        "type": "record",
        "name": "User",
        "namespace": "accord.test",
        "fields": [
            {"name": "name", "type": "string"},
            {"name": "age", "type": "int"},
            {"name": "country", "type": "string"},
        ],
    }
)


ADDRESS = json.dumps(
    {
        "type": "record",
        "name": "Address",
        "namespace": "accord.test",
        "fields": [{"name": "city", "type": "string"}],
    }
)

# Refers to accord.test.Address, registered under its own subject.
CUSTOMER = json.dumps(
    {
        "type": "record",
        "name": "Customer",
        "namespace": "accord.test",
        "fields": [
            {"name": "name", "type": "string"},
            {"name": "address", "type": "accord.test.Address"},
        ],
    }
)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def client(accord_url):
    # A fresh client per test, so that no test is answered from another test's cache.
    registry = SchemaRegistryClient({"url": accord_url, "max.retries": 1, "retries.wait.ms": 50})
    yield registry
    registry.close()


def fresh_client(accord_url) -> SchemaRegistryClient:
    return SchemaRegistryClient({"url": accord_url, "max.retries": 1, "retries.wait.ms": 50})


def avro(schema_str: str) -> Schema:
    return Schema(schema_str, "AVRO")


def same_schema(left: str, right: str) -> bool:
    return json.loads(left) == json.loads(right)


# --- registering and reading -------------------------------------------------------------


def test_register_schema_returns_an_id_that_get_schema_resolves_to_the_same_schema(client, accord_url):
    subject = unique("reg")
    schema_id = client.register_schema(subject, avro(USER_V1))
    assert isinstance(schema_id, int) and schema_id >= 1

    # A client with an empty cache has to ask the server.
    fetched = fresh_client(accord_url).get_schema(schema_id)
    assert fetched.schema_type in (None, "AVRO")
    assert same_schema(fetched.schema_str, USER_V1)


def test_registering_the_same_schema_twice_returns_the_same_id_and_version(client, accord_url):
    subject = unique("twice")
    first = client.register_schema_full_response(subject, avro(USER_V1))
    second = fresh_client(accord_url).register_schema_full_response(subject, avro(USER_V1))
    assert second.schema_id == first.schema_id
    assert client.get_versions(subject) == [1]


def test_the_same_schema_under_two_subjects_shares_one_id(client):
    first = client.register_schema(unique("share-a"), avro(USER_V1))
    second = client.register_schema(unique("share-b"), avro(USER_V1))
    assert first == second


def test_get_schema_with_a_subject_hint_answers_the_same_schema(client, accord_url):
    subject = unique("hint")
    schema_id = client.register_schema(subject, avro(USER_V1))
    fetched = fresh_client(accord_url).get_schema(schema_id, subject_name=subject)
    assert same_schema(fetched.schema_str, USER_V1)


def test_get_latest_version_returns_the_newest_registration(client):
    subject = unique("latest")
    id1 = client.register_schema(subject, avro(USER_V1))
    id2 = client.register_schema(subject, avro(USER_V2))
    assert id1 != id2

    latest = client.get_latest_version(subject)
    assert latest.subject == subject
    assert latest.version == 2
    assert latest.schema_id == id2
    assert same_schema(latest.schema.schema_str, USER_V2)


def test_get_version_returns_each_numbered_version_and_latest(client):
    subject = unique("version")
    id1 = client.register_schema(subject, avro(USER_V1))
    id2 = client.register_schema(subject, avro(USER_V2))

    v1 = client.get_version(subject, 1)
    assert (v1.subject, v1.version, v1.schema_id) == (subject, 1, id1)
    assert same_schema(v1.schema.schema_str, USER_V1)

    v2 = client.get_version(subject, 2)
    assert (v2.version, v2.schema_id) == (2, id2)

    latest = client.get_version(subject, "latest")
    assert (latest.version, latest.schema_id) == (2, id2)


def test_get_versions_lists_every_version_of_a_subject(client):
    subject = unique("versions")
    client.register_schema(subject, avro(USER_V1))
    client.register_schema(subject, avro(USER_V2))
    assert client.get_versions(subject) == [1, 2]


def test_get_subjects_lists_registered_subjects_and_filters_by_prefix(client):
    prefix = unique("subjects")
    first, second = f"{prefix}-a", f"{prefix}-b"
    client.register_schema(first, avro(USER_V1))
    client.register_schema(second, avro(USER_V1))

    assert {first, second} <= set(client.get_subjects())
    assert sorted(client.get_subjects(subject_prefix=prefix)) == [first, second]


def test_get_subjects_and_versions_by_schema_id_name_where_an_id_is_used(client):
    subject = unique("by-id")
    schema_id = client.register_schema(subject, avro(USER_V2))
    assert subject in client.get_subjects_by_schema_id(schema_id)
    versions = client.get_schema_versions(schema_id)
    assert any(v.subject == subject and v.version == 1 for v in versions)


def test_get_schema_types_includes_avro(client):
    assert "AVRO" in client.get_schema_types()


def test_a_subject_name_with_a_slash_round_trips(client, accord_url):
    subject = unique("team/orders")
    schema_id = client.register_schema(subject, avro(USER_V1))
    latest = fresh_client(accord_url).get_latest_version(subject)
    assert (latest.subject, latest.schema_id, latest.version) == (subject, schema_id, 1)
    assert subject in client.get_subjects()


# --- lookup --------------------------------------------------------------------------------


def test_lookup_schema_finds_the_subject_version_and_id_of_a_registered_schema(client, accord_url):
    subject = unique("lookup")
    client.register_schema(subject, avro(USER_V1))
    id2 = client.register_schema(subject, avro(USER_V2))

    found = fresh_client(accord_url).lookup_schema(subject, avro(USER_V2))
    assert found.subject == subject
    assert found.version == 2
    assert found.schema_id == id2


def test_lookup_schema_of_an_unregistered_schema_raises_40403(client):
    subject = unique("lookup-miss")
    client.register_schema(subject, avro(USER_V1))
    with pytest.raises(SchemaRegistryError) as caught:
        client.lookup_schema(subject, avro(USER_V2))
    assert caught.value.http_status_code == 404
    assert caught.value.error_code == 40403


def test_lookup_schema_in_an_unknown_subject_raises_40401(client):
    with pytest.raises(SchemaRegistryError) as caught:
        client.lookup_schema(unique("lookup-nobody"), avro(USER_V1))
    assert caught.value.http_status_code == 404
    assert caught.value.error_code == 40401


# --- deleting ------------------------------------------------------------------------------


def test_delete_version_soft_deletes_then_permanently_deletes_a_version(client, accord_url):
    subject = unique("del-version")
    client.register_schema(subject, avro(USER_V1))
    client.register_schema(subject, avro(USER_V2))

    assert client.delete_version(subject, 2) == 2
    assert client.get_versions(subject) == [1]
    assert client.get_versions(subject, deleted=True) == [1, 2]
    assert fresh_client(accord_url).get_latest_version(subject).version == 1

    assert client.delete_version(subject, 2, permanent=True) == 2
    assert client.get_versions(subject, deleted=True) == [1]


def test_permanently_deleting_a_live_version_raises_40407(client):
    subject = unique("del-live")
    client.register_schema(subject, avro(USER_V1))
    with pytest.raises(SchemaRegistryError) as caught:
        client.delete_version(subject, 1, permanent=True)
    assert caught.value.error_code == 40407


def test_delete_subject_soft_deletes_then_permanently_deletes_a_subject(client, accord_url):
    subject = unique("del-subject")
    client.register_schema(subject, avro(USER_V1))
    client.register_schema(subject, avro(USER_V2))

    assert sorted(client.delete_subject(subject)) == [1, 2]
    assert subject not in client.get_subjects()
    assert subject in client.get_subjects(deleted=True)
    with pytest.raises(SchemaRegistryError) as caught:
        fresh_client(accord_url).get_latest_version(subject)
    assert caught.value.error_code == 40401

    assert sorted(client.delete_subject(subject, permanent=True)) == [1, 2]
    assert subject not in client.get_subjects(deleted=True)
    with pytest.raises(SchemaRegistryError) as caught:
        client.get_versions(subject, deleted=True)
    assert caught.value.error_code == 40401


def test_permanently_deleting_a_live_subject_raises_40405(client):
    subject = unique("del-live-subject")
    client.register_schema(subject, avro(USER_V1))
    with pytest.raises(SchemaRegistryError) as caught:
        client.delete_subject(subject, permanent=True)
    assert caught.value.error_code == 40405


def test_a_soft_deleted_schema_id_stays_readable(client, accord_url):
    subject = unique("del-readable")
    schema_id = client.register_schema(subject, avro(USER_V1))
    client.delete_subject(subject)
    fetched = fresh_client(accord_url).get_schema(schema_id)
    assert same_schema(fetched.schema_str, USER_V1)


def test_soft_deleting_a_subject_twice_raises_40404(client):
    subject = unique("del-twice")
    client.register_schema(subject, avro(USER_V1))
    client.delete_subject(subject)
    with pytest.raises(SchemaRegistryError) as caught:
        client.delete_subject(subject)
    assert caught.value.error_code == 40404


def test_a_soft_deleted_version_is_readable_with_deleted_true(client, accord_url):
    subject = unique("del-get")
    client.register_schema(subject, avro(USER_V1))
    id2 = client.register_schema(subject, avro(USER_V2))
    client.delete_version(subject, 2)

    reader = fresh_client(accord_url)
    with pytest.raises(SchemaRegistryError) as caught:
        reader.get_version(subject, 2)
    assert caught.value.error_code == 40402
    found = reader.get_version(subject, 2, deleted=True)
    assert (found.version, found.schema_id) == (2, id2)


def test_lookup_schema_with_deleted_true_finds_a_soft_deleted_version(client, accord_url):
    subject = unique("del-lookup")
    client.register_schema(subject, avro(USER_V1))
    id2 = client.register_schema(subject, avro(USER_V2))
    client.delete_version(subject, 2)

    with pytest.raises(SchemaRegistryError) as caught:
        fresh_client(accord_url).lookup_schema(subject, avro(USER_V2))
    assert caught.value.error_code == 40403
    found = fresh_client(accord_url).lookup_schema(subject, avro(USER_V2), deleted=True)
    assert (found.version, found.schema_id) == (2, id2)


# --- references ----------------------------------------------------------------------------


def test_a_schema_with_a_reference_registers_and_names_what_refers_to_it(client, accord_url):
    address_subject = unique("ref-address")
    customer_subject = unique("ref-customer")
    client.register_schema(address_subject, avro(ADDRESS))
    reference = SchemaReference("accord.test.Address", address_subject, 1)
    customer_id = client.register_schema(customer_subject, Schema(CUSTOMER, "AVRO", [reference]))

    latest = fresh_client(accord_url).get_latest_version(customer_subject)
    assert latest.schema_id == customer_id
    refs = latest.schema.references
    assert [(r.name, r.subject, r.version) for r in refs] == [("accord.test.Address", address_subject, 1)]
    assert client.get_referenced_by(address_subject, 1) == [customer_id]

    # A referenced version cannot go away.
    with pytest.raises(SchemaRegistryError) as caught:
        client.delete_subject(address_subject)
    assert caught.value.error_code == 42206


def test_avro_serdes_resolve_a_referenced_schema(client, accord_url):
    topic = unique("ref-serde")
    address_subject = unique("ref-serde-address")
    client.register_schema(address_subject, avro(ADDRESS))
    reference = SchemaReference("accord.test.Address", address_subject, 1)
    client.register_schema(f"{topic}-value", Schema(CUSTOMER, "AVRO", [reference]))

    ctx = SerializationContext(topic, MessageField.VALUE)
    record = {"name": "Ada", "address": {"city": "London"}}
    serializer = AvroSerializer(
        fresh_client(accord_url),
        conf={"auto.register.schemas": False, "use.latest.version": True},
    )
    payload = serializer(record, ctx)
    assert AvroDeserializer(fresh_client(accord_url))(payload, ctx) == record


# --- compatibility and config --------------------------------------------------------------


def test_get_compatibility_without_a_subject_returns_the_global_level(client):
    assert client.get_compatibility() == "BACKWARD"


def test_set_compatibility_sets_and_get_compatibility_reads_a_subject_level(client):
    subject = unique("compat-level")
    client.register_schema(subject, avro(USER_V1))
    answer = client.set_compatibility(subject_name=subject, level="full")
    assert answer == {"compatibility": "FULL"}
    assert client.get_compatibility(subject) == "FULL"


def test_get_compatibility_of_a_subject_without_its_own_level_raises_40408(client):
    subject = unique("compat-none")
    client.register_schema(subject, avro(USER_V1))
    with pytest.raises(SchemaRegistryError) as caught:
        client.get_compatibility(subject)
    assert caught.value.http_status_code == 404
    assert caught.value.error_code == 40408


def test_set_compatibility_globally_is_read_back_and_restored(client):
    assert client.set_compatibility(level="FULL") == {"compatibility": "FULL"}
    try:
        assert client.get_compatibility() == "FULL"
    finally:
        client.set_compatibility(level="BACKWARD")
    assert client.get_compatibility() == "BACKWARD"


def test_set_compatibility_with_an_unknown_level_raises_42203(client):
    with pytest.raises(SchemaRegistryError) as caught:
        client.set_compatibility(subject_name=unique("compat-bad"), level="SIDEWAYS")
    assert caught.value.http_status_code == 422
    assert caught.value.error_code == 42203


def test_test_compatibility_accepts_a_compatible_and_refuses_an_incompatible_schema(client):
    subject = unique("test-compat")
    client.register_schema(subject, avro(USER_V1))
    assert client.test_compatibility(subject, avro(USER_V2)) is True
    assert client.test_compatibility(subject, avro(USER_INCOMPATIBLE)) is False
    assert client.test_compatibility(subject, avro(USER_INCOMPATIBLE), version=1) is False
    assert client.test_compatibility(subject, avro(USER_INCOMPATIBLE), verbose=True) is False


def test_test_compatibility_all_versions_checks_like_registration(client):
    subject = unique("test-compat-all")
    client.register_schema(subject, avro(USER_V1))
    assert client.test_compatibility_all_versions(subject, avro(USER_V2)) is True
    assert client.test_compatibility_all_versions(subject, avro(USER_INCOMPATIBLE)) is False


def test_set_config_and_get_config_round_trip_a_subject_config(client):
    subject = unique("config")
    client.register_schema(subject, avro(USER_V1))
    answer = client.set_config(subject, ServerConfig(compatibility=ConfigCompatibilityLevel.FORWARD))
    assert answer["compatibility"] == "FORWARD"

    config = client.get_config(subject)
    assert config.compatibility_level == ConfigCompatibilityLevel.FORWARD

    # FORWARD: the old schema must read data written with the new one.
    assert client.test_compatibility(subject, avro(USER_INCOMPATIBLE)) is True


def test_get_config_without_a_subject_returns_the_global_config(client):
    config = client.get_config()
    assert config.compatibility_level == ConfigCompatibilityLevel.BACKWARD


def test_delete_config_removes_a_subject_level(client):
    subject = unique("config-delete")
    client.register_schema(subject, avro(USER_V1))
    client.set_compatibility(subject_name=subject, level="NONE")
    removed = client.delete_config(subject)
    assert removed.compatibility_level == ConfigCompatibilityLevel.NONE
    with pytest.raises(SchemaRegistryError) as caught:
        client.get_compatibility(subject)
    assert caught.value.error_code == 40408


def test_compatibility_none_lets_an_incompatible_schema_register(client):
    subject = unique("compat-open")
    client.register_schema(subject, avro(USER_V1))
    client.set_compatibility(subject_name=subject, level="NONE")
    client.register_schema(subject, avro(USER_INCOMPATIBLE))
    assert client.get_versions(subject) == [1, 2]


def test_the_global_mode_is_readwrite(client):
    assert client.get_global_mode() == "READWRITE"


def test_get_mode_of_a_subject_without_its_own_mode_raises_40409(client):
    subject = unique("mode-none")
    client.register_schema(subject, avro(USER_V1))
    with pytest.raises(SchemaRegistryError) as caught:
        client.get_mode(subject)
    assert caught.value.error_code == 40409


def test_a_readonly_subject_refuses_registration_with_42205(client):
    subject = unique("mode-readonly")
    client.register_schema(subject, avro(USER_V1))
    assert client.update_mode(subject, "READONLY") == "READONLY"
    assert client.get_mode(subject) == "READONLY"
    with pytest.raises(SchemaRegistryError) as caught:
        client.register_schema(subject, avro(USER_V2))
    assert caught.value.http_status_code == 422
    assert caught.value.error_code == 42205
    assert client.delete_mode(subject) == "READONLY"
    client.register_schema(subject, avro(USER_V2))
    assert client.get_versions(subject) == [1, 2]


def test_get_contexts_lists_the_default_context(client):
    assert "." in client.get_contexts()


# --- errors --------------------------------------------------------------------------------


def test_an_incompatible_registration_raises_409_with_error_code_409(client):
    subject = unique("incompatible")
    client.register_schema(subject, avro(USER_V1))
    with pytest.raises(SchemaRegistryError) as caught:
        client.register_schema(subject, avro(USER_INCOMPATIBLE))
    assert caught.value.http_status_code == 409
    assert caught.value.error_code == 409
    assert client.get_versions(subject) == [1]


def test_an_invalid_avro_schema_raises_42201(client):
    with pytest.raises(SchemaRegistryError) as caught:
        client.register_schema(unique("invalid"), avro('{"type": "record", "name": "Broken"}'))
    assert caught.value.http_status_code == 422
    assert caught.value.error_code == 42201


def test_an_unknown_subject_raises_40401(client):
    subject = unique("nobody")
    with pytest.raises(SchemaRegistryError) as caught:
        client.get_latest_version(subject)
    assert caught.value.http_status_code == 404
    assert caught.value.error_code == 40401

    with pytest.raises(SchemaRegistryError) as caught:
        client.get_versions(subject)
    assert caught.value.error_code == 40401

    with pytest.raises(SchemaRegistryError) as caught:
        client.delete_subject(subject)
    assert caught.value.error_code == 40401


def test_an_unknown_version_raises_40402(client):
    subject = unique("no-version")
    client.register_schema(subject, avro(USER_V1))
    with pytest.raises(SchemaRegistryError) as caught:
        client.get_version(subject, 7)
    assert caught.value.http_status_code == 404
    assert caught.value.error_code == 40402


def test_an_unknown_schema_id_raises_40403(client):
    with pytest.raises(SchemaRegistryError) as caught:
        client.get_schema(987654321)
    assert caught.value.http_status_code == 404
    assert caught.value.error_code == 40403


# --- Avro serdes ---------------------------------------------------------------------------


def test_avro_serializer_auto_registers_and_avro_deserializer_reads_the_record_back(client, accord_url):
    topic = unique("roundtrip")
    ctx = SerializationContext(topic, MessageField.VALUE)
    record = {"name": "Ada", "age": 36}

    serializer = AvroSerializer(client, USER_V1, conf={"auto.register.schemas": True})
    payload = serializer(record, ctx)

    # Confluent wire format: magic byte 0, then the 4-byte big-endian schema id.
    assert payload[0] == 0
    (schema_id,) = struct.unpack(">I", payload[1:5])
    latest = client.get_latest_version(f"{topic}-value")
    assert latest.schema_id == schema_id

    # A deserializer on a fresh client has to fetch the writer schema by id.
    deserializer = AvroDeserializer(fresh_client(accord_url))
    assert deserializer(payload, ctx) == record


def test_avro_deserializer_with_a_reader_schema_resolves_old_data_to_the_new_schema(client, accord_url):
    topic = unique("resolve")
    ctx = SerializationContext(topic, MessageField.VALUE)
    payload = AvroSerializer(client, USER_V1)({"name": "Grace", "age": 45}, ctx)

    deserializer = AvroDeserializer(fresh_client(accord_url), USER_V2)
    assert deserializer(payload, ctx) == {"name": "Grace", "age": 45, "email": None}


def test_avro_serializer_with_use_latest_version_writes_with_the_latest_registered_version(client, accord_url):
    topic = unique("use-latest")
    subject = f"{topic}-value"
    ctx = SerializationContext(topic, MessageField.VALUE)
    client.register_schema(subject, avro(USER_V1))
    latest_id = client.register_schema(subject, avro(USER_V2))

    serializer = AvroSerializer(
        fresh_client(accord_url),
        USER_V2,
        conf={"auto.register.schemas": False, "use.latest.version": True},
    )
    payload = serializer({"name": "Linus", "age": 28, "email": "l@example.org"}, ctx)
    assert payload[0] == 0
    assert struct.unpack(">I", payload[1:5])[0] == latest_id

    decoded = AvroDeserializer(fresh_client(accord_url))(payload, ctx)
    assert decoded == {"name": "Linus", "age": 28, "email": "l@example.org"}


def test_avro_serializer_for_a_key_registers_under_the_key_subject(client, accord_url):
    topic = unique("key")
    ctx = SerializationContext(topic, MessageField.KEY)
    payload = AvroSerializer(client, USER_V1)({"name": "Alan", "age": 41}, ctx)
    assert struct.unpack(">I", payload[1:5])[0] == client.get_latest_version(f"{topic}-key").schema_id
    assert AvroDeserializer(fresh_client(accord_url))(payload, ctx) == {"name": "Alan", "age": 41}


def test_avro_serializer_with_the_record_name_strategy_registers_under_the_record_name(client, accord_url):
    topic = unique("record-strategy")
    ctx = SerializationContext(topic, MessageField.VALUE)
    schema_str = USER_V1.replace('"User"', '"' + unique("User").replace("-", "_") + '"')
    full_name = "accord.test." + json.loads(schema_str)["name"]
    serializer = AvroSerializer(client, schema_str, conf={"subject.name.strategy": record_subject_name_strategy})
    payload = serializer({"name": "Alan", "age": 41}, ctx)
    assert struct.unpack(">I", payload[1:5])[0] == client.get_latest_version(full_name).schema_id


def test_avro_serializer_with_use_schema_id_writes_with_that_id(client, accord_url):
    topic = unique("use-id")
    subject = f"{topic}-value"
    ctx = SerializationContext(topic, MessageField.VALUE)
    first_id = client.register_schema(subject, avro(USER_V1))
    client.register_schema(subject, avro(USER_V2))

    serializer = AvroSerializer(
        fresh_client(accord_url), USER_V1, conf={"auto.register.schemas": False, "use.schema.id": first_id}
    )
    payload = serializer({"name": "Alan", "age": 41}, ctx)
    assert struct.unpack(">I", payload[1:5])[0] == first_id


def test_avro_serializer_without_auto_register_uses_the_id_of_an_already_registered_schema(client, accord_url):
    topic = unique("no-auto")
    subject = f"{topic}-value"
    ctx = SerializationContext(topic, MessageField.VALUE)
    schema_id = client.register_schema(subject, avro(USER_V1))

    serializer = AvroSerializer(fresh_client(accord_url), USER_V1, conf={"auto.register.schemas": False})
    payload = serializer({"name": "Barbara", "age": 80}, ctx)
    assert struct.unpack(">I", payload[1:5])[0] == schema_id


def test_avro_serializer_without_auto_register_refuses_an_unregistered_subject(client):
    topic = unique("no-auto-miss")
    serializer = AvroSerializer(client, USER_V1, conf={"auto.register.schemas": False})
    with pytest.raises(SchemaRegistryError) as caught:
        serializer({"name": "Edsger", "age": 72}, SerializationContext(topic, MessageField.VALUE))
    assert caught.value.error_code == 40401


def test_avro_serializer_auto_registering_an_incompatible_schema_is_refused_with_409(client):
    topic = unique("serde-incompatible")
    ctx = SerializationContext(topic, MessageField.VALUE)
    AvroSerializer(client, USER_V1)({"name": "Ken", "age": 81}, ctx)

    serializer = AvroSerializer(client, USER_INCOMPATIBLE)
    with pytest.raises(SchemaRegistryError) as caught:
        serializer({"name": "Ken", "age": 81, "country": "US"}, ctx)
    assert caught.value.http_status_code == 409
    assert caught.value.error_code == 409


# --- schema contexts --------------------------------------------------------------------------


def test_a_qualified_subject_registers_serializes_and_reads_within_its_context(client, accord_url):
    context = unique("ctx")
    topic = unique("orders")
    qualified = f":.{context}:{topic}-value"

    def in_context(ctx, record_name):
        return f":.{context}:{ctx.topic}-value"

    # A schema of this test alone, so that no default-context subject holds its id.
    schema = json.dumps({**json.loads(USER_V1), "namespace": f"accord.{context.replace('-', '_')}"})
    serde_conf = {"subject.name.strategy": in_context}
    ctx = SerializationContext(topic, MessageField.VALUE)
    record = {"name": "Ada", "age": 36}
    payload = AvroSerializer(client, schema, conf={"auto.register.schemas": True, **serde_conf})(
        record, ctx
    )
    (schema_id,) = struct.unpack(">I", payload[1:5])

    reader = fresh_client(accord_url)
    latest = reader.get_latest_version(qualified)
    assert (latest.subject, latest.version, latest.schema_id) == (qualified, 1, schema_id)
    assert qualified in reader.get_subjects()
    assert same_schema(reader.get_schema(schema_id, subject_name=qualified).schema_str, schema)
    # The deserializer names the qualified subject with the id, so it reads in the context.
    assert AvroDeserializer(fresh_client(accord_url), conf=serde_conf)(payload, ctx) == record
    # Without the hint, an id of another context is not found in the default one.
    with pytest.raises(SchemaRegistryError) as missing:
        fresh_client(accord_url).get_schema(schema_id)
    assert missing.value.error_code == 40403
