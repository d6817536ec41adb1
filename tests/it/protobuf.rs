//! Protobuf over HTTP: registration, references, normalization, formats and compatibility.
