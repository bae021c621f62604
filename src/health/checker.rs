//! [`Checker`]: runs a set of probes at once on one thread, each bounded by
//! its own timeout, and keeps the per-server state of `checktype=N`.
//!
//! The probes are tasks of a current-thread tokio runtime made once per
//! checker: a server that accepts and never answers holds one socket and one
//! timer, not a thread, and delays no other probe. A probe still running
//! when a round ends goes on into the next round, and only its server is
//! not probed again until it ends: every other server is probed every
//! round. The ipvsadm command lines never make a checker, so they never
//! pay for the runtime.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use regex::bytes::{Regex, RegexBuilder};
use tokio::runtime::{Builder, Runtime};
use tokio::task::{Id, JoinSet};
use tokio::time::{timeout, timeout_at};

use super::{
    CheckKind, CheckOutcome, CheckSpec, CheckTarget, HttpMethod, Probe,
};
use super::{external, http, tcp, tls};

/// ldirectord's `num_connects` of a server whose next check is a negotiate
/// (it uses 999999): at start, and after a failed connect.
const NEGOTIATE_NEXT: u32 = u32::MAX;

/// Compiled `receive` expressions kept at most; past that the cache starts
/// over (only a file with that many distinct strings gets there).
const REGEX_CACHE: usize = 1024;

/// Runs health probes; see the [module](super) documentation.
pub(crate) struct Checker {
    runtime: Runtime,
    tls: Arc<rustls::ClientConfig>,
    /// `checktype=N`: connect checks made since the last good negotiate.
    connects: HashMap<String, u32>,
    /// `receive` strings compiled, or why they do not compile.
    regexes: HashMap<String, Result<Arc<Regex>, String>>,
    /// Probes in flight at once, so that a big table stays within the
    /// process's file descriptor limit.
    in_flight: usize,
    /// The probes running, across rounds.
    running: JoinSet<(Step, CheckOutcome)>,
    /// The check key of each running probe, by task.
    running_keys: HashMap<Id, String>,
    /// Probes waiting for room under `in_flight`.
    waiting: VecDeque<(String, Step, Job)>,
    /// The keys of the probes running or waiting: not started again
    /// until they end.
    busy: HashSet<String>,
}

/// What one target does in this run, with everything it needs owned.
enum Job {
    Done(Result<(), String>),
    Connect {
        addr: SocketAddr,
        limit: Duration,
    },
    Http {
        addr: SocketAddr,
        request: Vec<u8>,
        head: bool,
        tls: Option<Arc<rustls::ClientConfig>>,
        receive: Option<Arc<Regex>>,
        limit: Duration,
    },
    SimpleTcp {
        addr: SocketAddr,
        request: Vec<u8>,
        receive: Option<Arc<Regex>>,
        limit: Duration,
    },
    External {
        command: PathBuf,
        args: Vec<String>,
        limit: Duration,
    },
}

/// Which step a `checktype=N` target took, to update its counter after.
#[derive(Clone, Copy)]
enum Step {
    Plain,
    Connect,
    Negotiate,
}

impl Checker {
    /// A checker with its runtime (one thread: the caller's) and TLS
    /// client configuration.
    pub(crate) fn new() -> crate::Result<Checker> {
        let runtime = Builder::new_current_thread().enable_all().build()?;
        let tls = tls::client_config().map_err(|e| crate::Error::Message {
            message: format!("TLS set-up failed: {e}"),
            status: 1,
        })?;
        Ok(Checker {
            runtime,
            tls,
            connects: HashMap::new(),
            regexes: HashMap::new(),
            in_flight: in_flight_limit(),
            running: JoinSet::new(),
            running_keys: HashMap::new(),
            waiting: VecDeque::new(),
            busy: HashSet::new(),
        })
    }

    /// Whether `spec` can run: its `receive` expression compiles and its
    /// request fits on a request line. The message says what is wrong, for
    /// a configuration reader to report with its `file:line`.
    pub(crate) fn validate(spec: &CheckSpec) -> Result<(), String> {
        let probe = match &spec.kind {
            CheckKind::Negotiate(probe)
            | CheckKind::ConnectsThenNegotiate { probe, .. } => probe,
            _ => return Ok(()),
        };
        match probe {
            Probe::Http {
                path,
                host,
                receive,
                ..
            } => {
                http::request(
                    HttpMethod::Get,
                    path,
                    host.as_deref().unwrap_or("x"),
                )?;
                compile(receive.as_deref()).map(drop)
            }
            Probe::SimpleTcp { receive, .. } => {
                compile(receive.as_deref()).map(drop)
            }
        }
    }

    /// Whether `receive` compiles as a check's expression; the message
    /// says what is wrong.
    pub(crate) fn validate_receive(receive: &str) -> Result<(), String> {
        compile(Some(receive)).map(drop)
    }

    /// Forgets the `checktype=N` counter of a server no longer checked.
    pub(crate) fn forget(&mut self, key: &str) {
        self.connects.remove(key);
    }

