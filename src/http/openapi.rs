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
        (name = "Code", description = "Generated code, sample messages and starter tests for a registered contract"),
        (name = "Server", description = "Probes that clients and tools make"),
        (name = "Associations", description = "Topics linked to the subjects of their keys and values"),
        (name = "Governance", description = "Teams, services, credentials, producers, consumers, impact and audit"),
        (name = "Events", description = "Change events: webhook subscriptions and the live feed"),
        (name = "Proposals", description = "Change proposals that the affected consumers answer before a break lands"),
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

/// The media types every JSON answer may come in: the Confluent one by default, the others when
/// the client's `Accept` asks for them (see `negotiate` in `http/mod.rs`).
const JSON_MEDIA_TYPES: [&str; 3] = [
    "application/vnd.schemaregistry.v1+json",
    "application/vnd.schemaregistry+json",
    "application/json",
];

/// Completes the document with what every operation shares, so that it states every answer a
/// client can get: each JSON answer in all three media types, and the error answers of the
/// middleware and extractors (401 for a refused credential everywhere; with parameters or a body,
/// 400 for a malformed one and 422 for an invalid subject, version or name; 413 and 415 for
/// bodies).
pub fn complete(spec: &mut utoipa::openapi::OpenApi) {
    for item in spec.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            complete_operation(operation);
        }
    }
}

fn complete_operation(operation: &mut utoipa::openapi::path::Operation) {
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has_body = operation.request_body.is_some();
    let mut errors = vec![("401", "An invalid or revoked credential (40101)")];
    if !parameters.is_empty() || has_body {
        errors.push(("400", "A malformed query, path or body (400)"));
        errors.push((
            "422",
            "An invalid subject, version, name or body (42202, 42208, 42220, 422)",
        ));
    }
    if has_body {
        errors.push(("413", "The body is over 8 MiB (413)"));
        errors.push(("415", "An unsupported media type (415)"));
    }
    let responses = &mut operation.responses.responses;
    for (status, description) in errors {
        responses.entry(status.to_string()).or_insert_with(|| {
            utoipa::openapi::ResponseBuilder::new()
                .description(description)
                .content(
                    JSON_MEDIA_TYPES[0],
                    utoipa::openapi::ContentBuilder::new()
                        .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .into()
        });
    }
    for response in responses.values_mut() {
        let utoipa::openapi::RefOr::T(response) = response else {
            continue;
        };
        let json = JSON_MEDIA_TYPES
            .iter()
            .find_map(|media_type| response.content.get(*media_type).cloned());
        if let Some(json) = json {
            for media_type in JSON_MEDIA_TYPES {
                response
                    .content
                    .entry(media_type.to_string())
                    .or_insert_with(|| json.clone());
            }
        }
    }
}
