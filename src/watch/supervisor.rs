//! The loop of `--apply FILE --watch`: every interval, check the real
//! servers, work out the table the kernel should hold, and make the
//! difference with `--apply`'s fewest changes (never a flush), touching
//! only the services FILE names. FILE is read again when it changes
//! (`autoreload`) and on SIGHUP; SIGTERM and SIGINT stop the loop, which
//! then removes the services whose `cleanstop` is on. With `--metrics`,
//! each round ends by publishing the managed services and the servers'
//! health to the endpoint (`crate::metrics`).
//!
//! In the steady state the kernel is not read every round: the supervisor
//! keeps the managed table as it last read it, with the changes it has
//! made since, and plans against that. It reads the kernel again when
//! that copy is [`RESYNC`] old (to repair drift: entries someone else
//! changed), after a change the kernel refused, and after a reload.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use super::config::{self, Config};
use super::ldirectord::{real_text, virtual_text};
use super::log::{Log, change_line};
use super::signals;
use super::state::{self, Health, Transition};
use crate::client::{Change, Client};
use crate::commands::{Streams, Table, TableEntry, plan_changes, write_line};
use crate::error::{Error, Result};
use crate::health::Checker;
use crate::metrics::MetricsServer;
use crate::model::{Destination, ForwardMethod, ServiceKey};
use crate::render::prometheus::{Exposition, HealthMap, ServerKey};

/// How often the sleep between rounds looks at the signal flags.
const POLL: Duration = Duration::from_millis(50);

/// How long the supervisor trusts its copy of the managed table before
/// it reads the kernel again.
pub(crate) const RESYNC: Duration = Duration::from_secs(10);

/// Runs the supervisor on `path` until SIGTERM or SIGINT; 0 then. A file
/// that does not parse at the start is an error (status 2) and nothing
/// is changed; so is a `metrics` address that cannot be bound (status
/// 1). `netns` is the namespace label of the metrics (the `--netns`
/// value, or "").
pub(crate) fn run(
    argv0: &[u8],
    client: &mut Client,
    path: &Path,
    metrics: Option<SocketAddr>,
    netns: &str,
    streams: &mut Streams,
) -> Result<u8> {
    let text = std::fs::read(path).map_err(|e| Error::Message {
        message: format!("{}: cannot read: {e}", path.display()),
        status: 2,
    })?;
    let name = path.to_string_lossy();
    let config =
        config::parse(argv0, &name, &text).map_err(|e| Error::Message {
            message: e.to_string(),
            status: 2,
        })?;
    for w in &config.warnings {
        let _ = writeln!(streams.err, "{w}");
    }
    let metrics = match metrics {
        Some(addr) => {
            Some(MetricsServer::bind(addr).map_err(|e| Error::Message {
                message: format!("--metrics {addr}: cannot listen: {e}"),
                status: 1,
            })?)
        }
        None => None,
    };
    signals::install()?;
    let mut checker = Checker::new()?;
    let log = Log::new(config.logfile.clone(), path);
    log.line(&format!(
        "Starting ipvsadm --watch {} with pid: {}",
        path.display(),
        std::process::id()
    ));
    if let Some(m) = &metrics {
        log.line(&format!(
            "Serving metrics on http://{}/metrics",
            m.local_addr()
        ));
    }
    let mut sup = Supervisor {
        argv0: argv0.to_vec(),
        path: path.to_path_buf(),
        text,
        config,
        old: None,
        health: Health::new(),
        log,
        metrics,
        netns: netns.to_owned(),
        known: None,
    };
    while !signals::stop_requested() {
        let due = Instant::now() + sup.config.interval;
        sup.round(client, &mut checker, due);
        while !signals::stop_requested() && Instant::now() < due {
            if signals::take_reload() {
                sup.log.line("Reloading configuration on signal");
                sup.reload(true);
                break;
            }
            thread::sleep(
                POLL.min(due.saturating_duration_since(Instant::now())),
            );
        }
        if sup.config.autoreload {
            sup.reload(false);
        }
    }
    sup.stop(client);
    Ok(0)
}

/// The supervisor's state between rounds.
struct Supervisor {
    argv0: Vec<u8>,
    path: std::path::PathBuf,
    /// The text of the configuration in use.
    text: Vec<u8>,
    config: Config,
    /// The configuration before the last reload, until a round has
    /// removed what only it named.
    old: Option<Config>,
    health: Health,
    log: Log,
    /// The `--metrics` endpoint, if any.
    metrics: Option<MetricsServer>,
    /// The namespace label of the metrics.
    netns: String,
    /// The managed table as the kernel holds it, as far as the
    /// supervisor knows; `None` when it must be read.
    known: Option<KnownTable>,
}

