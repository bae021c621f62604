//! Tests of the supervisor's readers and of its health state.

mod json;
mod ldirectord;
mod state;
