//! The Confluent request and response bodies, field for field, with its omission rules:
//! `schemaType` is left out for AVRO and empty fields are left out altogether.

use axum::extract::{FromRequest, Request};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::jackson::{read_value, JacksonBody, Kind};
use crate::format::tags::{Entity, EntityTags};
use crate::http::extract::{body_bytes, decode_body};
use crate::registry::{metadata, Registered, SchemaRequest, Stamp, TagChange};
use crate::storage::{ConfigRecord, ContractConfig, StoredSchema, StoredVersion, SubjectVersion};
use crate::types::{Compatibility, Mode, Reference, SchemaId, SchemaType, Version};
use crate::Error;

/// A schema to register, look up or check. Unknown fields are ignored.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegisterSchemaRequest {
    /// The schema text. Empty with an existing subject: reuse the latest version's schema.
    #[serde(default)]
    pub schema: Option<String>,
    /// `AVRO` (the default), `PROTOBUF` or `JSON`.
    #[serde(default)]
    pub schema_type: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Vec<Reference>>)]
    pub references: Option<Vec<BodyReference>>,
    /// Data-contract metadata, stored and returned unchanged.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// Data-contract rules, stored and returned unchanged.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub rule_set: Option<Value>,
    /// The id to register under (IMPORT mode only).
    #[serde(default)]
    pub id: Option<i64>,
    /// The version to register as.
    #[serde(default)]
    pub version: Option<i64>,
    /// The names of the fields of a body without a `schema`, for the error that says what it
    /// should have been (filled by [`SchemaBody`]).
    #[serde(skip)]
    pub keys: Vec<String>,
}

/// A reference as a body sends it: a field left out is a refused schema (42201), as Confluent
/// refuses it, not an unreadable body.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BodyReference {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub version: Option<i32>,
}

impl From<Reference> for BodyReference {
    fn from(reference: Reference) -> Self {
        BodyReference {
            name: Some(reference.name),
            subject: Some(reference.subject),
            version: Some(reference.version),
        }
    }
}

impl BodyReference {
    /// Returns the reference, or refuses one with a field left out.
    fn complete(self) -> Result<Reference, Error> {
        match (self.name, self.subject, self.version) {
            (Some(name), Some(subject), Some(version)) => Ok(Reference {
                name,
                subject,
                version,
            }),
            (name, subject, version) => {
                let shown = |field: Option<String>| field.unwrap_or_else(|| "null".to_string());
                Err(Error::InvalidSchema(format!(
                    "Invalid reference: {{name='{}', subject='{}', version={}}}: every reference \
                     needs a name, a subject and a version",
                    shown(name),
                    shown(subject),
                    shown(version.map(|v| v.to_string())),
                )))
            }
        }
    }
}

/// What a body that carries a schema looks like, for the errors of a body that does not.
const SCHEMA_BODY: &str = r#"the body must be a JSON object such as {"schema": "<the schema, as a JSON string>", "schemaType": "AVRO"} (schemaType AVRO, PROTOBUF or JSON; AVRO when left out)"#;

/// The fields of a registration body, as Confluent names them.
const FIELDS: [&str; 7] = [
    "schema",
    "schemaType",
    "references",
    "metadata",
    "ruleSet",
    "id",
    "version",
];

/// Top-level keys that say a body is a schema itself rather than a request carrying one.
const SCHEMA_KEYS: [&str; 7] = [
    "type",
    "name",
    "fields",
    "namespace",
    "properties",
    "$schema",
    "$id",
];

/// A body that carries a schema: a [`RegisterSchemaRequest`] read as
/// [`ConfluentJson`](crate::http::extract::ConfluentJson) reads it, whose errors also say what
/// the body must look like.
pub struct SchemaBody(pub RegisterSchemaRequest);

impl JacksonBody for RegisterSchemaRequest {
    const JAVA_NAME: &'static str = "RegisterSchemaRequest";
    const FIELDS: &'static [(&'static str, Kind)] = &[
        ("schema", Kind::Text),
        ("schemaType", Kind::Text),
        ("references", Kind::References),
        ("metadata", Kind::Any),
        ("ruleSet", Kind::Any),
        ("id", Kind::Integer),
        ("version", Kind::Integer),
    ];
}

