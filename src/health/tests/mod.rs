//! Tests of the health checks against local servers on 127.0.0.1.