    /// Runs every target's probe concurrently and returns the outcomes in
    /// target order, once all have finished or hit their timeouts (an
    /// external command past its limit gets up to 0.2 s more to exit
    /// after SIGTERM). It blocks the calling thread, which must not be
    /// running a tokio runtime itself.
    #[cfg(test)]
    pub(crate) fn run(&mut self, targets: &[CheckTarget]) -> Vec<CheckOutcome> {
        let forever = Instant::now() + Duration::from_secs(24 * 3600);
        self.run_until(targets, forever)
            .into_iter()
            .map(|o| o.expect("every probe ends within a day"))
            .collect()
    }

    /// One round: starts the probe of every target whose last one has
    /// ended, and runs the probes until all have ended or `until` comes.
    /// The outcome of each target whose probe ended meanwhile, in target
    /// order; `None` for one still running (it goes on in the next
    /// round; a server that never answers is reported when its probe
    /// times out, and holds up no other). Probes run at most about half
    /// the file descriptor limit at once. It blocks the calling thread,
    /// which must not be running a tokio runtime itself.
    pub(crate) fn run_until(
        &mut self,
        targets: &[CheckTarget],
        until: Instant,
    ) -> Vec<Option<CheckOutcome>> {
        for target in targets {
            if self.busy.contains(&target.key) {
                continue;
            }
            let (step, job) = self.job(target);
            self.busy.insert(target.key.clone());
            self.waiting.push_back((target.key.clone(), step, job));
        }
        let mut ended = HashMap::new();
        let Checker {
            runtime,
            running,
            running_keys,
            waiting,
            in_flight,
            ..
        } = self;
        runtime.block_on(async {
            let until = tokio::time::Instant::from_std(until);
            loop {
                while running.len() < *in_flight {
                    let Some((key, step, job)) = waiting.pop_front() else {
                        break;
                    };
                    let id = running
                        .spawn(async move { (step, job.run().await) })
                        .id();
                    running_keys.insert(id, key);
                }
                match timeout_at(until, running.join_next_with_id()).await {
                    Ok(Some(joined)) => {
                        let (key, outcome) = match joined {
                            Ok((id, (step, outcome))) => {
                                match running_keys.remove(&id) {
                                    Some(key) => (key, Some((step, outcome))),
                                    None => continue,
                                }
                            }
                            // A probe that panicked: reported as failed.
                            Err(e) => match running_keys.remove(&e.id()) {
                                Some(key) => (key, None),
                                None => continue,
                            },
                        };
                        ended.insert(key, outcome);
                    }
                    Ok(None) | Err(_) => break,
                }
            }
        });
        let mut outcomes = Vec::with_capacity(targets.len());
        for target in targets {
            let Some(done) = ended.remove(&target.key) else {
                outcomes.push(None);
                continue;
            };
            self.busy.remove(&target.key);
            let (step, outcome) = done.unwrap_or((
                Step::Plain,
                CheckOutcome {
                    healthy: false,
                    duration: Duration::ZERO,
                    error: Some("check failed".into()),
                },
            ));
            self.count_connects(&target.key, step, outcome.healthy);
            outcomes.push(Some(outcome));
        }
        // Probes of servers no longer named end unreported.
        for key in ended.into_keys() {
            self.busy.remove(&key);
        }
        outcomes
    }

    /// Updates the `checktype=N` count of `key` after a `step` that
    /// passed or failed.
    fn count_connects(&mut self, key: &str, step: Step, healthy: bool) {
        let next = match step {
            Step::Plain => return,
            // A failed negotiate leaves the count where it was, at N or
            // above, so the next check negotiates again.
            Step::Negotiate if !healthy => return,
            Step::Negotiate => 0,
            Step::Connect if !healthy => NEGOTIATE_NEXT,
            Step::Connect => self
                .connects
                .get(key)
                .copied()
                .unwrap_or(0)
                .saturating_add(1),
        };
        self.connects.insert(key.to_owned(), next);
    }

    /// Decides what `target` does this time.
    fn job(&mut self, target: &CheckTarget) -> (Step, Job) {
        let spec = &target.spec;
        match &spec.kind {
            CheckKind::On => (Step::Plain, Job::Done(Ok(()))),
            CheckKind::Off => {
                (Step::Plain, Job::Done(Err("checktype off".into())))
            }
            CheckKind::Connect => (
                Step::Plain,
                Job::Connect {
                    addr: target.addr,
                    limit: spec.connect_timeout,
                },
            ),
            CheckKind::Negotiate(probe) => {
                (Step::Plain, self.negotiate(target, probe))
            }
            CheckKind::ConnectsThenNegotiate { connects, probe } => {
                let done = self
                    .connects
                    .get(&target.key)
                    .copied()
                    .unwrap_or(NEGOTIATE_NEXT);
                if done >= *connects {
                    (Step::Negotiate, self.negotiate(target, probe))
                } else {
                    let job = Job::Connect {
                        addr: target.addr,
                        limit: spec.connect_timeout,
                    };
                    (Step::Connect, job)
                }
            }
            CheckKind::External { command, args } => (
                Step::Plain,
                Job::External {
                    command: command.clone(),
                    args: args.clone(),
                    limit: spec.negotiate_timeout,
                },
            ),
        }
    }