impl<S: Send + Sync> FromRequest<S> for SchemaBody {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        let value = match read_value::<RegisterSchemaRequest, S>(req, state).await {
            Ok(value) => value,
            Err(Error::BadRequest(message)) if message.starts_with("Invalid JSON") => {
                return Err(Error::BadRequest(format!("{message}; {SCHEMA_BODY}")))
            }
            Err(other) => return Err(other),
        };
        let keys: Vec<String> = value
            .as_object()
            .map(|object| object.keys().cloned().collect())
            .unwrap_or_default();
        let mut body: RegisterSchemaRequest = serde_json::from_value(value).map_err(|err| {
            Error::UnprocessableEntity(format!("Invalid request body: {err}; {SCHEMA_BODY}"))
        })?;
        if body.schema.is_none() {
            body.keys = keys;
        }
        Ok(SchemaBody(body))
    }
}

impl RegisterSchemaRequest {
    /// Validates the wire fields into a registry request.
    pub fn into_request(self) -> Result<SchemaRequest, Error> {
        if self.schema.is_none() && self.keys.iter().any(|k| !FIELDS.contains(&k.as_str())) {
            return Err(Error::EmptySchema(self.without_schema()));
        }
        let schema_type = match self.schema_type.as_deref() {
            None => SchemaType::Avro,
            // Confluent matches the name exactly: `avro` and `` are refused.
            Some(name) => crate::format::SUPPORTED_TYPES
                .iter()
                .copied()
                .find(|t| t.as_str() == name)
                .ok_or_else(|| Error::InvalidSchemaType(name.to_string()))?,
        };
        // As in Confluent's registry, an id below 0 and a version below 1 are none at all.
        let at_least = |value: Option<i64>, least: i64, what: &str| -> Result<Option<i32>, Error> {
            match value {
                None => Ok(None),
                Some(n) if n < least => Ok(None),
                Some(n) => i32::try_from(n).map(Some).map_err(|_| {
                    Error::UnprocessableEntity(format!(
                        "Invalid request body: {what} {n} is out of range"
                    ))
                }),
            }
        };
        Ok(SchemaRequest {
            schema_type,
            schema: self.schema.unwrap_or_default(),
            references: self
                .references
                .unwrap_or_default()
                .into_iter()
                .map(BodyReference::complete)
                .collect::<Result<_, _>>()?,
            metadata: metadata::parse(self.metadata)?,
            rule_set: metadata::check_rule_set(self.rule_set.as_ref()).map(|()| None)?,
            id: at_least(self.id, 0, "id")?.map(SchemaId),
            version: at_least(self.version, 1, "version")?.map(Version),
            stamp: match self.version {
                Some(v) if v < 0 => Stamp::Latest,
                Some(v) if v > 0 => Stamp::Next,
                _ => Stamp::None,
            },
        })
    }

