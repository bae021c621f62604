//! The supervisor scenarios of issue 14: ours (`--apply FILE --watch`)
//! against Debian's ldirectord on the same ldirectord.cf, each started
//! once per scenario (ldirectord, Perl under an emulated CPU, takes
//! minutes to start at scale) and measured over several rounds.
//!
//! - CPU: 1,000 services × 4 real servers, connect checks every second.
//!   The real servers are 4,000 addresses on `lo` of one namespace behind
//!   a router hop (one neighbour entry for all of them), served by one
//!   accepting socket of this process, which counts the connections: the
//!   checks per second tell how long a round of 4,000 checks takes. A
//!   round is one window of wall time over which the supervisor's CPU
//!   (`utime + stime + cutime + cstime` of `/proc/PID/stat`: its threads
//!   and the children it reaped, such as ldirectord's ipvsadm) is read.
//! - Failure: issue 14's classic configuration on `watch-net.sh`'s
//!   network; with the table full, rs2's web server is killed (refused)
//!   or stopped with SIGSTOP (hanging: connections complete, no answer)
//!   at T0, and Debian's `ipvsadm -Ln` polls the table until rs2 is gone
//!   at T1 (the end of that poll; the poll's own time is the resolution).

use std::fmt::Write as _;
use std::fs;
use std::net::TcpListener;
use std::os::fd::AsRawFd;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::exec;
use crate::netns;
use crate::scenario::Tools;
use crate::watchkit::{
    NET_SCRIPT, WORK, Web, body, classic, install_ldirectord, reach, service,
};

const LDIRECTORD: &str = "/usr/sbin/ldirectord";

/// The CPU scenario's name.
pub(crate) const CPU: &str =
    "supervisor CPU, 1000 services × 4 connect checks every 1 s";
/// The failure scenario's name.
pub(crate) const FAILURE: &str = "supervisor failure to table change";

const SERVICES: usize = 1000;
const REALS: usize = 4;
/// The wall time of one CPU round.
const WINDOW: Duration = Duration::from_secs(20);
/// How long a supervisor may take to reach the full 4,000 servers.
const FULL_LIMIT: Duration = Duration::from_secs(150);

/// One measured quantity, each round's value for both supervisors.
pub(crate) struct Row {
    name: String,
    unit: &'static str,
    ldirectord: Vec<f64>,
    ours: Vec<f64>,
    /// What the row must show, in words ("" for information only).
    target: &'static str,
    note: String,
}

/// The rows of the scenario `name` (one of [`CPU`], [`FAILURE`]).
pub(crate) fn run(
    name: &str,
    tools: &Tools,
    rounds: usize,
) -> Result<Vec<Row>, String> {
    install_ldirectord()?;
    fs::create_dir_all(WORK).map_err(|e| e.to_string())?;
    if name == CPU {
        let result = cpu(tools, rounds);
        let _ = exec::must("ip", &["netns", "del", "slb"]);
        let _ = exec::must("ip", &["netns", "del", "srs"]);
        result
    } else {
        exec::must("sh", &[NET_SCRIPT, "up"])?;
        let mut web = Web::new();
        let result = failure(tools, rounds, &mut web);
        web.stop_all();
        let _ = exec::must("sh", &[NET_SCRIPT, "down"]);
        result
    }
}

/// The nth address of `10.first.0.0/16`, skipping .0 and .255.
fn address(first: u8, n: usize) -> String {
    format!("10.{first}.{}.{}", n / 250, n % 250 + 1)
}

/// The ldirectord.cf of the CPU scenario, logging to `log`.
fn cpu_config(log: &str) -> String {
    let mut cf = format!(
        "checktimeout=3\ncheckinterval=1\nquiescent=no\nsupervised=yes\n\
         logfile=\"{log}\"\n\n"
    );
    for s in 0..SERVICES {
        let _ = writeln!(cf, "virtual={}:80", address(7, s));
        for r in 0..REALS {
            let _ =
                writeln!(cf, "\treal={}:80 masq", address(6, s * REALS + r));
        }
        cf.push_str("\tscheduler=rr\n\tprotocol=tcp\n\tchecktype=connect\n\n");
    }
    cf
}

