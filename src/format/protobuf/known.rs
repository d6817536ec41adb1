//! The files Confluent's registry resolves without a reference, beyond protobuf's own well-known
//! types (which protox serves): Confluent's `meta.proto` and `decimal.proto`, and the
//! `google/type` files of `ProtobufSchema.KNOWN_DEPENDENCIES`.
//!
//! confluent-kafka's serializers never register these as references (`_is_builtin` skips every
//! `confluent/`, `google/protobuf/` and `google/type/` import), so a schema using them must
//! compile on its own. The texts are embedded from `known/`.

/// The embedded files, by import path.
const FILES: &[(&str, &str)] = &[
    (
        "confluent/meta.proto",
        include_str!("known/confluent/meta.proto"),
    ),
    (
        "confluent/type/decimal.proto",
        include_str!("known/confluent/type/decimal.proto"),
    ),
    (
        "google/type/calendar_period.proto",
        include_str!("known/google/type/calendar_period.proto"),
    ),
    (
        "google/type/color.proto",
        include_str!("known/google/type/color.proto"),
    ),
    (
        "google/type/date.proto",
        include_str!("known/google/type/date.proto"),
    ),
    (
        "google/type/datetime.proto",
        include_str!("known/google/type/datetime.proto"),
    ),
    (
        "google/type/dayofweek.proto",
        include_str!("known/google/type/dayofweek.proto"),
    ),
    (
        "google/type/expr.proto",
        include_str!("known/google/type/expr.proto"),
    ),
    (
        "google/type/fraction.proto",
        include_str!("known/google/type/fraction.proto"),
    ),
    (
        "google/type/latlng.proto",
        include_str!("known/google/type/latlng.proto"),
    ),
    (
        "google/type/money.proto",
        include_str!("known/google/type/money.proto"),
    ),
    (
        "google/type/month.proto",
        include_str!("known/google/type/month.proto"),
    ),
    (
        "google/type/postal_address.proto",
        include_str!("known/google/type/postal_address.proto"),
    ),
    (
        "google/type/quaternion.proto",
        include_str!("known/google/type/quaternion.proto"),
    ),
    (
        "google/type/timeofday.proto",
        include_str!("known/google/type/timeofday.proto"),
    ),
];

/// Returns the source of the known file at import path `name`, if it is one.
pub(super) fn source(name: &str) -> Option<&'static str> {
    FILES
        .iter()
        .find(|(path, _)| *path == name)
        .map(|(_, text)| *text)
}
