//! Tests of the supervisor's readers, its health state and its copy of
//! the table.

mod json;
mod ldirectord;
mod state;
mod supervisor;