/// The load balancer `slb` and the real servers' namespace `srs`:
/// `slb` 10.5.0.1 --veth-- 10.5.0.2 `srs`, 10.6.0.0/16 routed to `srs`,
/// where the 4,000 addresses are on `lo`.
fn cpu_network() -> Result<(), String> {
    for ns in ["slb", "srs"] {
        exec::must("ip", &["netns", "add", ns])?;
    }
    exec::must(
        "ip",
        &[
            "link", "add", "s0", "netns", "slb", "type", "veth", "peer",
            "name", "s1", "netns", "srs",
        ],
    )?;
    let lb = "link set lo up\naddr add 10.5.0.1/30 dev s0\nlink set s0 up\n\
              route add 10.6.0.0/16 via 10.5.0.2\n";
    let mut rs = "link set lo up\naddr add 10.5.0.2/30 dev s1\n\
                  link set s1 up\nroute add default via 10.5.0.1\n"
        .to_string();
    for n in 0..SERVICES * REALS {
        let _ = writeln!(rs, "addr add {}/32 dev lo", address(6, n));
    }
    for (ns, batch) in [("slb", lb.to_string()), ("srs", rs)] {
        let file = format!("{WORK}/{ns}.batch");
        fs::write(&file, batch).map_err(|e| e.to_string())?;
        exec::must("ip", &["-n", ns, "-batch", &file])?;
    }
    Ok(())
}

/// One socket on port 80 of `srs` accepting and closing every connection
/// on a thread of its own; the number accepted so far.
fn acceptor() -> Result<Arc<AtomicU64>, String> {
    let listener = netns::within("srs", || TcpListener::bind("0.0.0.0:80"))
        .map_err(|e| format!("srs: {e}"))?
        .map_err(|e| format!("srs port 80: {e}"))?;
    // SAFETY: listen(2) on a listening socket only resizes its backlog.
    unsafe { libc::listen(listener.as_raw_fd(), 4096) };
    let count = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&count);
    thread::spawn(move || {
        for conn in listener.incoming() {
            if conn.is_ok() {
                seen.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    Ok(count)
}

/// `program args` started in namespace `ns`, its output to `log`.
fn start(
    ns: &str,
    program: &str,
    args: &[&str],
    log: &str,
) -> Result<Child, String> {
    let out = fs::File::create(log).map_err(|e| format!("{log}: {e}"))?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    netns::within(ns, || {
        Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
    })
    .map_err(|e| format!("{ns}: {e}"))?
    .map_err(|e| format!("cannot start {program}: {e}"))
}

/// Supervisor `which` (0 ldirectord, 1 ours) on the configuration
/// `cf`: its name, program and arguments.
fn supervisor<'a>(
    which: usize,
    tools: &Tools<'a>,
    cf: &'a str,
) -> (&'static str, &'a str, Vec<&'a str>) {
    if which == 0 {
        ("ldirectord", LDIRECTORD, vec![cf, "start"])
    } else {
        ("ours", tools.ours, vec!["--apply", cf, "--watch"])
    }
}

/// Kills a supervisor (SIGKILL: ldirectord's SIGTERM would remove its
/// services one ipvsadm at a time) and empties `ns`'s table.
fn finish(mut child: Child, ns: &str, ours: &str) -> Result<(), String> {
    let _ = child.kill();
    let _ = child.wait();
    netns::within(ns, || exec::must(ours, &["-C"]))
        .map_err(|e| e.to_string())?
        .map(drop)
}

/// The numbers of services and of real servers in `ns`'s table (our
/// `-Ln`, the quicker).
fn table_size(ns: &str, ours: &str) -> Result<(usize, usize), String> {
    let out = netns::within(ns, || {
        exec::run(ours, "ipvsadm", &["-Ln".to_string()], None)
    })
    .map_err(|e| e.to_string())??;
    let text = out.stdout_text();
    let count = |prefix: &str| {
        text.lines()
            .filter(|l| l.starts_with(prefix) && !l.contains("RemoteAddress"))
            .count()
    };
    Ok((count("TCP "), count("  ->")))
}

/// CPU time so far (user, system; ms) of process `pid`, with its reaped
/// children's.
fn cpu_ms(pid: u32) -> Result<(f64, f64), String> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|e| format!("/proc/{pid}/stat: {e}"))?;
    // The fields after the command's closing parenthesis, from state (3):
    // utime, stime, cutime, cstime are fields 14 to 17.
    let fields: Vec<f64> = stat
        .rsplit_once(')')
        .map(|(_, rest)| {
            rest.split_whitespace()
                .map(|f| f.parse().unwrap_or(0.0))
                .collect()
        })
        .unwrap_or_default();
    let [user, sys, child_user, child_sys] = fields
        .get(11..15)
        .and_then(|f| <[f64; 4]>::try_from(f).ok())
        .ok_or_else(|| format!("short /proc/{pid}/stat"))?;
    // SAFETY: sysconf only reads a constant of the system.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    Ok(((user + child_user) * 1e3 / hz, (sys + child_sys) * 1e3 / hz))
}

