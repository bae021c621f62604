//! Tests of the supervisor's readers and of its health state.

mod ldirectord;
mod state;
