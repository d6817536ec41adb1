//! `/subjects`: registration, lookup, listing, reading and deleting versions, and the modes
//! that change what a subject accepts.

mod deletion;
mod modes;
mod reading;
mod registration;
