//! JSON Schema over HTTP: registration, references, normalization and compatibility.
