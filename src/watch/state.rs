//! The health of each real server, from consecutive check outcomes, and
//! the table the kernel should hold given that health: FILE's table with
//! failed servers removed (or at weight 0 when quiescent), each pool's
//! fallback in while none of its real servers is healthy, and the real
//! servers FILE does not name left as they are.

use std::collections::HashMap;
use std::time::Duration;

use super::config::{Config, Pool};
use crate::commands::{Table, TableEntry};
use crate::health::CheckOutcome;
use crate::model::Destination;
use crate::render::prometheus::ServerHealth;

/// One server's standing: up or down, failures in a row, and what the
/// metrics endpoint shows of it.
#[derive(Debug, Clone, Default, PartialEq)]
struct Standing {
    up: bool,
    failures: u32,
    /// Changes of `up` so far; a server starts down, so its first
    /// passing check is one.
    transitions: u64,
    /// How long the last check took.
    last_duration: Duration,
    /// Why the last check failed; `None` when it passed.
    last_error: Option<String>,
}

impl Standing {
    /// The standing after one outcome, and what it did.
    fn step(&mut self, healthy: bool, limit: u32) -> Transition {
        if healthy {
            let had = self.failures;
            self.failures = 0;
            if self.up && had > 0 {
                return Transition::Reset;
            }
            self.up = true;
            return Transition::Up;
        }
        self.failures = self.failures.saturating_add(1);
        if self.up && self.failures < limit {
            return Transition::SoftFailure {
                failures: self.failures,
                limit,
            };
        }
        self.up = false;
        Transition::Down
    }
}

/// What one outcome did to a server's standing, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Transition {
    /// Failed, but fewer times in a row than the pool's failure count.
    SoftFailure { failures: u32, limit: u32 },
    /// Healthy again after soft failures while still up.
    Reset,
    /// Now down (or still down).
    Down,
    /// Now up (or still up).
    Up,
}

/// The standing of every checked server, by check key. A server starts
/// down: its first successful check brings it in, as with ldirectord.
#[derive(Debug, Default)]
pub(crate) struct Health {
    standing: HashMap<String, Standing>,
}

impl Health {
    pub(crate) fn new() -> Self {
        Health::default()
    }

    /// Records one outcome for the check `key` of a pool whose servers go
    /// down after `limit` failures in a row.
    pub(crate) fn record(
        &mut self,
        key: &str,
        outcome: &CheckOutcome,
        limit: u32,
    ) -> Transition {
        let s = self.standing.entry(key.to_string()).or_default();
        let was = s.up;
        let transition = s.step(outcome.healthy, limit);
        if s.up != was {
            s.transitions = s.transitions.saturating_add(1);
        }
        s.last_duration = outcome.duration;
        s.last_error = match (&outcome.error, outcome.healthy) {
            (_, true) => None,
            (Some(e), false) => Some(e.clone()),
            (None, false) => Some("check failed".to_string()),
        };
        transition
    }

    /// What the metrics endpoint shows of the server with check `key`:
    /// `None` before its first check.
    pub(crate) fn report(&self, key: &str) -> Option<ServerHealth> {
        self.standing.get(key).map(|s| ServerHealth {
            up: s.up,
            last_check_seconds: s.last_duration.as_secs_f64(),
            last_error: s.last_error.clone(),
            transitions: s.transitions,
        })
    }

    /// Whether the server with check `key` is up (unknown: down).
    pub(crate) fn is_up(&self, key: &str) -> bool {
        self.standing.get(key).is_some_and(|s| s.up)
    }

    /// Forgets the servers whose keys `keep` rejects (after a reload).
    pub(crate) fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.standing.retain(|k, _| keep(k));
    }
}

/// The table the kernel should hold for the pools of `config`, given the
/// servers' `health` and the `current` table (the managed services as the
/// kernel holds them). `old`, the configuration before a reload, names
/// servers that are to go although the new file no longer names them.
pub(crate) fn desired(
    config: &Config,
    old: Option<&Config>,
    health: &Health,
    current: &Table,
) -> Table {
    let mut table = Table::with_capacity(config.pools.len());
    for pool in &config.pools {
        let have = current
            .iter()
            .find(|e| e.service.key == pool.service.key)
            .map(|e| e.dests.as_slice())
            .unwrap_or_default();
        let mut dests = pool_dests(pool, health, have);
        let named = |d: &Destination| {
            pool.names(d)
                || old
                    .and_then(|o| o.pool(&pool.service.key))
                    .is_some_and(|p| p.names(d))
        };
        for d in have {
            if !named(d) && !dests.iter().any(|o| same(o, d)) {
                dests.push(d.clone());
            }
        }
        table.push(TableEntry {
            service: pool.service.clone(),
            dests,
        });
    }
    table
}

fn same(a: &Destination, b: &Destination) -> bool {
    a.addr == b.addr && a.port == b.port
}

/// The servers of one pool that should be in the kernel.
fn pool_dests(
    pool: &Pool,
    health: &Health,
    have: &[Destination],
) -> Vec<Destination> {
    let mut dests = Vec::with_capacity(pool.reals.len() + 1);
    let mut any_up = false;
    for real in &pool.reals {
        let up = real.check.as_ref().is_none_or(|c| health.is_up(&c.key));
        if up {
            any_up = true;
            dests.push(real.dest.clone());
        } else if pool.quiescent
            && (pool.readd_quiescent
                || have.iter().any(|h| same(h, &real.dest)))
        {
            let mut d = real.dest.clone();
            d.weight = 0;
            dests.push(d);
        }
    }
    if let Some(fallback) = &pool.fallback {
        if !any_up && !dests.iter().any(|d| same(d, fallback)) {
            dests.push(fallback.clone());
        }
    }
    dests
}
