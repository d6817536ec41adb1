//! The OpenAPI document's frame: title, description and tags. The paths come from the routers.

use utoipa::OpenApi;

/// The frame of Accord's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Accord",
        description = "A schema registry that speaks the Confluent Schema Registry REST API."
    ),
    tags(
        (name = "Subjects", description = "Register, look up, read and delete subject versions"),
        (name = "Schemas", description = "Schemas by global id"),
        (name = "Config", description = "Compatibility levels"),
        (name = "Mode", description = "Read-write, read-only and import modes"),
        (name = "Compatibility", description = "Dry-run compatibility checks"),
        (name = "Server", description = "Probes that clients and tools make"),
        (name = "Operations", description = "Health, readiness and metrics"),
    )
)]
pub struct ApiDoc;
