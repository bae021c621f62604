//! The long options this tool adds to ipvsadm 1.31's command line:
//! `--format`, `--netns`, `--apply`, `--dry-run`, `--atomic` and `--watch`. ipvsadm
//! rejected each as an unknown option, so no ipvsadm command line changes
//! meaning. They sit outside ipvsadm's matrix: they are checked after it,
//! so every ipvsadm message keeps its priority.

use std::borrow::Cow;

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
            Opt::Watch => self.watch,
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
                    _ => {
                        return Err(invalid(Text::join(&[
                            b"invalid format `",
                            text,
                            b"' specified (text, json or table)",
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
            Opt::Watch => self.watch = true,
            _ => {}
        }
        Ok(())
    }

    /// The added options' own matrix: `--format` only with `-L`,
    /// `--dry-run`, `--atomic` and `--watch` only with `--apply` (and
    /// `--watch` with neither of the other two, nor stdin); `--netns`
    /// with every command.
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
        if self.watch && cmd != CommandKind::Apply {
            return illegal(Opt::Watch);
        }
        if self.watch && (self.dry_run || self.atomic) {
            let other = if self.dry_run { "dry-run" } else { "atomic" };
            return Err(invalid(format!(
                "'{other}' cannot be used with 'watch'"
            )));
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
        Opt::Watch => "watch",
        _ => "?",
    }
}

fn invalid(message: impl Into<Text>) -> Error {
    Error::Invalid(message.into())
}

/// The `--netns` value of a command line, found before the line is parsed
/// (the namespace must be entered before IPVS is reached, and ipvsadm
/// reaches IPVS before it parses). The scan stops at the first popt error;
/// the full parse reports it later.
pub fn netns_option(args: &(impl ArgList + ?Sized)) -> Option<Vec<u8>> {
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