/// What one window of a supervisor measured.
struct Window {
    /// CPU ms per second of wall time, and of it system time.
    cpu: f64,
    sys: f64,
    /// Seconds a round of 4,000 checks takes, and its CPU ms (infinite
    /// when no check reached the real servers).
    round: f64,
    per_round: f64,
}

/// Each supervisor started once on the 1,000 × 4 file; after it reached
/// the full table (or [`FULL_LIMIT`] passed), `rounds` windows.
fn cpu(tools: &Tools, rounds: usize) -> Result<Vec<Row>, String> {
    cpu_network()?;
    let accepted = acceptor()?;
    let mut windows: [Vec<Window>; 2] = [Vec::new(), Vec::new()];
    let mut notes = Vec::new();
    for (which, samples) in windows.iter_mut().enumerate() {
        let name = if which == 0 { "ldirectord" } else { "ours" };
        let cf = format!("{WORK}/cpu-{name}.cf");
        let log = format!("{WORK}/cpu-{name}.log");
        let _ = fs::remove_file(&log);
        fs::write(&cf, cpu_config(&log)).map_err(|e| e.to_string())?;
        let (name, program, args) = supervisor(which, tools, &cf);
        eprintln!("bench: {CPU}: starting {name}");
        let started = Instant::now();
        let out = format!("{WORK}/cpu-{name}.out");
        let child = start("slb", program, &args, &out)?;
        let pid = child.id();
        let result = (|| {
            let full = SERVICES * REALS;
            let mut size = (0, 0);
            while size.1 < full && started.elapsed() < FULL_LIMIT {
                thread::sleep(Duration::from_secs(5));
                size = table_size("slb", tools.ours)?;
            }
            let after = started.elapsed().as_secs_f64();
            let note = format!(
                "{name} had {} services and {} real servers {after:.0} s \
                 after its start{}",
                size.0,
                size.1,
                if size.1 == full { "" } else { " (measured so)" }
            );
            eprintln!("bench: {note}");
            notes.push(note);
            // A few intervals more for the first full round to end.
            thread::sleep(Duration::from_secs(3));
            for _ in 0..rounds {
                samples.push(window(pid, &accepted)?);
            }
            let (services, reals) = table_size("slb", tools.ours)?;
            notes.push(format!(
                "{name} at the end: {services} services, {reals} real servers"
            ));
            Ok::<(), String>(())
        })();
        finish(child, "slb", tools.ours)?;
        result?;
    }
    let row = |what: &str, unit, f: fn(&Window) -> f64, target, note| {
        let column = |w: &[Window]| w.iter().map(f).collect::<Vec<f64>>();
        Row {
            name: format!("{CPU}: {what}"),
            unit,
            ldirectord: column(&windows[0]),
            ours: column(&windows[1]),
            target,
            note,
        }
    };
    Ok(vec![
        row(
            "CPU per 1 s interval",
            "ms",
            |w| w.cpu,
            "ours ≥ 10× less",
            notes.join("; "),
        ),
        row("of which system time", "ms", |w| w.sys, "", String::new()),
        row(
            "time a round of 4000 checks takes",
            "s",
            |w| w.round,
            "",
            "from the checks accepted per second (inf: none)".to_string(),
        ),
        row(
            "CPU per round of 4000 checks",
            "ms",
            |w| w.per_round,
            "",
            String::new(),
        ),
    ])
}

