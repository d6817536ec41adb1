//! The OpenAPI document's frame: title, description and tags. The paths come from the routers.

use utoipa::OpenApi;

/// The frame of Accord's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Accord",
        description = "A schema registry that speaks the Confluent Schema Registry REST API."
    ),
    modifiers(&Security),
    tags(
        (name = "Subjects", description = "Register, look up, read and delete subject versions"),
        (name = "Schemas", description = "Schemas by global id"),
        (name = "Config", description = "Compatibility levels"),
        (name = "Mode", description = "Read-write, read-only and import modes"),
        (name = "Compatibility", description = "Dry-run compatibility checks"),
        (name = "Server", description = "Probes that clients and tools make"),
        (name = "Governance", description = "Teams, services, credentials, producers, consumers, impact and audit"),
        (name = "Operations", description = "Health, readiness and metrics"),
    )
)]
pub struct ApiDoc;

/// Declares the two ways to authenticate: HTTP Basic and Bearer.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "basic",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Basic).build()),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![
            utoipa::openapi::security::SecurityRequirement::new("basic", Vec::<String>::new()),
            utoipa::openapi::security::SecurityRequirement::new("bearer", Vec::<String>::new()),
            utoipa::openapi::security::SecurityRequirement::default(),
        ]);
    }
}
