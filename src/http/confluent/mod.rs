//! The Confluent Schema Registry REST API, one file per resource family.

mod associations;
mod codegen;
mod compatibility;
mod config;
mod jackson;
mod meta;
pub mod rendered;
mod schemas;
mod subjects;
pub mod wire;

pub(crate) use schemas::schema_id;

// The query parameters of each endpoint, for the fuzz targets that decode them.
pub use codegen::{zip_archive, CodeParams, ExamplesParams};
pub use compatibility::CheckParams;
pub use config::{DefaultToGlobalParam, ForceParam};
pub use schemas::{ListSchemasParams, SchemaByIdParams};
pub use subjects::{
    DeletedFilter, DeletedParam, ListSubjectsParams, LookupParams, NormalizeParam, PermanentParam,
};

use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;

use crate::app::AppState;
use crate::http::extract::CONFLUENT_JSON;

/// Mounts every Confluent endpoint.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(subjects::router())
        .merge(schemas::router())
        .merge(config::router())
        .merge(compatibility::router())
        .merge(meta::router())
        .merge(associations::router())
        .merge(codegen::router())
}

/// The wire format a client asks a schema in: `serialized` for a Protobuf descriptor.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatParam {
    /// `serialized` returns a Protobuf schema as a base64 `FileDescriptorProto`.
    #[serde(default)]
    pub format: Option<String>,
}

impl FormatParam {
    /// Returns true when the client asked for no particular format.
    pub fn is_default(&self) -> bool {
        self.format.as_deref().is_none_or(str::is_empty)
    }
}

/// A schema's text served as the body itself, as `/schemas/ids/{id}/schema` answers.
pub struct RawSchema(pub String);

impl IntoResponse for RawSchema {
    fn into_response(self) -> Response {
        (
            [(CONTENT_TYPE, HeaderValue::from_static(CONFLUENT_JSON))],
            self.0,
        )
            .into_response()
    }
}
