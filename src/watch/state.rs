//! The health of each real server, from consecutive check outcomes, and
//! the table the kernel should hold given that health: FILE's table with
//! failed servers removed (or at weight 0 when quiescent), each pool's
//! fallback in while none of its real servers is healthy, and the real
//! servers FILE does not name left as they are.

use std::collections::HashMap;

use super::config::{Config, Pool};
use crate::commands::{Table, TableEntry};
use crate::health::CheckOutcome;
use crate::model::Destination;

/// One server's standing: up or down, and failures in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Standing {
    up: bool,
    failures: u32,
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
        let s = self.standing.entry(key.to_string()).or_insert(Standing {
            up: false,
            failures: 0,
        });
        if outcome.healthy {
            let had = s.failures;
            s.failures = 0;
            if s.up && had > 0 {
                return Transition::Reset;
            }
            s.up = true;
            return Transition::Up;
        }
        s.failures = s.failures.saturating_add(1);
        if s.up && s.failures < limit {
            return Transition::SoftFailure {
                failures: s.failures,
                limit,
            };
        }
        s.up = false;
        Transition::Down
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