    /// The error of a body with no `schema` but with other fields: a schema posted as the body
    /// itself, or a misspelt key.
    fn without_schema(&self) -> String {
        let keys: Vec<&str> = self.keys.iter().map(String::as_str).collect();
        if keys.iter().any(|key| SCHEMA_KEYS.contains(key)) {
            format!(": the body looks like a schema itself; {SCHEMA_BODY}")
        } else {
            format!(
                ": the body has no \"schema\" field (it has {}); {SCHEMA_BODY}",
                keys.iter()
                    .map(|k| format!("\"{k}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }
}

/// The 7.x answer to a registration: the schema's global id, and the content registered
/// when the registry completed it (schema or metadata taken from the latest version or the
/// config); an import that names the version of a schema the subject already holds gets that
/// version and the schema as sent.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegisterSchemaResponse {
    pub id: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<SchemaType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub references: Option<Vec<Reference>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub rule_set: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
}

impl From<Registered> for RegisterSchemaResponse {
    fn from(registered: Registered) -> Self {
        let completed = registered.completed;
        RegisterSchemaResponse {
            id: registered.id.0,
            version: completed.as_ref().map(|_| registered.version.0),
            schema_type: completed.as_ref().and_then(|c| shown_type(c.schema_type)),
            references: completed
                .as_ref()
                .map(|c| c.references.clone())
                .filter(|r| !r.is_empty()),
            metadata: completed.as_ref().and_then(|c| c.metadata.clone()),
            rule_set: completed.as_ref().and_then(|c| c.rule_set.clone()),
            schema: completed.map(|c| c.schema),
        }
    }
}

/// Tags to write into a version's schema, as `POST .../versions/{version}/tags` takes them.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TagSchemaRequest {
    /// The version the tagged schema must become; the next one when left out.
    #[serde(default)]
    pub new_version: Option<i64>,
    #[serde(default)]
    pub tags_to_add: Option<Vec<SchemaTags>>,
    #[serde(default)]
    pub tags_to_remove: Option<Vec<SchemaTags>>,
    /// The new version's metadata; the tagged version's when left out.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// Accepted and checked, but not kept (Confluent 7.9's open-source registry keeps none).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub rule_set: Option<Value>,
}

/// Tags for one entity of a schema.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SchemaTags {
    pub schema_entity: SchemaEntity,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A record (`sr_record`) or field (`sr_field`) of a schema, by path (`User.name`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SchemaEntity {
    pub entity_path: String,
    pub entity_type: String,
}

/// A tags body, whose absence Confluent refuses in its own words.
pub struct TagsBody(pub TagSchemaRequest);

impl<S: Send + Sync> FromRequest<S> for TagsBody {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        let bytes = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::UnprocessableEntity(
                "modifyTags.arg4 must not be null (was null)".to_string(),
            ));
        }
        decode_body(&bytes).map(TagsBody)
    }
}

impl TagSchemaRequest {
    /// Validates the wire fields into a registry change.
    pub fn into_change(self) -> Result<TagChange, Error> {
        metadata::check_rule_set(self.rule_set.as_ref())?;
        let entities = |list: Option<Vec<SchemaTags>>| -> Vec<EntityTags> {
            list.unwrap_or_default()
                .into_iter()
                .map(|t| EntityTags {
                    entity: match t.schema_entity.entity_type.as_str() {
                        "sr_field" => Entity::Field(t.schema_entity.entity_path),
                        _ => Entity::Record(t.schema_entity.entity_path),
                    },
                    tags: t.tags,
                })
                .collect()
        };
        let new_version = match self.new_version {
            Some(n) if n > 0 => Some(Version(i32::try_from(n).map_err(|_| {
                Error::UnprocessableEntity(format!(
                    "Invalid request body: newVersion {n} is out of range"
                ))
            })?)),
            _ => None,
        };
        Ok(TagChange {
            new_version,
            add: entities(self.tags_to_add),
            remove: entities(self.tags_to_remove),
            metadata: metadata::parse(self.metadata)?,
        })
    }
}

/// A version of a subject, as `GET /subjects/{subject}/versions/{version}` returns it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SchemaResponse {
    pub subject: String,
    pub version: i32,
    pub id: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<SchemaType>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub rule_set: Option<Value>,
    pub schema: String,
    /// The subjects that are aliases of this one, with `GET /schemas?aliases=true`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

impl From<&StoredVersion> for SchemaResponse {
    fn from(version: &StoredVersion) -> Self {
        let schema = &version.schema;
        SchemaResponse {
            subject: version.subject.clone(),
            version: version.version.0,
            id: schema.id.0,
            schema_type: shown_type(schema.schema_type),
            references: schema.references.clone(),
            metadata: schema.metadata.clone(),
            rule_set: schema.rule_set.clone(),
            schema: schema.schema.clone(),
            aliases: Vec::new(),
        }
    }
}

/// A schema by id, as `GET /schemas/ids/{id}` returns it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SchemaByIdResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<SchemaType>,
    pub schema: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub rule_set: Option<Value>,
    /// The highest id assigned so far, with `fetchMaxId=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_id: Option<i32>,
}

impl SchemaByIdResponse {
    /// Renders `schema` with its `text` in the requested format, and `max_id` when asked for.
    pub fn new(schema: &StoredSchema, text: String, max_id: Option<SchemaId>) -> Self {
        SchemaByIdResponse {
            schema_type: shown_type(schema.schema_type),
            schema: text,
            references: schema.references.clone(),
            metadata: schema.metadata.clone(),
            rule_set: schema.rule_set.clone(),
            max_id: max_id.map(|id| id.0),
        }
    }
}

/// Confluent 7.x leaves `schemaType` out for AVRO; clients read a missing type as AVRO.
fn shown_type(schema_type: SchemaType) -> Option<SchemaType> {
    (schema_type != SchemaType::Avro).then_some(schema_type)
}

/// A subject and version that use a schema.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectVersionResponse {
    pub subject: String,
    pub version: i32,
}

impl From<SubjectVersion> for SubjectVersionResponse {
    fn from(usage: SubjectVersion) -> Self {
        SubjectVersionResponse {
            subject: usage.subject,
            version: usage.version.0,
        }
    }
}

/// A compatibility setting as `GET /config` returns it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compatibility_level: Option<Compatibility>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normalize: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validate_fields: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compatibility_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub default_metadata: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub override_metadata: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub default_rule_set: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub override_rule_set: Option<Value>,
}