/// The managed table as last read from the kernel, with the changes made
/// since, and how many rounds ago it was read.
pub(crate) struct KnownTable {
    table: Table,
    rounds: u32,
}

impl KnownTable {
    /// Whether a copy read `rounds` rounds ago, `interval` apart, may
    /// still stand in for the kernel: while it is younger than
    /// [`RESYNC`]. Counted in rounds, not read from the clock, so that
    /// an interval of RESYNC or more reads the kernel every round.
    pub(crate) fn fresh(rounds: u32, interval: Duration) -> bool {
        interval.saturating_mul(rounds) < RESYNC
    }
}

impl Supervisor {
    /// Reads FILE again if it changed (or when `forced`); a version that
    /// does not parse is logged and the one in use stays.
    fn reload(&mut self, forced: bool) {
        let text = match std::fs::read(&self.path) {
            Ok(text) => text,
            Err(e) => {
                self.log.line(&format!(
                    "Cannot read configuration file '{}': {e}",
                    self.path.display()
                ));
                return;
            }
        };
        if text == self.text && !forced {
            return;
        }
        if text != self.text {
            self.log.line(&format!(
                "Configuration file '{}' has changed on disk",
                self.path.display()
            ));
        }
        let name = self.path.to_string_lossy().into_owned();
        match config::parse(&self.argv0, &name, &text) {
            Ok(config) => {
                self.log.line(" - reread new configuration");
                for w in &config.warnings {
                    self.log.line(w);
                }
                self.text = text;
                self.log.set_file(config.logfile.clone());
                let old = std::mem::replace(&mut self.config, config);
                let keys: Vec<String> =
                    self.config.targets().into_iter().map(|t| t.key).collect();
                self.health.retain(|k| keys.iter().any(|n| n == k));
                self.old = Some(old);
                self.known = None;
            }
            Err(e) => {
                self.log.line(&format!(" - ignore new configuration: {e}"));
                // Not again until the file changes once more.
                self.text = text;
            }
        }
    }

    /// One round: check until every probe has ended or the round is
    /// `due`, then converge the kernel. A server whose probe is still
    /// running keeps its standing until the probe ends in a later round.
    fn round(
        &mut self,
        client: &mut Client,
        checker: &mut Checker,
        due: Instant,
    ) {
        let targets = self.config.targets();
        let outcomes = checker.run_until(&targets, due);
        // Each check's failure count, and its server as ldirectord names
        // it in the log: `10.2.1.242:80 (10.2.0.240:80)`.
        let about: HashMap<&str, (u32, String)> = self
            .config
            .pools
            .iter()
            .flat_map(|p| {
                p.reals.iter().filter_map(move |r| {
                    let name = format!(
                        "{} ({})",
                        real_text(&r.dest),
                        virtual_text(&p.service.key)
                    );
                    r.check
                        .as_ref()
                        .map(|c| (c.key.as_str(), (p.failure_count, name)))
                })
            })
            .collect();
        for (target, outcome) in targets.iter().zip(&outcomes) {
            let Some(outcome) = outcome else { continue };
            let Some((limit, name)) = about.get(target.key.as_str()) else {
                continue;
            };
            match self.health.record(&target.key, outcome, *limit) {
                Transition::SoftFailure { failures, limit } => {
                    self.log.line(&format!(
                        "Soft failure real server: {name} failure \
                         {failures}/{limit}"
                    ));
                }
                Transition::Reset => self
                    .log
                    .line(&format!("Resetting soft failure count: {name}")),
                Transition::Up | Transition::Down => {}
            }
        }
        if let Err(e) = self.converge(client) {
            self.log.line(&format!("Cannot update the table: {e}"));
            self.publish(client);
            return;
        }
        // Servers only the previous version checked keep no check state.
        if let Some(old) = self.old.take() {
            for gone in old.targets() {
                if !targets.iter().any(|t| t.key == gone.key) {
                    checker.forget(&gone.key);
                }
            }
        }
        self.publish(client);
    }

    /// With `--metrics`: the managed services as the kernel now holds
    /// them, with counters, and the health of every checked real server
    /// (those taken out of the table too), published to the endpoint.
    /// A table that cannot be read leaves the last publication.
    /// The table read for it is the freshest copy, kept for the next
    /// round.
    fn publish(&mut self, client: &mut Client) {
        if self.metrics.is_none() {
            return;
        }
        let table = match self.managed(client) {
            Ok(table) => table,
            Err(e) => {
                self.log.line(&format!("Cannot read the table: {e}"));
                return;
            }
        };
        self.publish_table(&table);
        self.known = Some(KnownTable { table, rounds: 0 });
    }

