//! The long options this tool adds to ipvsadm 1.31's command line:
//! `--format`, `--netns`, `--apply`, `--dry-run`, `--atomic`, `--watch`,
//! and for the metrics and live view `--all-netns`, `--top`,
//! `--interval` and `--metrics`. ipvsadm rejected each as an unknown
//! option, so no ipvsadm command line changes meaning. They sit outside ipvsadm's matrix: they are checked after it,
//! so every ipvsadm message keeps its priority.

use std::borrow::Cow;
use std::net::SocketAddr;

use super::args::ArgList;
use super::command::OutputFormat;
use super::options::{CommandKind, Opt};
use super::scan::{PoptScanner, posix_mode};
use crate::Error;
use crate::error::Text;

/// The values of the added options seen on one command line.
#[derive(Debug, Clone, Default)]
pub(super) struct Extras {
    pub format: Option<OutputFormat>,
    pub netns: Option<Vec<u8>>,
    pub dry_run: bool,
    pub atomic: bool,
    pub watch: bool,
    /// The `--apply` file.
    pub apply_file: Vec<u8>,
    pub all_netns: bool,
    /// `--interval`, in milliseconds.
    pub interval_ms: Option<u64>,
    /// `--metrics`: where the supervisor serves its metrics (with
    /// `--watch`) or where `--top` reads them.
    pub metrics: Option<SocketAddr>,
}

impl Extras {
    /// Records one added option (each at most once, like ipvsadm's).
    pub(super) fn take(&mut self, opt: Opt, text: &[u8]) -> Result<(), Error> {
        let name = option_name(opt);
        let seen = match opt {
            Opt::Format => self.format.is_some(),
            Opt::Netns => self.netns.is_some(),
            Opt::DryRun => self.dry_run,
            Opt::Atomic => self.atomic,
            Opt::AllNetns => self.all_netns,
            Opt::Interval => self.interval_ms.is_some(),
            Opt::Watch => self.watch,
            Opt::Metrics => self.metrics.is_some(),
            _ => false,
        };
        if seen {
            return Err(invalid(format!(
                "multiple '{name}' options specified"
            )));
        }
        match opt {
            Opt::Format => {
                self.format = Some(match text {
                    b"json" => OutputFormat::Json,
                    b"text" => OutputFormat::Text,
                    b"table" => OutputFormat::Table,
                    b"prometheus" => OutputFormat::Prometheus,
                    _ => {
                        return Err(invalid(Text::join(&[
                            b"invalid format `",
                            text,
                            b"' specified (text, json, table or prometheus)",
                        ])));
                    }
                });
            }
            Opt::Netns => {
                if text.is_empty() {
                    return Err(invalid("invalid netns `' specified"));
                }
                self.netns = Some(text.to_vec());
            }
            Opt::DryRun => self.dry_run = true,
            Opt::Atomic => self.atomic = true,
            Opt::AllNetns => self.all_netns = true,
            Opt::Interval => {
                self.interval_ms =
                    Some(interval_ms(text).ok_or_else(|| {
                        invalid(Text::join(&[
                            b"invalid interval `",
                            text,
                            b"' specified (seconds, 0.1 to 86400)",
                        ]))
                    })?);
            }
            Opt::Watch => self.watch = true,
            Opt::Metrics => {
                self.metrics = Some(listen_addr(text).ok_or_else(|| {
                    invalid(Text::join(&[
                        b"invalid metrics address `",
                        text,
                        b"' specified (a numeric ADDR:PORT such as \
                          127.0.0.1:9100 or [::1]:9100)",
                    ]))
                })?);
            }
            _ => {}
        }
        Ok(())
    }

