//! Executing ipvsadm command lines: start-up, dispatch of a parsed
//! [`Command`] to the kernel, and the listings and restore built on it.

mod apply;
pub(crate) mod desired;
mod entries;
mod list;
mod netns;
pub(crate) mod plan;
pub(crate) mod restore;
mod top;

pub(crate) use desired::read as read_desired_table;
pub(crate) use plan::{Table, TableEntry, plan as plan_changes, write_line};

use std::io::Write;

use crate::cli::{self, Command, ListRequest};
use crate::client::{Change, Client, MIN_KERNEL_VERSION};
use crate::error::{Error, Result};

/// Where a command's output goes.
pub struct Streams<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
}

/// Run ipvsadm with `args` (without `argv[0]`) and return its exit status.
/// Messages go to `err`, listings to `out`, as ipvsadm writes them.
pub fn run(argv0: &[u8], args: &[Vec<u8>], streams: &mut Streams) -> u8 {
    let status = match run_inner(argv0, args, streams) {
        Ok(status) => status,
        Err(e) => {
            report(streams, &e);
            e.exit_status()
        }
    };
    let _ = streams.out.flush();
    status
}

/// Print an error the way ipvsadm does: its message (with the bytes it
/// echoes as given) and a newline, in one write.
pub(crate) fn report(streams: &mut Streams, e: &Error) {
    let _ = streams.out.flush();
    if e.has_message() {
        let mut line = Vec::new();
        let _ = e.write_message(&mut line);
        line.push(b'\n');
        let _ = streams.err.write_all(&line);
    }
}

fn run_inner(
    argv0: &[u8],
    args: &[Vec<u8>],
    streams: &mut Streams,
) -> Result<u8> {
    // `--netns` first: the whole process moves before any socket exists.
    let namespace = cli::netns_option(args);
    if let Some(namespace) = &namespace {
        netns::enter(namespace)?;
    }
    // ipvsadm reaches IPVS before it looks at any argument, even -h; our
    // -h is our own text and needs no IPVS, so it is answered first.
    if cli::asks_for_help(args) {
        write_all(streams, &cli::help_text(argv0))?;
        return Ok(0);
    }
    let mut client = Client::connect()?;
    warn_old_kernel(&client, streams);
    if args.is_empty() {
        list::list(&mut client, &ListRequest::default(), "", streams)?;
        return Ok(0);
    }
    let command = cli::parse_command_line(argv0, args)?;
    if command == Command::Restore {
        return restore::restore(argv0, &mut client, streams);
    }
    if let Command::Apply(req) = &command {
        if req.watch {
            let label = namespace
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            return crate::watch::run(
                argv0,
                &mut client,
                &req.file,
                req.metrics,
                &label,
                streams,
            );
        }
        return apply::apply(argv0, &mut client, req, streams);
    }
    match &command {
        Command::List(req) if req.all_netns => {
            return list::list_all(&mut client, req, streams);
        }
        Command::List(req) => {
            let label = namespace
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            list::list(&mut client, req, &label, streams)?;
            return Ok(0);
        }
        Command::Save {
            numeric,
            all_netns: true,
        } => return list::save_all(&mut client, *numeric, streams),
        Command::Top(req) => return top::run(&mut client, req, streams),
        _ => {}
    }
    execute(argv0, &mut client, command, streams)?;
    Ok(0)
}

fn warn_old_kernel(client: &Client, streams: &mut Streams) {
    let info = client.info();
    if info.version < MIN_KERNEL_VERSION {
        let (a, b, c) = info.version_parts();
        let _ = write!(
            streams.err,
            "Warning: IPVS version mismatch: \n  Kernel compiled with IPVS \
             version {a}.{b}.{c}\n  ipvsadm v1.31  requires minimum IPVS \
             version 1.1.4\n\n"
        );
    }
}

/// What a parsed command does: a change for the kernel, or something that
/// reads the table or prints by itself.
pub(crate) enum Action {
    Change(Change),
    Other(Command),
}

pub(crate) fn classify(command: Command) -> Action {
    let change = match command {
        Command::AddService(s) => Change::AddService(s),
        Command::EditService(s) => Change::EditService(s),
        Command::DeleteService(s) => Change::DeleteService(s),
        Command::Flush => Change::Flush,
        Command::AddServer { service, dest } => Change::AddDest(service, dest),
        Command::EditServer { service, dest } => {
            Change::EditDest(service, dest)
        }
        Command::DeleteServer { service, dest } => {
            Change::DeleteDest(service, dest)
        }
        Command::SetTimeouts(t) => Change::SetTimeouts(t),
        Command::StartDaemon(d) => Change::StartDaemon(d),
        Command::StopDaemon(d) => Change::StopDaemon(d),
        Command::Zero(key) => Change::Zero(key.map(crate::model::Service::new)),
        other => return Action::Other(other),
    };
    Action::Change(change)
}

/// Execute one parsed command (not `-R`).
pub(crate) fn execute(
    argv0: &[u8],
    client: &mut Client,
    command: Command,
    streams: &mut Streams,
) -> Result<()> {
    match classify(command) {
        Action::Change(change) => client.apply(change),
        Action::Other(Command::List(req)) => {
            list::list(client, &req, "", streams)
        }
        Action::Other(Command::Save { numeric, .. }) => {
            list::save(client, numeric, streams)
        }
        Action::Other(Command::Help) => {
            write_all(streams, &cli::help_text(argv0))
        }
        Action::Other(Command::Version) => {
            write_all(streams, cli::version_text().as_bytes())
        }
        // -R inside -R: ipvsadm refuses nesting with its hint.
        Action::Other(_) => Err(Error::TryHelp(argv0.into())),
    }
}

fn write_all(streams: &mut Streams, bytes: &[u8]) -> Result<()> {
    streams.out.write_all(bytes)?;
    Ok(())
}
