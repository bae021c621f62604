//! `--top`: a live view of services and real servers. Every interval
//! the table is read (in one namespace, or in each with `--all-netns`),
//! and the rates are computed here from the difference between two
//! readings of the kernel's counters, so they move even when the
//! kernel's rate estimator is off. On a terminal the view is full-screen
//! (`ui`, ratatui over crossterm); otherwise a plain snapshot is printed
//! every interval (`snapshot`). With `--metrics ADDR:PORT` the `--watch`
//! supervisor's endpoint is read at each refresh and the real servers it
//! reports down are marked (`health`).

mod health;
mod snapshot;
#[cfg(test)]
mod tests;
mod ui;
mod view;

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use super::netns::{self, Namespace, Origin};
use super::{Streams, entries, report};
use crate::cli::TopRequest;
use crate::client::{Client, StatsNests};
use crate::error::Result;
use view::Reading;

pub(super) fn run(
    client: &mut Client,
    req: &TopRequest,
    streams: &mut Streams,
) -> Result<u8> {
    let mut reader = Reader::new(req)?;
    let interval = Duration::from_millis(req.interval_ms);
    if std::io::stdout().is_terminal() {
        ui::run(client, &mut reader, interval)?;
        return Ok(0);
    }
    let titles = snapshot::titles(req.interval_ms, req.metrics);
    let mut previous: Option<Reading> = None;
    loop {
        let started = Instant::now();
        let reading = reader.read(client, streams)?;
        let mut views = view::services(previous.as_ref(), &reading);
        let status = reader.mark(&mut views);
        snapshot::write(&mut streams.out, &titles, &views, status.as_deref())?;
        streams.out.flush()?;
        previous = Some(reading);
        std::thread::sleep(interval.saturating_sub(started.elapsed()));
    }
}

/// Reads the table of the namespaces the request covers.
struct Reader {
    service: Option<crate::model::ServiceKey>,
    /// With `--all-netns`: the way back and the namespaces.
    all: Option<(Origin, Vec<Namespace>)>,
    /// With `--metrics`: the endpoint that says which servers are down.
    metrics: Option<health::Endpoint>,
}

impl Reader {
    fn new(req: &TopRequest) -> Result<Reader> {
        let all = if req.all_netns {
            Some((Origin::open()?, netns::all_namespaces()))
        } else {
            None
        };
        Ok(Reader {
            service: req.service,
            all,
            metrics: req
                .metrics
                .map(|a| health::Endpoint::new(a, req.all_netns)),
        })
    }

    /// The metrics endpoint, if any.
    fn metrics(&self) -> Option<std::net::SocketAddr> {
        self.metrics.map(|m| m.addr())
    }

    /// With `--metrics`: marks the servers the endpoint reports down;
    /// the status line when it cannot be read.
    fn mark(&self, views: &mut [view::ServiceView]) -> Option<String> {
        self.metrics.as_ref()?.mark(views)
    }

    /// One reading; a namespace that fails is reported to `streams.err`
    /// (plain mode) and left out.
    fn read(
        &mut self,
        client: &mut Client,
        streams: &mut Streams,
    ) -> Result<Reading> {
        let mut reading = Reading::new(Instant::now());
        let mut errors = Vec::new();
        self.read_into(client, &mut reading, &mut errors)?;
        for e in &errors {
            report(streams, e);
        }
        Ok(reading)
    }

    fn read_into(
        &mut self,
        client: &mut Client,
        reading: &mut Reading,
        errors: &mut Vec<crate::Error>,
    ) -> Result<()> {
        let service = self.service;
        let Some((origin, namespaces)) = &self.all else {
            return read_table(client, service, "", reading);
        };
        for ns in namespaces {
            let r = origin.visit(ns, client, |c| {
                read_table(c, service, &ns.label, reading)
            })?;
            if let Err(e) = r {
                errors.push(e);
            }
        }
        Ok(())
    }
}

/// Adds one namespace's services (or the one asked for, when it exists).
fn read_table(
    client: &mut Client,
    service: Option<crate::model::ServiceKey>,
    netns: &str,
    reading: &mut Reading,
) -> Result<()> {
    match service {
        Some(key) => {
            if let Some((svc, mut dests)) = client.service_entry(&key)? {
                crate::render::sort_dests(&mut dests);
                reading.push(netns, &svc, &dests);
            }
            Ok(())
        }
        None => entries::each_entry(client, true, StatsNests::Read, |s, d| {
            reading.push(netns, s, d);
            Ok(())
        }),
    }
}
