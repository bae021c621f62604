//! A supervisor file in JSON: the services view that `--apply` reads
//! (`schema/ipvsadm-list.schema.json`), whose services may also carry a
//! `check` (for all their real servers), `quiescent`, `fallback` and
//! `cleanstop`, and whose real servers may carry a `check` of their own.
//! A real server without any check counts as healthy. Unknown or repeated
//! keys are refused, as by `--apply`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::config::{Config, ConfigError, DEFAULT_INTERVAL, Pool, Real};
use super::ldirectord::{real_text, virtual_text};
use crate::health::{
    CheckKind, CheckSpec, CheckTarget, Checker, HttpMethod, Probe,
};
use crate::json::{CheckJson, CheckTypeJson, HttpMethodJson, ServicesDocument};
use crate::model::{Destination, Service, ServiceKey};

/// ldirectord's default check timeout, for a connect.
const CONNECT_TIMEOUT: u64 = 5;
/// ldirectord's default negotiate timeout.
const NEGOTIATE_TIMEOUT: u64 = 30;

pub(super) fn parse(name: &str, text: &[u8]) -> Result<Config, ConfigError> {
    let fail = |message: String| ConfigError {
        file: name.to_string(),
        line: None,
        message,
    };
    let document: ServicesDocument =
        serde_json::from_slice(text).map_err(|e| fail(e.to_string()))?;
    let mut config = Config::new();
    let mut interval: Option<u64> = None;
    for (i, view) in document.services.iter().enumerate() {
        let at = |what: &str| fail(format!("services[{i}]: {what}"));
        let service = view.service().map_err(|e| at(&e))?;
        if config.pool(&service.key).is_some() {
            return Err(at("service listed twice"));
        }
        let mut pool = Pool::new(service);
        pool.quiescent = view.quiescent.unwrap_or(false);
        pool.cleanstop = view.cleanstop.unwrap_or(true);
        if let Some(check) = &view.check {
            pool.failure_count =
                positive(check.failures, 1).map_err(|e| at(&e))?;
        }
        if let Some(f) = &view.fallback {
            let d =
                f.destination().map_err(|e| at(&format!("fallback: {e}")))?;
            pool.fallback = Some(d);
        }
        for (j, d) in view.destinations.iter().enumerate() {
            let at = |what: &str| at(&format!("destinations[{j}]: {what}"));
            let dest = d.destination().map_err(|e| at(&e))?;
            if pool.reals.iter().any(|r| same(&r.dest, &dest)) {
                return Err(at("real server listed twice"));
            }
            if d.check.as_ref().is_some_and(|c| c.failures.is_some()) {
                return Err(at("failures belongs to the service's check"));
            }
            let check = d.check.as_ref().or(view.check.as_ref());
            let target = match check {
                Some(c) => {
                    let every =
                        positive(c.interval, DEFAULT_INTERVAL.as_secs())
                            .map_err(|e| at(&e))?;
                    interval =
                        Some(interval.map_or(every, |i: u64| i.min(every)));
                    Some(target(&pool.service, &dest, c).map_err(|e| at(&e))?)
                }
                None => None,
            };
            pool.reals.push(Real {
                dest,
                check: target,
            });
        }
        config.pools.push(pool);
    }
    config.interval =
        Duration::from_secs(interval.unwrap_or(DEFAULT_INTERVAL.as_secs()));
    Ok(config)
}

fn same(a: &Destination, b: &Destination) -> bool {
    a.addr == b.addr && a.port == b.port
}

/// A count or a number of seconds: positive, `default` when absent.
fn positive<T>(value: Option<T>, default: u64) -> Result<T, String>
where
    T: Into<u64> + TryFrom<u64> + Copy,
{
    match value {
        Some(v) if v.into() > 0 && v.into() <= 86_400 => Ok(v),
        Some(_) => {
            Err("counts and seconds must be between 1 and 86400".to_string())
        }
        None => {
            T::try_from(default).map_err(|_| "default out of range".to_string())
        }
    }
}

/// The check of one real server.
fn target(
    service: &Service,
    dest: &Destination,
    c: &CheckJson,
) -> Result<CheckTarget, String> {
    let connect = positive(c.connect_timeout, CONNECT_TIMEOUT)?;
    let negotiate = positive(c.negotiate_timeout, NEGOTIATE_TIMEOUT)?;
    let http = |tls: bool| {
        let path = c.request.clone().unwrap_or_else(|| "/".to_string());
        Probe::Http {
            tls,
            method: match c.method {
                None | Some(HttpMethodJson::Get) => HttpMethod::Get,
                Some(HttpMethodJson::Head) => HttpMethod::Head,
            },
            path: if path.starts_with('/') {
                path
            } else {
                format!("/{path}")
            },
            host: c.host.clone(),
            receive: c.receive.clone(),
        }
    };
    let probe = match c.kind {
        CheckTypeJson::Http => Some(http(false)),
        CheckTypeJson::Https => Some(http(true)),
        CheckTypeJson::Simpletcp => Some(Probe::SimpleTcp {
            request: c.request.clone().unwrap_or_default(),
            receive: c.receive.clone(),
        }),
        _ => None,
    };
    let kind = match (c.kind, probe, c.connects) {
        (CheckTypeJson::Connect, ..) => CheckKind::Connect,
        (CheckTypeJson::On, ..) => CheckKind::On,
        (CheckTypeJson::Off, ..) => CheckKind::Off,
        (CheckTypeJson::External, ..) => CheckKind::External {
            command: PathBuf::from(
                c.command
                    .as_deref()
                    .ok_or("an external check needs a command")?,
            ),
            args: external_args(&service.key, dest),
        },
        (_, Some(probe), Some(connects)) => {
            CheckKind::ConnectsThenNegotiate { connects, probe }
        }
        (_, Some(probe), None) => CheckKind::Negotiate(probe),
        (_, None, _) => CheckKind::Connect,
    };
    let spec = CheckSpec {
        kind,
        connect_timeout: Duration::from_secs(connect),
        negotiate_timeout: Duration::from_secs(negotiate),
    };
    Checker::validate(&spec)?;
    Ok(CheckTarget {
        key: format!("{} {}", virtual_text(&service.key), real_text(dest)),
        addr: SocketAddr::new(dest.addr, c.port.unwrap_or(dest.port)),
        spec,
    })
}

/// ldirectord's arguments to an external check: the virtual address (the
/// firewall mark for a fwmark service) and port, the real address and
/// port.
pub(super) fn external_args(
    key: &ServiceKey,
    dest: &Destination,
) -> Vec<String> {
    let virtual_addr = match key {
        ServiceKey::Inet { addr, .. } => addr.to_string(),
        ServiceKey::Fwmark { mark, .. } => mark.to_string(),
    };
    vec![
        virtual_addr,
        key.port().to_string(),
        dest.addr.to_string(),
        dest.port.to_string(),
    ]
}