    fn publish_table(&self, table: &Table) {
        let Some(server) = &self.metrics else {
            return;
        };
        let mut exposition = Exposition::new();
        let mut health = HealthMap::new();
        for entry in table {
            exposition.push(&self.netns, &entry.service, &entry.dests);
            let Some(pool) = self.config.pool(&entry.service.key) else {
                continue;
            };
            let mut unlisted = Vec::new();
            for real in &pool.reals {
                let Some(report) = real
                    .check
                    .as_ref()
                    .and_then(|c| self.health.report(&c.key))
                else {
                    continue;
                };
                let d = &real.dest;
                if !entry
                    .dests
                    .iter()
                    .any(|o| o.addr == d.addr && o.port == d.port)
                {
                    unlisted.push(d.clone());
                }
                let key = ServerKey {
                    netns: self.netns.clone(),
                    service: entry.service.key,
                    addr: d.addr,
                    port: d.port,
                };
                health.insert(key, report);
            }
            exposition.push_unlisted(&unlisted);
        }
        let mut body = Vec::new();
        if exposition.write(&mut body, Some(&health)).is_ok() {
            server.publish(body);
        }
    }

    /// The services FILE names (and named before a reload), as the kernel
    /// holds them; a real server the kernel reports as local is taken to
    /// have the forwarding method FILE gives it.
    fn managed(&self, client: &mut Client) -> Result<Table> {
        let mut keys: Vec<ServiceKey> =
            self.config.pools.iter().map(|p| p.service.key).collect();
        if let Some(old) = &self.old {
            for p in &old.pools {
                if !keys.contains(&p.service.key) {
                    keys.push(p.service.key);
                }
            }
        }
        let mut table = Table::with_capacity(keys.len());
        for key in keys {
            let Some((service, mut dests)) = client.service_entry(&key)? else {
                continue;
            };
            if let Some(pool) = self.config.pool(&key) {
                for d in dests
                    .iter_mut()
                    .filter(|d| d.forward == ForwardMethod::Local)
                {
                    if let Some(named) = named(pool, d) {
                        d.forward = named.forward;
                    }
                }
            }
            table.push(TableEntry { service, dests });
        }
        Ok(table)
    }

    /// Makes the kernel hold the desired table: plans against the known
    /// copy of the managed table while it is fresh (else against the
    /// kernel, read again), makes the changes pipelined and logs each.
    /// The desired table is the known copy after it when every change
    /// was made; after a refusal the next round reads the kernel.
    fn converge(&mut self, client: &mut Client) -> Result<()> {
        let interval = self.config.interval;
        let (current, rounds) = match self.known.take() {
            Some(k) if KnownTable::fresh(k.rounds + 1, interval) => {
                (k.table, k.rounds + 1)
            }
            _ => (self.managed(client)?, 0),
        };
        let desired = state::desired(
            &self.config,
            self.old.as_ref(),
            &self.health,
            &current,
        );
        let changes = plan_changes(&current, &desired);
        let mut refused = false;
        if !changes.is_empty() {
            client.prepare_for_batches();
        }
        for (change, outcome) in changes.iter().zip(client.apply_all(&changes))
        {
            match outcome {
                Ok(()) => self.log.line(&change_line(&self.config, change)),
                Err(e) => {
                    refused = true;
                    let mut line = Vec::new();
                    let _ = write_line(&mut line, change);
                    self.log.line(&format!(
                        "Failed: ipvsadm {}: {e}",
                        String::from_utf8_lossy(&line).trim_end()
                    ));
                }
            }
        }
        if !refused {
            self.known = Some(KnownTable {
                table: desired,
                rounds,
            });
        }
        Ok(())
    }

    /// The end: the services whose `cleanstop` is on are removed.
    fn stop(&self, client: &mut Client) {
        for pool in self.config.pools.iter().filter(|p| p.cleanstop) {
            let key = &pool.service.key;
            match client.service_entry(key) {
                Ok(Some((service, _))) => {
                    match client.apply(Change::DeleteService(service)) {
                        Ok(()) => self.log.line(&format!(
                            "Purged virtual server (stop): {}",
                            virtual_text(key)
                        )),
                        Err(e) => self.log.line(&format!(
                            "Cannot remove virtual server {}: {e}",
                            virtual_text(key)
                        )),
                    }
                }
                Ok(None) => {}
                Err(e) => self.log.line(&format!("Cannot read the table: {e}")),
            }
        }
        self.log.line("Exiting from ipvsadm --watch");
    }
}

/// The server FILE gives for `d` (a real server or the fallback).
fn named<'a>(
    pool: &'a config::Pool,
    d: &Destination,
) -> Option<&'a Destination> {
    pool.reals
        .iter()
        .map(|r| &r.dest)
        .chain(pool.fallback.iter())
        .find(|o| o.addr == d.addr && o.port == d.port)
}