    /// The added options' own matrix: `--format` only with `-L`,
    /// `--dry-run`, `--atomic` and `--watch` only with `--apply` (and
    /// `--watch` with neither of the other two, nor stdin); `--metrics`
    /// only with `--apply FILE --watch` and `--top`; `--netns` with every
    /// command.
    pub(super) fn check(&self, cmd: CommandKind) -> Result<(), Error> {
        let illegal = |opt: Opt| {
            Err(invalid(format!(
                "Illegal '{}' option with the '{}' command",
                option_name(opt),
                cmd.name()
            )))
        };
        if self.format.is_some() && cmd != CommandKind::List {
            return illegal(Opt::Format);
        }
        if self.dry_run && cmd != CommandKind::Apply {
            return illegal(Opt::DryRun);
        }
        if self.atomic && cmd != CommandKind::Apply {
            return illegal(Opt::Atomic);
        }
        if self.all_netns
            && !matches!(
                cmd,
                CommandKind::List | CommandKind::Save | CommandKind::Top
            )
        {
            return illegal(Opt::AllNetns);
        }
        if self.interval_ms.is_some() && cmd != CommandKind::Top {
            return illegal(Opt::Interval);
        }
        if self.all_netns && self.netns.is_some() {
            return Err(invalid(
                "--netns and --all-netns cannot be used together",
            ));
        }
        if self.watch && cmd != CommandKind::Apply {
            return illegal(Opt::Watch);
        }
        if self.watch && (self.dry_run || self.atomic) {
            let other = if self.dry_run { "dry-run" } else { "atomic" };
            return Err(invalid(format!(
                "'{other}' cannot be used with 'watch'"
            )));
        }
        if self.metrics.is_some()
            && !matches!(cmd, CommandKind::Apply | CommandKind::Top)
        {
            return illegal(Opt::Metrics);
        }
        if self.metrics.is_some() && cmd == CommandKind::Apply && !self.watch {
            return Err(invalid("--metrics needs --apply FILE --watch"));
        }
        if self.watch && self.apply_file == b"-" {
            return Err(invalid(
                "--watch needs a file it can read again, not standard input",
            ));
        }
        Ok(())
    }
}

fn option_name(opt: Opt) -> &'static str {
    match opt {
        Opt::Format => "format",
        Opt::Netns => "netns",
        Opt::DryRun => "dry-run",
        Opt::Atomic => "atomic",
        Opt::AllNetns => "all-netns",
        Opt::Interval => "interval",
        Opt::Watch => "watch",
        Opt::Metrics => "metrics",
        _ => "?",
    }
}

/// `--metrics`: a numeric address and a port other than 0 (IPv6 in
/// brackets); no host names, so that nothing is bound but what is given.
fn listen_addr(text: &[u8]) -> Option<SocketAddr> {
    let addr: SocketAddr = std::str::from_utf8(text).ok()?.parse().ok()?;
    (addr.port() != 0).then_some(addr)
}

/// `--interval`: decimal seconds from 0.1 to 86400, in milliseconds.
fn interval_ms(text: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(text).ok()?;
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    {
        return None;
    }
    let seconds: f64 = text.parse().ok()?;
    if !(0.1..=86_400.0).contains(&seconds) {
        return None;
    }
    Some((seconds * 1000.0).round() as u64)
}

fn invalid(message: impl Into<Text>) -> Error {
    Error::Invalid(message.into())
}

/// The `--netns` value of a command line, found before the line is parsed
/// (the namespace must be entered before IPVS is reached, and ipvsadm
/// reaches IPVS before it parses). The scan stops at the first popt error;
/// the full parse reports it later.
pub(crate) fn netns_option(args: &(impl ArgList + ?Sized)) -> Option<Vec<u8>> {
    // Long options match whole names only, so the option is an argument
    // `--netns` or `--netns=...`: without one there is nothing to scan
    // (`-R` asks this of every line).
    if !args.iter_args().any(|a| a.starts_with(b"--netns")) {
        return None;
    }
    let mut scan = PoptScanner::new(args, posix_mode());
    while let Ok(Some((spec, value))) = scan.next_opt() {
        if spec.opt == Opt::Netns {
            return value.map(Cow::into_owned);
        }
    }
    None
}