    fn negotiate(&mut self, target: &CheckTarget, probe: &Probe) -> Job {
        let limit = target.spec.negotiate_timeout;
        let (receive, pattern_error) = match probe {
            Probe::Http { receive, .. } | Probe::SimpleTcp { receive, .. } => {
                match self.regex(receive.as_deref()) {
                    Ok(regex) => (regex, None),
                    Err(e) => (None, Some(e)),
                }
            }
        };
        if let Some(e) = pattern_error {
            return Job::Done(Err(e));
        }
        match probe {
            Probe::Http {
                tls,
                method,
                path,
                host,
                ..
            } => {
                let host = match host {
                    Some(host) => host.clone(),
                    None => http::host_of(target.addr),
                };
                match http::request(*method, path, &host) {
                    Ok(request) => Job::Http {
                        addr: target.addr,
                        request,
                        head: *method == HttpMethod::Head,
                        tls: tls.then(|| self.tls.clone()),
                        receive,
                        limit,
                    },
                    Err(e) => Job::Done(Err(e)),
                }
            }
            Probe::SimpleTcp { request, .. } => Job::SimpleTcp {
                addr: target.addr,
                request: tcp::simple_request(request),
                receive,
                limit,
            },
        }
    }

    /// The compiled `receive` expression, from the cache when it can.
    fn regex(
        &mut self,
        pattern: Option<&str>,
    ) -> Result<Option<Arc<Regex>>, String> {
        let Some(pattern) = pattern.filter(|p| !p.is_empty()) else {
            return Ok(None);
        };
        if let Some(compiled) = self.regexes.get(pattern) {
            return compiled.clone().map(Some);
        }
        if self.regexes.len() >= REGEX_CACHE {
            self.regexes.clear();
        }
        let compiled =
            compile(Some(pattern)).map(|r| Arc::new(r.expect("a pattern")));
        self.regexes.insert(pattern.to_owned(), compiled.clone());
        compiled.map(Some)
    }
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("connects", &self.connects)
            .field("in_flight", &self.in_flight)
            .finish_non_exhaustive()
    }
}

/// `receive` compiled; an empty or absent one checks nothing (ldirectord
/// tests the body only when the string is not empty).
fn compile(pattern: Option<&str>) -> Result<Option<Regex>, String> {
    match pattern.filter(|p| !p.is_empty()) {
        None => Ok(None),
        // Without Unicode, as Perl matches a pattern on the bytes of an
        // answer: `\w`, `\d`, `\s` and case folding are ASCII, `.` is any
        // byte but a newline, and non-ASCII letters match their UTF-8 bytes.
        Some(p) => RegexBuilder::new(p)
            .unicode(false)
            .build()
            .map(Some)
            .map_err(|e| format!("invalid receive expression: {e}")),
    }
}

impl Job {
    async fn run(self) -> CheckOutcome {
        let start = Instant::now();
        let result = match self {
            Job::Done(result) => result,
            Job::Connect { addr, limit } => {
                bounded(limit, tcp::connect(addr)).await
            }
            Job::Http {
                addr,
                request,
                head,
                tls,
                receive,
                limit,
            } => {
                let check =
                    http::check(addr, &request, head, tls, receive.as_deref());
                bounded(limit, check).await
            }
            Job::SimpleTcp {
                addr,
                request,
                receive,
                limit,
            } => {
                bounded(limit, tcp::simple(addr, &request, receive.as_deref()))
                    .await
            }
            // It enforces its limit itself: the command must be killed.
            Job::External {
                command,
                args,
                limit,
            } => external::run(&command, &args, limit).await,
        };
        CheckOutcome {
            healthy: result.is_ok(),
            duration: start.elapsed(),
            error: result.err(),
        }
    }
}

/// `check` within `limit`, or `timed out`.
async fn bounded(
    limit: Duration,
    check: impl Future<Output = Result<(), String>>,
) -> Result<(), String> {
    match timeout(limit, check).await {
        Ok(result) => result,
        Err(_) => Err("timed out".into()),
    }
}

/// A socket error in a few words: the usual ones by name, others as the
/// system words them, without the errno.
pub(super) fn io_words(e: &io::Error) -> String {
    use io::ErrorKind::*;
    let words = match e.kind() {
        ConnectionRefused => "connection refused",
        ConnectionReset => "connection reset",
        ConnectionAborted => "connection aborted",
        HostUnreachable => "host unreachable",
        NetworkUnreachable => "network unreachable",
        TimedOut => "timed out",
        BrokenPipe => "connection closed",
        _ => {
            let text = e.to_string();
            return match text.find(" (os error") {
                Some(i) => text[..i].to_owned(),
                None => text,
            };
        }
    };
    words.to_owned()
}

/// Probes in flight at once: half the file descriptor limit, less some
/// for the rest of the process (a probe holds one socket).
fn in_flight_limit() -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit through a pointer to a valid,
    // writable rlimit and keeps no reference to it.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    let soft = if ok { limit.rlim_cur } else { 1024 };
    let soft = usize::try_from(soft).unwrap_or(usize::MAX);
    (soft.saturating_sub(256) / 2).clamp(64, 16_384)
}