impl From<ConfigRecord> for ConfigResponse {
    fn from(config: ConfigRecord) -> Self {
        let contract = config.contract;
        ConfigResponse {
            alias: contract.alias,
            compatibility_level: config.compatibility,
            normalize: config.normalize,
            validate_fields: contract.validate_fields,
            compatibility_group: contract.compatibility_group,
            default_metadata: contract.default_metadata,
            override_metadata: contract.override_metadata,
            default_rule_set: contract.default_rule_set,
            override_rule_set: contract.override_rule_set,
        }
    }
}

/// A compatibility setting to apply, as `PUT /config` takes it; echoed back on success.
/// The settings it leaves out (or sends as `null`) keep their value.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigUpdateRequest {
    /// Another subject this one stands for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub alias: Option<Value>,
    /// One of the seven levels, e.g. `BACKWARD` (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility: Option<String>,
    /// Whether schemas are normalized before they are registered or looked up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalize: Option<bool>,
    /// Whether field names are validated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validate_fields: Option<bool>,
    /// The metadata property whose value splits the history for compatibility checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility_group: Option<String>,
    /// Metadata a registration without its own starts from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub default_metadata: Option<Value>,
    /// Metadata laid over every registration's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub override_metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub default_rule_set: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub override_rule_set: Option<Value>,
}

impl JacksonBody for ConfigUpdateRequest {
    const JAVA_NAME: &'static str = "ConfigUpdateRequest";
    const FIELDS: &'static [(&'static str, Kind)] = &[
        ("compatibility", Kind::Text),
        ("normalize", Kind::Boolean),
        ("validateFields", Kind::Boolean),
        ("validateRules", Kind::Boolean),
        ("alias", Kind::Text),
        ("compatibilityGroup", Kind::Text),
        ("defaultMetadata", Kind::Any),
        ("overrideMetadata", Kind::Any),
        ("defaultRuleSet", Kind::Any),
        ("overrideRuleSet", Kind::Any),
    ];
}

impl ConfigUpdateRequest {
    /// Validates the request into a setting (an unknown level is a 42203), and puts the
    /// metadata and alias it echoes in the form they are kept in. As in Confluent, a request
    /// without a level (`{}`, or only `compatibilityLevel`) leaves the level as it is.
    pub fn into_record(&mut self) -> Result<ConfigRecord, Error> {
        let compatibility = match self.compatibility.as_deref() {
            Some(level) => Some(Compatibility::parse(level)?),
            None => None,
        };
        self.default_metadata = metadata::parse(self.default_metadata.take())?;
        self.override_metadata = metadata::parse(self.override_metadata.take())?;
        self.alias = match self.alias.take() {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(Value::String(s)),
            Some(other) => Some(Value::String(other.to_string())),
        };
        let text = |value: &Option<Value>| value.as_ref().and_then(Value::as_str).map(String::from);
        let present = |value: &Option<Value>| value.clone().filter(|v| !v.is_null());
        Ok(ConfigRecord {
            compatibility,
            normalize: self.normalize,
            contract: ContractConfig {
                alias: text(&self.alias),
                validate_fields: self.validate_fields,
                compatibility_group: self.compatibility_group.clone(),
                default_metadata: self.default_metadata.clone(),
                override_metadata: self.override_metadata.clone(),
                default_rule_set: present(&self.default_rule_set),
                override_rule_set: present(&self.override_rule_set),
            },
        })
    }
}

/// A mode, as `GET /mode` returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModeResponse {
    pub mode: Mode,
}

/// A mode to apply, as `PUT /mode` takes it; echoed back on success.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ModeUpdateRequest {
    /// `READWRITE`, `READONLY`, `READONLY_OVERRIDE` or `IMPORT`.
    #[serde(default)]
    pub mode: Option<String>,
}

impl JacksonBody for ModeUpdateRequest {
    const JAVA_NAME: &'static str = "ModeUpdateRequest";
    const FIELDS: &'static [(&'static str, Kind)] = &[("mode", Kind::Text)];
}

impl ModeUpdateRequest {
    /// Validates the requested mode; a missing or unknown mode is a 42204.
    pub fn parse(&self) -> Result<Mode, Error> {
        Mode::parse(self.mode.as_deref().unwrap_or_default())
    }
}

/// The verdict of a compatibility check.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompatibilityCheckResponse {
    pub is_compatible: bool,
    /// The reasons, with `verbose=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<String>>,
    /// The consumers an incompatible schema would break, with `verbose=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affected: Option<Vec<crate::governance::Affected>>,
    /// The services seen reading the subject without being declared, with `verbose=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undeclared: Option<Vec<crate::governance::Undeclared>>,
}