/// One window of [`WINDOW`] of the supervisor `pid`.
fn window(pid: u32, accepted: &AtomicU64) -> Result<Window, String> {
    let total = (SERVICES * REALS) as f64;
    let (cpu0, checks0) = (cpu_ms(pid)?, accepted.load(Ordering::Relaxed));
    let t0 = Instant::now();
    thread::sleep(WINDOW);
    let (cpu1, checks1) = (cpu_ms(pid)?, accepted.load(Ordering::Relaxed));
    let secs = t0.elapsed().as_secs_f64();
    let (user, sys) = (cpu1.0 - cpu0.0, cpu1.1 - cpu0.1);
    let checks = (checks1 - checks0) as f64;
    let per_check = |x: f64| {
        if checks > 0.0 {
            x * total / checks
        } else {
            f64::INFINITY
        }
    };
    Ok(Window {
        cpu: (user + sys) / secs,
        sys: sys / secs,
        round: per_check(secs),
        per_round: per_check(user + sys),
    })
}

/// Issue 14's classic file for supervisor `name`, in the foreground and
/// logging to a file (both supervisors read the same text).
fn failure_config(name: &str) -> String {
    format!(
        "supervised=yes\nlogfile=\"{WORK}/failure-{name}.log\"\n{}",
        classic("rr", "", "no")
    )
}

/// Each supervisor started once on the classic file; `rounds` times rs2
/// refused (its httpd killed) and then hanging (SIGSTOP), the time until
/// the table drops it, and the server restored until the table is full.
fn failure(
    tools: &Tools,
    rounds: usize,
    web: &mut Web,
) -> Result<Vec<Row>, String> {
    let (rs1, rs2) = ("10.2.1.242:80", "10.2.1.243:80");
    let full = service("rr", &[(rs1, 1), (rs2, 1)]);
    let without = service("rr", &[(rs1, 1)]);
    for i in 0..2 {
        web.content(i, &format!("debian11 rs{}\n", i + 1))?;
        web.start(i)?;
    }
    // [refused, hanging] per supervisor, and every poll's own time.
    let mut latency = [[Vec::new(), Vec::new()], [Vec::new(), Vec::new()]];
    let mut polls = Vec::new();
    for (which, kinds) in latency.iter_mut().enumerate() {
        let name = if which == 0 { "ldirectord" } else { "ours" };
        let cf = format!("{WORK}/failure-{name}.cf");
        fs::write(&cf, failure_config(name)).map_err(|e| e.to_string())?;
        let (name, program, args) = supervisor(which, tools, &cf);
        eprintln!("bench: {FAILURE}: {name}");
        let out = format!("{WORK}/failure-{name}.out");
        let child = start("wlb", program, &args, &out)?;
        let result = (|| {
            reach(&full, Duration::from_secs(120))?;
            for _ in 0..rounds {
                for (hang, samples) in kinds.iter_mut().enumerate() {
                    thread::sleep(Duration::from_secs(2));
                    let t0 = Instant::now();
                    if hang == 1 {
                        web.signal(1, "STOP")?;
                    } else {
                        web.stop(1);
                    }
                    loop {
                        let poll = Instant::now();
                        if body()? == without {
                            break;
                        }
                        polls.push(poll.elapsed().as_secs_f64() * 1e3);
                        if t0.elapsed() > Duration::from_secs(60) {
                            return Err(format!("{name} kept rs2 for 60 s"));
                        }
                        thread::sleep(Duration::from_millis(100));
                    }
                    samples.push(t0.elapsed().as_secs_f64() * 1e3);
                    if hang == 1 {
                        web.signal(1, "CONT")?;
                    } else {
                        web.start(1)?;
                    }
                    reach(&full, Duration::from_secs(60))?;
                }
            }
            Ok::<(), String>(())
        })();
        finish(child, "wlb", tools.ours)?;
        result?;
    }
    let note = format!(
        "T1 is the end of the first poll without rs2; a poll (Debian's \
         ipvsadm -Ln) took {:.0} ms (median), then 100 ms of sleep",
        median(&polls)
    );
    let [[ld_refused, ld_hanging], [ours_refused, ours_hanging]] = latency;
    let target = "≤ 5000 ms and ≤ ldirectord's";
    Ok(vec![
        Row {
            name: format!("{FAILURE}: rs2 refuses (httpd killed)"),
            unit: "ms",
            ldirectord: ld_refused,
            ours: ours_refused,
            target,
            note: note.clone(),
        },
        Row {
            name: format!("{FAILURE}: rs2 hangs (httpd stopped)"),
            unit: "ms",
            ldirectord: ld_hanging,
            ours: ours_hanging,
            target,
            note,
        },
    ])
}

