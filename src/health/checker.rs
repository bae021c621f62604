//! A minimal [`Checker`]: each probe in turn, a TCP connect bounded by the
//! connect timeout for every kind that talks to the server (negotiate and
//! external checks are made as connect checks). Honest but slow: the
//! concurrent checker with the real negotiate and external checks
//! replaces this file.

use std::net::TcpStream;
use std::time::Instant;

use super::{CheckKind, CheckOutcome, CheckTarget};
use crate::error::Result;

/// Runs sets of probes.
#[derive(Debug, Default)]
pub struct Checker {}

impl Checker {
    /// A checker ready to run probes.
    pub fn new() -> Result<Checker> {
        Ok(Checker {})
    }

    /// Runs every probe and returns their outcomes in `targets` order.
    pub fn run(&mut self, targets: &[CheckTarget]) -> Vec<CheckOutcome> {
        targets.iter().map(probe).collect()
    }
}

fn probe(target: &CheckTarget) -> CheckOutcome {
    let started = Instant::now();
    let result = match target.spec.kind {
        CheckKind::On => Ok(()),
        CheckKind::Off => Err("checktype off".to_string()),
        _ => TcpStream::connect_timeout(
            &target.addr,
            target.spec.connect_timeout,
        )
        .map(drop)
        .map_err(|e| e.to_string()),
    };
    CheckOutcome {
        healthy: result.is_ok(),
        duration: started.elapsed(),
        error: result.err(),
    }
}
