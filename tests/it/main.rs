//! The integration tests: the real router over a real SQLite file, request by request.

mod compatibility;
mod config;
mod crash;
mod errors;
mod examples;
mod governance;
mod json_schema;
mod openapi;
mod protobuf;
mod references;
mod schemas;
mod storage;
mod subjects;
mod support;
