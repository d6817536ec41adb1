//! The integration tests: the real router over a real database (SQLite, or PostgreSQL with
//! `ACCORD_TEST_BACKEND=postgres`), request by request.

mod audit;
mod backend;
mod cli;
mod compatibility;
mod config;
mod connections;
mod crash;
mod data_contracts;
mod enforced;
mod errors;
pub mod events;
mod examples;
mod faults;
mod governance;
mod hints;
mod hostile;
mod hot_reads;
mod json_schema;
mod limits;
mod multi_instance;
mod openapi;
mod operations;
mod panics;
mod properties;
mod protobuf;
mod queries;
mod references;
mod schemas;
mod secrets;
mod sockets;
mod storage;
mod subjects;
mod support;
mod ui;
mod wrapped;