fn median(samples: &[f64]) -> f64 {
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

impl Row {
    fn value(&self, x: f64) -> String {
        match self.unit {
            "s" => format!("{x:.1} s"),
            unit => format!("{x:.0} {unit}"),
        }
    }

    fn each(&self, samples: &[f64]) -> String {
        let shown: Vec<String> =
            samples.iter().map(|&x| self.value(x)).collect();
        shown.join(", ")
    }

    /// ldirectord's median over ours.
    fn ratio(&self) -> f64 {
        median(&self.ldirectord) / median(&self.ours)
    }
}

/// The supervisor rows as a markdown table.
pub(crate) fn markdown(rows: &[Row]) -> String {
    let mut t = String::from(
        "| measurement | ldirectord | ours | ratio | target \
         | ldirectord, each round | ours, each round | notes |\n\
         | --- | ---: | ---: | ---: | --- | --- | --- | --- |\n",
    );
    for r in rows {
        let _ = writeln!(
            t,
            "| {} | {} | {} | {:.1}× | {} | {} | {} | {} |",
            r.name,
            r.value(median(&r.ldirectord)),
            r.value(median(&r.ours)),
            r.ratio(),
            r.target,
            r.each(&r.ldirectord),
            r.each(&r.ours),
            r.note,
        );
    }
    t.push_str(
        "\nMedians of the rounds; ratio = ldirectord's median / ours. Each \
         supervisor started once per scenario (see docs/performance.md).\n",
    );
    t
}

/// The supervisor rows as the JSON member `"supervisor": [...]`, with a
/// leading comma; "" when there are none.
pub(crate) fn json(rows: &[Row]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    // JSON has no infinity: a round without checks is null.
    let number = |x: f64| {
        if x.is_finite() {
            format!("{x:.1}")
        } else {
            "null".to_string()
        }
    };
    let list = |v: &[f64]| {
        let items: Vec<String> = v.iter().map(|&x| number(x)).collect();
        format!("[{}]", items.join(", "))
    };
    let mut t = String::from(",\n  \"supervisor\": [");
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(
            t,
            "{}\n    {{\"measurement\": \"{}\", \"unit\": \"{}\",\n     \
             \"ldirectord\": {{\"median\": {}, \"rounds\": {}}},\n     \
             \"ours\": {{\"median\": {}, \"rounds\": {}}},\n     \
             \"ratio\": {}, \"target\": \"{}\", \"note\": \"{}\"}}",
            if i == 0 { "" } else { "," },
            r.name,
            r.unit,
            number(median(&r.ldirectord)),
            list(&r.ldirectord),
            number(median(&r.ours)),
            list(&r.ours),
            number(r.ratio()),
            r.target,
            r.note.replace('"', "'"),
        );
    }
    t.push_str("\n  ]");
    t
}
