"""Accord driven by confluent-kafka's Protobuf serdes, unchanged.

The message classes are built at test time from hand-written FileDescriptorProtos (what protoc
would produce), so no protoc is needed.
"""

import base64
import uuid

import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, timestamp_pb2
from google.type import date_pb2
from google.protobuf.message_factory import GetMessageClass

Field = descriptor_pb2.FieldDescriptorProto

PACKAGE = "accord.test"
MONEY_FILE = "accord/test/money.proto"
ORDER_FILE = "accord/test/order.proto"
USER_FILE = "accord/test/user.proto"
TIMESTAMP_FILE = "google/protobuf/timestamp.proto"
DATE_FILE = "google/type/date.proto"


def json_name(name: str) -> str:
    """The JSON name protoc gives a field: its name in lower camel case."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def field(name: str, number: int, kind: int, type_name: str = "") -> Field:
    proto = Field(name=name, number=number, type=kind, label=Field.LABEL_OPTIONAL, json_name=json_name(name))
    if type_name:
        proto.type_name = type_name
    return proto


def proto3_file(name: str, message: str, fields, dependencies=()) -> descriptor_pb2.FileDescriptorProto:
    return descriptor_pb2.FileDescriptorProto(
        name=name,
        package=PACKAGE,
        syntax="proto3",
        dependency=list(dependencies),
        message_type=[descriptor_pb2.DescriptorProto(name=message, field=list(fields))],
    )


# message User { string name = 1; int32 age = 2; }
USER = proto3_file(
    USER_FILE,
    "User",
    [field("name", 1, Field.TYPE_STRING), field("age", 2, Field.TYPE_INT32)],
)

# message Money { int64 cents = 1; string currency = 2; }
MONEY = proto3_file(
    MONEY_FILE,
    "Money",
    [field("cents", 1, Field.TYPE_INT64), field("currency", 2, Field.TYPE_STRING)],
)

# import "accord/test/money.proto"; import "google/protobuf/timestamp.proto";
# message Order { string id = 1; Money total = 2; google.protobuf.Timestamp placed_at = 3; }
ORDER = proto3_file(
    ORDER_FILE,
    "Order",
    [
        field("id", 1, Field.TYPE_STRING),
        field("total", 2, Field.TYPE_MESSAGE, ".accord.test.Money"),
        field("placed_at", 3, Field.TYPE_MESSAGE, ".google.protobuf.Timestamp"),
    ],
    dependencies=[MONEY_FILE, TIMESTAMP_FILE],
)

# import "google/protobuf/timestamp.proto"; message Event { string name = 1; google.protobuf.Timestamp at = 2; }
EVENT = descriptor_pb2.FileDescriptorProto(
    name="accord/test/event.proto",
    package=PACKAGE,
    syntax="proto3",
    dependency=[TIMESTAMP_FILE],
    message_type=[
        descriptor_pb2.DescriptorProto(
            name="Event",
            field=[
                field("name", 1, Field.TYPE_STRING),
                field("at", 2, Field.TYPE_MESSAGE, ".google.protobuf.Timestamp"),
            ],
        )
    ],
)


# import "google/type/date.proto"; message Birthday { string name = 1; google.type.Date day = 2; }
BIRTHDAY = descriptor_pb2.FileDescriptorProto(
    name="accord/test/birthday.proto",
    package=PACKAGE,
    syntax="proto3",
    dependency=[DATE_FILE],
    message_type=[
        descriptor_pb2.DescriptorProto(
            name="Birthday",
            field=[
                field("name", 1, Field.TYPE_STRING),
                field("day", 2, Field.TYPE_MESSAGE, ".google.type.Date"),
            ],
        )
    ],
)


def message_classes(*files: descriptor_pb2.FileDescriptorProto) -> dict:
    """Builds the message classes of `files`, in a pool of their own, by short name."""
    pool = descriptor_pool.DescriptorPool()
    for known in (timestamp_pb2, date_pb2):
        known_file = descriptor_pb2.FileDescriptorProto()
        known.DESCRIPTOR.CopyToProto(known_file)
        pool.Add(known_file)
    classes = {}
    for file in files:
        pool.Add(file)
        for message in file.message_type:
            classes[message.name] = GetMessageClass(pool.FindMessageTypeByName(f"{file.package}.{message.name}"))
    return classes


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def fresh_client(accord_url) -> SchemaRegistryClient:
    return SchemaRegistryClient({"url": accord_url, "max.retries": 1, "retries.wait.ms": 50})


@pytest.fixture
def client(accord_url):
    registry = fresh_client(accord_url)
    yield registry
    registry.close()


def round_trip(accord_url, message, topic: str, serializer_conf=None):
    ctx = SerializationContext(topic, MessageField.VALUE)
    serializer = ProtobufSerializer(type(message), fresh_client(accord_url), conf=serializer_conf or {})
    payload = serializer(message, ctx)
    deserializer = ProtobufDeserializer(type(message), conf={}, schema_registry_client=fresh_client(accord_url))
    return payload, deserializer(payload, ctx)


def test_protobuf_serdes_round_trip_with_auto_registration(client, accord_url):
    User = message_classes(USER)["User"]
    topic = unique("pb-user")
    user = User(name="Ada", age=36)

    payload, decoded = round_trip(accord_url, user, topic)

    assert decoded == user
    latest = client.get_latest_version(f"{topic}-value")
    assert payload[1:5] == latest.schema_id.to_bytes(4, "big")
    assert latest.schema.schema_type == "PROTOBUF"
    assert "message User {" in latest.schema.schema_str


def test_a_message_importing_timestamp_round_trips_without_a_reference(client, accord_url):
    Event = message_classes(EVENT)["Event"]
    topic = unique("pb-event")
    event = Event(name="shipped")
    event.at.seconds = 1_700_000_000
    event.at.nanos = 5

    _, decoded = round_trip(accord_url, event, topic)

    assert decoded == event
    latest = client.get_latest_version(f"{topic}-value")
    assert latest.schema.references == []
    assert 'import "google/protobuf/timestamp.proto";' in latest.schema.schema_str


def test_a_message_importing_a_google_type_round_trips_without_a_reference(client, accord_url):
    # The serializer treats google/type/*.proto as built in and sends no reference for it.
    Birthday = message_classes(BIRTHDAY)["Birthday"]
    topic = unique("pb-birthday")
    birthday = Birthday(name="Ada")
    birthday.day.year, birthday.day.month, birthday.day.day = 1815, 12, 10

    _, decoded = round_trip(accord_url, birthday, topic)

    assert decoded == birthday
    latest = client.get_latest_version(f"{topic}-value")
    assert latest.schema.references == []
    assert "google.type.Date day = 2;" in latest.schema.schema_str


def test_a_message_importing_another_file_registers_it_as_a_referenced_subject(client, accord_url):
    classes = message_classes(MONEY, ORDER)
    Order = classes["Order"]
    topic = unique("pb-order")
    order = Order(id="o-1")
    order.total.cents = 1250
    order.total.currency = "EUR"
    order.placed_at.seconds = 1_700_000_000

    _, decoded = round_trip(accord_url, order, topic)

    assert decoded == order
    latest = client.get_latest_version(f"{topic}-value")
    refs = [(r.name, r.subject) for r in latest.schema.references]
    assert refs == [(MONEY_FILE, MONEY_FILE)]
    assert "Timestamp placed_at = 3;" in latest.schema.schema_str
    money = client.get_latest_version(MONEY_FILE)
    assert "message Money {" in money.schema.schema_str
    assert client.get_referenced_by(MONEY_FILE, money.version) == [latest.schema_id]


def test_protobuf_serdes_use_the_latest_registered_version(client, accord_url):
    User = message_classes(USER)["User"]
    topic = unique("pb-latest")
    serialized = base64.b64encode(USER.SerializeToString()).decode()
    schema_id = client.register_schema(f"{topic}-value", Schema(serialized, "PROTOBUF"))
    user = User(name="Grace", age=45)

    payload, decoded = round_trip(
        accord_url, user, topic, {"auto.register.schemas": False, "use.latest.version": True}
    )

    assert payload[1:5] == schema_id.to_bytes(4, "big")
    assert decoded == user


def test_the_serialized_format_answers_the_descriptor_the_client_registered(client, accord_url):
    subject = unique("pb-serialized")
    schema_id = client.register_schema(subject, Schema(base64.b64encode(USER.SerializeToString()).decode(), "PROTOBUF"))

    text = fresh_client(accord_url).get_schema(schema_id)
    serialized = fresh_client(accord_url).get_schema(schema_id, fmt="serialized")

    assert "message User {" in text.schema_str
    file = descriptor_pb2.FileDescriptorProto.FromString(base64.b64decode(serialized.schema_str))
    assert file.package == PACKAGE
    assert [f.name for f in file.message_type[0].field] == ["name", "age"]
