//! `--apply FILE --watch` against Debian's ldirectord in the same kernel:
//! issue 14's classic configuration, a client namespace, a load balancer
//! doing NAT and two real servers running busybox httpd. ldirectord goes
//! through the fault cycle first, then our supervisor; after each step the
//! table (`ipvsadm -Ln`, Debian's) must become the step's table, the one
//! the issue describes, for both: ldirectord reaching it is what makes it
//! the reference (waiting for a table rather than for a time keeps the
//! test steady under an emulated CPU, where ldirectord is slow). The JSON
//! form of the same configuration gets the same cycle; restore lines get drift repair; a
//! broken file is refused with `file:line` and nothing changed; the
//! `--metrics` endpoint, scraped with curl while a server is down, shows
//! it down with its error, and `--top --metrics` reading it marks that
//! server down (out of the table, then at weight 0 with `quiescent=yes`).
//! Two tests run our supervisor alone: 200 real
//! servers of which 20 accept and never answer (every healthy one still
//! checked each round), and a client whose requests are never refused
//! once a failure is detected.
//!
//! ldirectord's packages are unpacked into the guest's writable overlay
//! from `target/ldirectord-debs` (`scripts/deps.sh ensure_ldirectord_debs`
//! downloads them on the host).

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::exec;
use crate::report::{Filter, Report};
use crate::watchkit::{
    NET_SCRIPT, REFERENCE, WORK, Web, appears, classic, install_ldirectord,
    reach, row, service, service_at, table,
};

/// The names of the tests, in order.
pub(crate) const STEPS: [&str; 10] = [
    "watch/ldirectord fault cycle",
    "watch/ours fault cycle as ldirectord",
    "watch/json fault cycle as ldirectord",
    "watch/rules repair drift and cleanstop",
    "watch/broken file refused, nothing changed",
    "watch/metrics endpoint scraped during a fault",
    "watch/200 servers, 20 hanging: every healthy one checked each interval",
    "watch/traffic never refused once a failure is detected",
    "watch/top --metrics marks the servers reported down",
    "watch/setup",
];

/// The last octets of the real servers of the 200-server test, as
/// `watch-net.sh` gives them (10.2.1.N): those in wrs3 answer...
const HEALTHY: std::ops::RangeInclusive<u8> = 10..=189;
/// ...and those in wrs4 accept connections and never answer.
const HANGING: std::ops::RangeInclusive<u8> = 200..=219;
/// The virtual service of the 200-server test.
const FLEET_VIP: &str = "10.2.0.240:81";
/// Where the 200-server test's supervisor publishes its metrics, read
/// to explain a failure.
const FLEET_METRICS: &str = "127.0.0.1:9101";

/// The same as a JSON document.
const JSON: &str = r#"{"services": [{"protocol": "tcp",
  "address": "10.2.0.240", "port": 80, "scheduler": "rr",
  "check": {"type": "http", "request": "index.html", "receive": "debian11",
            "interval": 1, "connect_timeout": 3, "negotiate_timeout": 3},
  "fallback": {"address": "127.0.0.1", "port": 80, "forward": "masq"},
  "destinations": [
    {"address": "10.2.1.242", "port": 80, "forward": "masq"},
    {"address": "10.2.1.243", "port": 80, "forward": "masq"}]}]}"#;

/// Runs the tests of the group the filter selects (the setup once if it
/// selects any).
pub(crate) fn run(ours: &str, filter: &Filter, report: &mut Report) {
    if !STEPS.iter().any(|s| filter.matches(s)) {
        return;
    }
    let setup = install_ldirectord()
        .and_then(|()| fs::create_dir_all(WORK).map_err(|e| e.to_string()))
        .and_then(|()| exec::must("sh", &[NET_SCRIPT, "up"]).map(drop));
    if let Err(e) = setup {
        report.run(STEPS[9], || Err(e));
        let _ = exec::must("sh", &[NET_SCRIPT, "down"]);
        return;
    }
    let mut web = Web::new();
    let slow = Duration::from_secs(90);
    let limit = Duration::from_secs(20);
    if filter.matches(STEPS[0]) {
        report.run(STEPS[0], || {
            let cf = format!("{WORK}/ldirectord.cf");
            let start = |cf: &str| {
                spawn("wlb", "/usr/sbin/ldirectord", &["-d", cf, "start"])
            };
            cycle(&mut web, &cf, start, true, slow, Duration::from_secs(45))
        });
    }
    if filter.matches(STEPS[1]) {
        report.run(STEPS[1], || {
            let cf = format!("{WORK}/watch.cf");
            let start =
                |cf: &str| spawn("wlb", ours, &["--apply", cf, "--watch"]);
            cycle(&mut web, &cf, start, true, limit, limit)
        });
    }
    if filter.matches(STEPS[2]) {
        report.run(STEPS[2], || {
            let file = format!("{WORK}/watch.json");
            fs::write(&file, JSON).map_err(|e| e.to_string())?;
            let start =
                |f: &str| spawn("wlb", ours, &["--apply", f, "--watch"]);
            cycle(&mut web, &file, start, false, limit, limit)
        });
    }
    if filter.matches(STEPS[3]) {
        report.run(STEPS[3], || rules(ours));
    }
    if filter.matches(STEPS[4]) {
        report.run(STEPS[4], || broken(ours));
    }
    if filter.matches(STEPS[5]) {
        report.run(STEPS[5], || metrics(&mut web, ours));
    }
    if filter.matches(STEPS[6]) {
        report.run(STEPS[6], || fleet(ours));
    }
    if filter.matches(STEPS[7]) {
        report.run(STEPS[7], || never_refused(&mut web, ours));
    }
    if filter.matches(STEPS[8]) {
        report.run(STEPS[8], || top(&mut web, ours));
    }
    web.stop_all();
    let _ = exec::must("sh", &[NET_SCRIPT, "down"]);
}

/// `program ARGS` in namespace `ns`, in the background, its output in a
/// log file beside the configuration.
fn spawn(ns: &str, program: &str, args: &[&str]) -> Result<Child, String> {
    let log = fs::File::create(format!(
        "{WORK}/{}.log",
        program.rsplit('/').next().unwrap_or("x")
    ))
    .map_err(|e| e.to_string())?;
    let err = log.try_clone().map_err(|e| e.to_string())?;
    Command::new("ip")
        .args(["netns", "exec", ns, program])
        .args(args)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start {program}: {e}"))
}

/// Waits until the table differs from `before` and then holds still for
/// two seconds, or `limit` passes; the table then.
fn settle(before: &str, limit: Duration) -> Result<String, String> {
    let start = Instant::now();
    let mut last = table()?;
    let mut since = Instant::now();
    while start.elapsed() < limit {
        thread::sleep(Duration::from_millis(500));
        let now = table()?;
        if now != last {
            last = now;
            since = Instant::now();
        } else if last != before && since.elapsed() >= Duration::from_secs(2) {
            break;
        }
    }
    Ok(last)
}

/// `table` with every real server's connection counts 0, as [`row`]
/// writes them: the table to compare while traffic flows.
fn without_counters(table: String) -> String {
    table
        .lines()
        .map(
            |line| match line.split_whitespace().collect::<Vec<_>>()[..] {
                ["->", server, "Masq", weight, _, _] => {
                    row(server, weight.parse().unwrap_or(u32::MAX))
                }
                _ => format!("{line}\n"),
            },
        )
        .collect()
}

/// Empties the load balancer's table.
fn clear() -> Result<(), String> {
    crate::netns::within("wlb", || exec::must(REFERENCE, &["-C"]))
        .map_err(|e| e.to_string())?
        .map(drop)
}

/// One supervisor through the fault cycle: after each step the table must
/// become the step's table. With `edits`, the file is an ldirectord.cf
/// edited while running. `first` bounds the start (ldirectord, Perl under
/// an emulated CPU, takes long), `limit` every other step.
fn cycle(
    web: &mut Web,
    file: &str,
    start: impl Fn(&str) -> Result<Child, String>,
    edits: bool,
    first: Duration,
    limit: Duration,
) -> Result<(), String> {
    clear()?;
    web.start_both()?;
    if edits {
        fs::write(file, classic("rr", "", "no")).map_err(|e| e.to_string())?;
    }
    let mut supervisor = start(file)?;
    let (rs1, rs2, fallback) =
        ("10.2.1.242:80", "10.2.1.243:80", "127.0.0.1:80");
    // A step whose table is not reached is reported, and the cycle goes
    // on: the report then names every step that differs.
    let missed = std::cell::RefCell::new(Vec::new());
    let step = |name: &str, want: String, limit| {
        if let Err(e) = reach(&want, limit) {
            missed.borrow_mut().push(format!("after \"{name}\": {e}"));
        }
    };
    let result = (|| {
        step("start", service("rr", &[(rs1, 1), (rs2, 1)]), first);
        web.content(0, "nothing to see\n")?;
        step(
            "rs1 content without the receive string",
            service("rr", &[(rs2, 1)]),
            limit,
        );
        web.content(0, "debian11 rs1\n")?;
        step(
            "rs1 content back",
            service("rr", &[(rs1, 1), (rs2, 1)]),
            limit,
        );
        web.stop(1);
        step("rs2 stopped", service("rr", &[(rs1, 1)]), limit);
        web.stop(0);
        step(
            "every server down: fallback in",
            service("rr", &[(fallback, 1)]),
            limit,
        );
        web.start(0)?;
        web.start(1)?;
        step(
            "servers back: fallback out",
            service("rr", &[(rs1, 1), (rs2, 1)]),
            limit,
        );
        if edits {
            thread::sleep(Duration::from_secs(1));
            fs::write(file, classic("wlc", " 3", "no"))
                .map_err(|e| e.to_string())?;
            step(
                "edit: scheduler wlc, rs1 weight 3",
                service("wlc", &[(rs1, 3), (rs2, 1)]),
                limit,
            );
            thread::sleep(Duration::from_secs(1));
            fs::write(file, classic("wlc", " 3", "yes"))
                .map_err(|e| e.to_string())?;
            // Nothing to see in the table: give the reload time.
            thread::sleep(Duration::from_secs(10));
            step(
                "edit: quiescent=yes",
                service("wlc", &[(rs1, 3), (rs2, 1)]),
                limit,
            );
            web.stop(0);
            step(
                "quiescent: rs1 stopped",
                service("wlc", &[(rs1, 0), (rs2, 1)]),
                limit,
            );
            web.start(0)?;
            step(
                "quiescent: rs1 back",
                service("wlc", &[(rs1, 3), (rs2, 1)]),
                limit,
            );
        }
        exec::must("kill", &["-TERM", &supervisor.id().to_string()])?;
        if !wait(&mut supervisor, Duration::from_secs(30))? {
            return Err("the supervisor did not exit 0 on SIGTERM".to_string());
        }
        step("SIGTERM: cleanstop", String::new(), Duration::from_secs(2));
        Ok(())
    })();
    let _ = supervisor.kill();
    let _ = supervisor.wait();
    let missed = missed.into_inner();
    result.and_then(|()| {
        if missed.is_empty() {
            Ok(())
        } else {
            Err(missed.join("\n"))
        }
    })
}

/// Waits up to `limit` for `child`; whether it exited with status 0.
fn wait(child: &mut Child, limit: Duration) -> Result<bool, String> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Ok(status.success());
        }
        thread::sleep(Duration::from_millis(200));
    }
    Err("the supervisor did not exit within 20 s of SIGTERM".to_string())
}

/// Restore lines: the table is made, drift is repaired, cleanstop.
fn rules(ours: &str) -> Result<(), String> {
    let lb = |args: &[&str]| {
        crate::netns::within("wlb", || exec::must(REFERENCE, args))
            .map_err(|e| e.to_string())?
    };
    lb(&["-C"])?;
    let file = format!("{WORK}/watch.rules");
    fs::write(
        &file,
        "-A -t 10.2.0.240:80 -s rr\n\
         -a -t 10.2.0.240:80 -r 10.2.1.242:80 -m -w 1\n\
         -a -t 10.2.0.240:80 -r 10.2.1.243:80 -m -w 2\n",
    )
    .map_err(|e| e.to_string())?;
    // An entry of someone else's, which must stay.
    lb(&["-A", "-t", "10.2.0.240:443", "-s", "wlc"])?;
    let before = table()?;
    let mut child = spawn("wlb", ours, &["--apply", &file, "--watch"])?;
    let result = (|| {
        let made = settle(&before, Duration::from_secs(15))?;
        let want = format!(
            "TCP  10.2.0.240:80 rr\n{}{}",
            row("10.2.1.242:80", 1),
            row("10.2.1.243:80", 2)
        );
        if !made.contains(&want) || !made.contains("TCP  10.2.0.240:443 wlc") {
            return Err(format!("table after start:\n{made}"));
        }
        lb(&["-d", "-t", "10.2.0.240:80", "-r", "10.2.1.243:80"])?;
        lb(&[
            "-e",
            "-t",
            "10.2.0.240:80",
            "-r",
            "10.2.1.242:80",
            "-m",
            "-w",
            "9",
        ])?;
        let drifted = table()?;
        // The default interval is 10 s.
        let repaired = settle(&drifted, Duration::from_secs(25))?;
        if repaired != made {
            return Err(format!(
                "drift not repaired:\n{repaired}\nwanted\n{made}"
            ));
        }
        exec::must("kill", &["-TERM", &child.id().to_string()])?;
        if !wait(&mut child, Duration::from_secs(20))? {
            return Err("not status 0 after SIGTERM".to_string());
        }
        let after = table()?;
        if after.contains("10.2.0.240:80 ") || !after.contains("10.2.0.240:443")
        {
            return Err(format!("after SIGTERM:\n{after}"));
        }
        Ok(())
    })();
    let _ = child.kill();
    let _ = child.wait();
    result
}

/// A broken file at the start: status 2, `file:line`, table unchanged.
fn broken(ours: &str) -> Result<(), String> {
    let lb = |args: &[&str]| {
        crate::netns::within("wlb", || exec::must(REFERENCE, args))
            .map_err(|e| e.to_string())?
    };
    lb(&["-C"])?;
    lb(&["-A", "-t", "10.2.0.240:80", "-s", "rr"])?;
    let before = table()?;
    let file = format!("{WORK}/broken.cf");
    fs::write(
        &file,
        "checkinterval=1\nvirtual=10.2.0.240:80\n\treal=10.2.1.242:80 bridge\n",
    )
    .map_err(|e| e.to_string())?;
    let args: Vec<String> = ["--apply", &file, "--watch"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let out =
        crate::netns::within("wlb", || exec::run(ours, "ipvsadm", &args, None))
            .map_err(|e| e.to_string())??;
    let err = out.stderr_text();
    if out.status != "exit 2" || !err.contains(&format!("{file}:3: ")) {
        return Err(format!("{}, stderr {err:?}", out.status));
    }
    let after = table()?;
    if after != before {
        return Err(format!("table changed:\n{after}"));
    }
    lb(&["-C"]).map(drop)
}

/// `--metrics` scraped with curl in the load balancer's namespace while
/// rs2's web server is stopped: rs2 is down with an error, rs1 up, the
/// output parses with prometheus_client, other paths get 404 and POST
/// 405, and only the address given is bound.
fn metrics(web: &mut Web, ours: &str) -> Result<(), String> {
    let args = ["--metrics", "127.0.0.1:9100"];
    let result = with_classic(web, ours, "metrics", &args, |web| {
        let (rs1, rs2) = ("10.2.1.242:80", "10.2.1.243:80");
        let limit = Duration::from_secs(20);
        reach(&service("rr", &[(rs1, 1), (rs2, 1)]), limit)?;
        let all_up = scrape_until("/metrics", |t| {
            up_value(t, "10.2.1.242") == Some("1")
                && up_value(t, "10.2.1.243") == Some("1")
        })?;
        if !all_up.contains("ipvs_service_connections_total{") {
            return Err(format!("no service counters:\n{all_up}"));
        }
        web.stop(1);
        reach(&service("rr", &[(rs1, 1)]), limit)?;
        let text = scrape_until("/metrics", |t| {
            up_value(t, "10.2.1.243") == Some("0")
        })?;
        let bad = |what: &str| Err(format!("{what}:\n{text}"));
        if up_value(&text, "10.2.1.242") != Some("1") {
            return bad("rs1 not up");
        }
        let errors: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("ipvs_real_server_check_error{"))
            .collect();
        if errors.len() != 1
            || !errors[0].contains("server_address=\"10.2.1.243\"")
            || !errors[0].contains(",error=\"")
            || !errors[0].ends_with("} 1")
        {
            return bad("not exactly one error, rs2's");
        }
        // Up at the start, then down.
        let transitions = text.lines().find(|l| {
            l.starts_with("ipvs_real_server_transitions_total{")
                && l.contains("server_address=\"10.2.1.243\"")
        });
        if !transitions.is_some_and(|l| l.ends_with(" 2")) {
            return bad("rs2's transitions are not 2");
        }
        // rs2 is out of the table: no kernel counters for it.
        if text.lines().any(|l| {
            l.starts_with("ipvs_real_server_weight{")
                && l.contains("10.2.1.243")
        }) {
            return bad("rs2 has a weight, being out of the table");
        }
        let saved = format!("{WORK}/metrics.prom");
        fs::write(&saved, &text).map_err(|e| e.to_string())?;
        crate::visibility::parse(&[saved])?;
        for (args, want) in [
            (vec!["http://127.0.0.1:9100/foo"], "404"),
            (vec!["http://127.0.0.1:9100/"], "404"),
            (vec!["-X", "POST", "http://127.0.0.1:9100/metrics"], "405"),
            (vec!["http://10.2.0.1:9100/metrics"], "000"),
        ] {
            let code = curl_code(&args)?;
            if code != want {
                return Err(format!("curl {args:?}: {code}, not {want}"));
            }
        }
        Ok(())
    });
    web.start(1)?;
    result
}

/// `--top --metrics` in the load balancer's namespace beside a
/// supervisor serving its metrics, while rs2's web server is stopped:
/// with `quiescent=no` rs2 is out of the table and shown under its
/// service as a down row without numbers; once back it is not marked;
/// with `quiescent=yes` it stays in the table at weight 0, marked down.
/// rs1 is never marked. An endpoint nothing listens on gives a status
/// line in every snapshot and the snapshots go on.
fn top(web: &mut Web, ours: &str) -> Result<(), String> {
    let endpoint = "127.0.0.1:9101";
    let file = format!("{WORK}/top.cf");
    let args = ["--metrics", endpoint];
    let result = with_classic(web, ours, "top", &args, |web| {
        let (rs1, rs2) = ("10.2.1.242:80", "10.2.1.243:80");
        let limit = Duration::from_secs(30);
        settled(&service("rr", &[(rs1, 1), (rs2, 1)]), limit)?;
        let snap = top_until(ours, endpoint, |s| {
            marker(s, rs1) == Some("") && marker(s, rs2) == Some("")
        })?;
        if !snap.lines().next().is_some_and(|l| {
            l.ends_with(&format!(
                ", down servers from http://{endpoint}/metrics"
            ))
        }) {
            return Err(format!("no endpoint in the title:\n{snap}"));
        }
        web.stop(1);
        settled(&service("rr", &[(rs1, 1)]), limit)?;
        let snap = top_until(ours, endpoint, |s| {
            marker(s, rs2) == Some("down (not in table)")
        })?;
        let bad = |what: &str| Err(format!("{what}:\n{snap}"));
        if marker(&snap, rs1) != Some("") {
            return bad("rs1 marked");
        }
        // No numbers on the row of a server out of the table.
        if server_line(&snap, rs2).is_some_and(|l| {
            l.split_whitespace().collect::<Vec<_>>()
                != ["->", rs2, "masq", "down", "(not", "in", "table)"]
        }) {
            return bad("rs2's row out of the table has more than a marker");
        }
        if snap.contains(&format!("metrics {endpoint}:")) {
            return bad("a status line while the endpoint answers");
        }
        // rs2 back: no longer marked.
        web.start(1)?;
        settled(&service("rr", &[(rs1, 1), (rs2, 1)]), limit)?;
        top_until(ours, endpoint, |s| {
            marker(s, rs1) == Some("") && marker(s, rs2) == Some("")
        })?;
        // quiescent=yes, then rs2 stopped: in the table at weight 0,
        // marked down.
        thread::sleep(Duration::from_secs(1));
        fs::write(&file, classic("rr", "", "yes"))
            .map_err(|e| e.to_string())?;
        // Nothing to see in the table: give the reload time.
        thread::sleep(Duration::from_secs(10));
        web.stop(1);
        settled(&service("rr", &[(rs1, 1), (rs2, 0)]), limit)?;
        let snap =
            top_until(ours, endpoint, |s| marker(s, rs2) == Some("down"))?;
        let weight = server_line(&snap, rs2)
            .and_then(|l| l.split_whitespace().nth(3).map(str::to_owned));
        if weight.as_deref() != Some("0") || marker(&snap, rs1) != Some("") {
            return Err(format!(
                "quiescent rs2 not at weight 0 and down, or rs1 marked:\n{snap}"
            ));
        }
        // An endpoint nothing listens on: a status line, and on it goes.
        let closed = "127.0.0.1:9";
        let out = top_run(ours, closed)?;
        let status = format!("metrics {closed}: connection refused");
        let snapshots = complete_snapshots(&out);
        if snapshots.len() < 2
            || !snapshots.iter().all(|s| s.lines().any(|l| l == status))
            || marker(snapshots[0], rs2) != Some("drained")
        {
            return Err(format!("unreadable endpoint:\n{out}"));
        }
        Ok(())
    });
    web.start(1)?;
    result
}

/// Waits, as [`reach`] does, until the table is `want` but for the
/// connection counts: earlier tests' connections still count on real
/// servers that the kernel took back from its trash when re-added.
fn settled(want: &str, limit: Duration) -> Result<(), String> {
    appears(want, limit, Duration::from_secs(1), without_counters).map(drop)
}

/// `ipvsadm --top --metrics ENDPOINT` in the load balancer's namespace,
/// standard output not a terminal, for 5 s: what it printed.
fn top_run(ours: &str, endpoint: &str) -> Result<String, String> {
    let args = strings(&[
        "5",
        "ip",
        "netns",
        "exec",
        "wlb",
        ours,
        "--top",
        "--interval",
        "0.5",
        "--metrics",
        endpoint,
    ]);
    let out = exec::run("timeout", "timeout", &args, None)?;
    if !out.stderr.is_empty() {
        return Err(format!("--top wrote to stderr: {}", out.stderr_text()));
    }
    Ok(out.stdout_text())
}

/// The snapshots of `--top`'s output that were printed whole (each ends
/// with a blank line).
fn complete_snapshots(out: &str) -> Vec<&str> {
    out.split_inclusive("\n\n")
        .filter(|s| s.ends_with("\n\n"))
        .collect()
}

/// Runs `--top --metrics ENDPOINT` until its last whole snapshot
/// satisfies `ok` (or 30 s pass, as the supervisor publishes after its
/// round); that snapshot.
fn top_until(
    ours: &str,
    endpoint: &str,
    ok: impl Fn(&str) -> bool,
) -> Result<String, String> {
    let start = Instant::now();
    loop {
        let out = top_run(ours, endpoint)?;
        if let Some(last) = complete_snapshots(&out).last() {
            if ok(last) {
                return Ok(last.to_string());
            }
        }
        if start.elapsed() > Duration::from_secs(30) {
            return Err(format!("--top never showed it; last output:\n{out}"));
        }
        thread::sleep(Duration::from_millis(500));
    }
}

/// The snapshot line of real server `server`.
fn server_line<'a>(snapshot: &'a str, server: &str) -> Option<&'a str> {
    let arrow = format!("  -> {server} ");
    snapshot.lines().find(|l| l.starts_with(&arrow))
}

/// The marker after real server `server`'s line ("" for none: the line
/// ends with its share), `None` without the line.
fn marker<'a>(snapshot: &'a str, server: &str) -> Option<&'a str> {
    let line = server_line(snapshot, server)?;
    Some(match line.rfind("% ") {
        Some(at) if !line.ends_with('%') => &line[at + 2..],
        _ if line.ends_with('%') => "",
        _ => line.split_once("masq")?.1.trim(),
    })
}

/// curl in the load balancer's namespace: the HTTP status it got ("000"
/// when it could not connect).
fn curl_code(args: &[&str]) -> Result<String, String> {
    let mut all = vec!["-o", "/dev/null", "-w", "%{http_code}"];
    all.extend_from_slice(args);
    Ok(curl("wlb", "5", &all)?.stdout_text())
}

/// `curl -s --max-time SECS ARGS` in namespace `ns`.
fn curl(ns: &str, secs: &str, args: &[&str]) -> Result<exec::Outcome, String> {
    let mut all = vec!["netns", "exec", ns, "curl", "-s", "--max-time", secs];
    all.extend_from_slice(args);
    exec::run("ip", "ip", &strings(&all), None)
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

/// Scrapes `path` in the load balancer's namespace until `ok` holds of
/// the answer (or 20 s pass); the answer.
fn scrape_until(
    path: &str,
    ok: impl Fn(&str) -> bool,
) -> Result<String, String> {
    let url = format!("http://127.0.0.1:9100{path}");
    let start = Instant::now();
    loop {
        let out = curl("wlb", "5", &["-f", &url])?;
        let text = out.stdout_text();
        if out.success() && ok(&text) {
            return Ok(text);
        }
        if start.elapsed() > Duration::from_secs(20) {
            return Err(format!("{url}: {}, last answer:\n{text}", out.status));
        }
        thread::sleep(Duration::from_millis(500));
    }
}

/// The value of `ipvs_real_server_up` for the real server `addr`.
fn up_value<'a>(text: &'a str, addr: &str) -> Option<&'a str> {
    let label = format!("server_address=\"{addr}\"");
    text.lines()
        .find(|l| l.starts_with("ipvs_real_server_up{") && l.contains(&label))
        .and_then(|l| l.rsplit(' ').next())
}

/// Runs `test` with both web servers serving their pages and our
/// supervisor watching the classic configuration (written to
/// `WORK/NAME.cf`), given `args` besides; see [`supervised`].
fn with_classic<T>(
    web: &mut Web,
    ours: &str,
    name: &str,
    args: &[&str],
    test: impl FnOnce(&mut Web) -> Result<T, String>,
) -> Result<T, String> {
    clear()?;
    web.start_both()?;
    let file = format!("{WORK}/{name}.cf");
    fs::write(&file, classic("rr", "", "no")).map_err(|e| e.to_string())?;
    supervised(ours, &file, args, || test(web))
}

/// Runs `test` while our supervisor watches `file` in the load
/// balancer's namespace (with `args` besides); if it passes, SIGTERM must
/// then end the supervisor with status 0. The supervisor is killed in
/// any case. What `test` returns.
fn supervised<T>(
    ours: &str,
    file: &str,
    args: &[&str],
    test: impl FnOnce() -> Result<T, String>,
) -> Result<T, String> {
    let mut all = vec!["--apply", file, "--watch"];
    all.extend_from_slice(args);
    let mut child = spawn("wlb", ours, &all)?;
    let result = test().and_then(|value| {
        exec::must("kill", &["-TERM", &child.id().to_string()])?;
        if wait(&mut child, Duration::from_secs(30))? {
            Ok(value)
        } else {
            Err("not status 0 after SIGTERM".to_string())
        }
    });
    let _ = child.kill();
    let _ = child.wait();
    result
}

/// 200 real servers behind one service: 180 answer (a busybox httpd on
/// each address of wrs3, all serving one page) and 20 accept connections
/// and never answer (wrs4). The table must hold exactly the 180 soon
/// after the start, lose all of them soon after the page loses its
/// receive string, and get them back when it has it again.
fn fleet(ours: &str) -> Result<(), String> {
    clear()?;
    let dir = format!("{WORK}/fleet");
    let page = format!("{dir}/index.html");
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let write = |text: &str| fs::write(&page, text).map_err(|e| e.to_string());
    write("debian11 fleet\n")?;
    let mut hanging = None;
    let result = (|| {
        serve_fleet(&dir)?;
        hanging = Some(hang()?);
        let file = format!("{WORK}/fleet.cf");
        fs::write(&file, fleet_cf()).map_err(|e| e.to_string())?;
        let servers: Vec<String> =
            HEALTHY.map(|n| format!("10.2.1.{n}:80")).collect();
        let rows: Vec<(&str, u32)> =
            servers.iter().map(|s| (s.as_str(), 1)).collect();
        let all = service_at(FLEET_VIP, "rr", &rows);
        let none = service_at(FLEET_VIP, "rr", &[]);
        let args = ["--metrics", FLEET_METRICS];
        supervised(ours, &file, &args, || {
            // One round checks every server at once and lasts as long as
            // its slowest check: the hanging servers' checktimeout, 5 s
            // (3 s left too little room for 180 busybox forks under an
            // emulated CPU shared with other VMs). So every healthy server
            // is checked every 5 s, and a change shows in the table within
            // two rounds, about 10 s (6 s seen with 3 s). A checker that
            // waited for one server at a time would spend 20 × 5 = 100 s
            // a round, and as a hanging server follows each nine healthy
            // ones in the file (`fleet_cf`), at least 19 × 5 = 95 s
            // between checking the first and the last healthy server,
            // whatever the moment of the change: the bounds of 30 s (45 s
            // for the start) are well below that.
            let limit = Duration::from_secs(30);
            let step = |name: &str, want: &str, limit| {
                reach(want, limit).map_err(|e| {
                    format!("{name}: {e}check errors: {}", check_errors())
                })
            };
            step("at the start", &all, Duration::from_secs(45))?;
            write("nothing to see\n")?;
            step("page without debian11", &none, limit)?;
            write("debian11 fleet\n")?;
            step("page back", &all, limit)
        })
    })();
    if let Some(mut child) = hanging {
        let _ = child.kill();
        let _ = child.wait();
    }
    result.and(end_all("wrs3"))
}

/// The ldirectord.cf of the 200-server test: the classic checks, one
/// service with every server of `HEALTHY` and `HANGING`, one hanging
/// after each nine healthy.
fn fleet_cf() -> String {
    let mut text = format!(
        "checktimeout=5\ncheckinterval=1\nquiescent=no\n\n\
         virtual={FLEET_VIP}\n"
    );
    let mut hanging = HANGING;
    for (i, n) in HEALTHY.enumerate() {
        text.push_str(&format!("\treal=10.2.1.{n}:80 masq\n"));
        if i % 9 == 8 {
            if let Some(h) = hanging.next() {
                text.push_str(&format!("\treal=10.2.1.{h}:80 masq\n"));
            }
        }
    }
    for h in hanging {
        text.push_str(&format!("\treal=10.2.1.{h}:80 masq\n"));
    }
    text.push_str(
        "\tservice=http\n\tscheduler=rr\n\tprotocol=tcp\n\
         \tchecktype=negotiate\n\tcheckport=80\n\
         \trequest=\"index.html\"\n\treceive=\"debian11\"\n",
    );
    text
}

/// A busybox httpd on port 80 of each healthy address in wrs3, serving
/// `dir`; each goes to the background once it listens. One server an
/// address, as busybox listens with a backlog of 9: one server for all
/// 180 would drop some of a round's connections.
fn serve_fleet(dir: &str) -> Result<(), String> {
    let script = "d=$1; shift; for a; do \
                  busybox httpd -p \"$a:80\" -h \"$d\" || exit 1; done";
    let addresses: Vec<String> =
        HEALTHY.map(|n| format!("10.2.1.{n}")).collect();
    let mut args = vec!["netns", "exec", "wrs3", "sh", "-c", script, "sh", dir];
    args.extend(addresses.iter().map(String::as_str));
    exec::must("ip", &args).map(drop)
}

/// A listener on port 80 of every address of wrs4 that never accepts:
/// the kernel completes the handshakes into its queue, so a check
/// connects, sends its request and waits for an answer that never comes.
/// Returns it once it listens.
fn hang() -> Result<Child, String> {
    let ready = format!("{WORK}/hang.ready");
    let _ = fs::remove_file(&ready);
    let script = "import socket, sys, time\n\
                  s = socket.socket()\n\
                  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n\
                  s.bind(('', 80))\n\
                  s.listen(4096)\n\
                  open(sys.argv[1], 'w').close()\n\
                  time.sleep(86400)\n";
    let mut child = spawn("wrs4", "/usr/bin/python3", &["-c", script, &ready])?;
    let start = Instant::now();
    while !Path::new(&ready).exists() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            return Err("the hanging server did not listen within 30 s".into());
        }
        thread::sleep(Duration::from_millis(200));
    }
    Ok(child)
}

/// Ends every process of namespace `ns`.
fn end_all(ns: &str) -> Result<(), String> {
    let pids = exec::must("ip", &["netns", "pids", ns])?.stdout_text();
    for pid in pids.split_whitespace() {
        // One may have ended meanwhile.
        let _ = exec::must("kill", &[pid]);
    }
    Ok(())
}

/// One request of the client loop: when it started and ended, and the
/// body it got with status 200, or what went wrong.
struct Request {
    start: Instant,
    end: Instant,
    outcome: Result<String, String>,
}

/// The classic configuration under a client that requests
/// http://10.2.0.240/ ten times a second. rs2's web server stops; from the
/// moment the table shows rs2 removed ("detected"), every request must
/// get rs1's page (before it, those sent to rs2 are refused: IPVS alone
/// would refuse every other one for good). rs2 starts again; requests
/// still all succeed, and once it is back in the table they reach both.
fn never_refused(web: &mut Web, ours: &str) -> Result<(), String> {
    let log = Mutex::new(Vec::new());
    let stop = AtomicBool::new(false);
    let marks = with_classic(web, ours, "traffic", &[], |web| {
        let (rs1, rs2) = ("10.2.1.242:80", "10.2.1.243:80");
        let both = service("rr", &[(rs1, 1), (rs2, 1)]);
        reach(&both, Duration::from_secs(20))?;
        thread::scope(|s| {
            s.spawn(|| client(&log, &stop));
            let marks = phases(web, &log, &both);
            stop.store(true, Ordering::Relaxed);
            marks
        })
    });
    web.start(1)?;
    let (detected, restarted, back) = marks?;
    judge(&lock(&log), detected, restarted, back)
}

/// What `never_refused` does while the client runs: the moments rs2's
/// removal was seen, rs2 was started again and seen back.
fn phases(
    web: &mut Web,
    log: &Mutex<Vec<Request>>,
    both: &str,
) -> Result<(Instant, Instant, Instant), String> {
    let look = |name: &str, want: &str| {
        let (limit, every) =
            (Duration::from_secs(20), Duration::from_millis(250));
        appears(want, limit, every, without_counters)
            .map_err(|e| format!("{name}: {e}"))
    };
    let during = Duration::from_secs(120);
    web.stop(1);
    let rs1 = service("rr", &[("10.2.1.242:80", 1)]);
    let detected = look("rs2 stopped", &rs1)?;
    requests_after(log, detected, 40, during)?;
    let restarted = Instant::now();
    web.start(1)?;
    let back = look("rs2 started", both)?;
    requests_after(log, back, 20, during)?;
    Ok((detected, restarted, back))
}

/// Waits up to `limit` until `n` requests that started after `since`
/// have finished.
fn requests_after(
    log: &Mutex<Vec<Request>>,
    since: Instant,
    n: usize,
    limit: Duration,
) -> Result<(), String> {
    let start = Instant::now();
    while lock(log).iter().filter(|r| r.start > since).count() < n {
        if start.elapsed() > limit {
            return Err(format!(
                "fewer than {n} requests within {} s",
                limit.as_secs()
            ));
        }
        thread::sleep(Duration::from_millis(200));
    }
    Ok(())
}

/// The log of `never_refused` judged: every request that started after
/// `detected` succeeded, those that ended before `restarted` with rs1's
/// page (rs2 was not even running), and those that started after `back`
/// reached both servers.
fn judge(
    log: &[Request],
    detected: Instant,
    restarted: Instant,
    back: Instant,
) -> Result<(), String> {
    let after = |t: Instant| log.iter().filter(move |r| r.start > t);
    let at = |r: &Request| {
        format!(
            "request at {:+.1} s from the detection",
            r.start.duration_since(detected).as_secs_f64()
        )
    };
    let mut wrong = Vec::new();
    for r in after(detected) {
        match &r.outcome {
            Err(e) => wrong.push(format!("{}: {e}", at(r))),
            Ok(body) if r.end < restarted && body != "debian11 rs1\n" => {
                wrong.push(format!("{}: {body:?} with rs2 out", at(r)));
            }
            Ok(_) => {}
        }
    }
    for page in ["debian11 rs1\n", "debian11 rs2\n"] {
        if !after(back).any(|r| r.outcome.as_deref() == Ok(page)) {
            wrong.push(format!("none got {page:?} once rs2 was back"));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        let before: Vec<&Request> =
            log.iter().filter(|r| r.start <= detected).collect();
        let refused = before.iter().filter(|r| r.outcome.is_err()).count();
        Err(format!(
            "{} requests, {} before the detection ({refused} failed):\n{}",
            log.len(),
            before.len(),
            wrong.join("\n")
        ))
    }
}

/// The client of `never_refused`: from namespace wclient, a GET of
/// http://10.2.0.240/ every tenth of a second (on this thread, in the
/// test's process: a program started for each would take a second or
/// more under the emulated CPU) until `stop`, each logged.
fn client(log: &Mutex<Vec<Request>>, stop: &AtomicBool) {
    let vip = SocketAddr::from(([10, 2, 0, 240], 80));
    let entered = crate::netns::within("wclient", || {
        while !stop.load(Ordering::Relaxed) {
            let start = Instant::now();
            let outcome = get(vip);
            let end = Instant::now();
            lock(log).push(Request {
                start,
                end,
                outcome,
            });
            thread::sleep(Duration::from_millis(100));
        }
    });
    if let Err(e) = entered {
        let now = Instant::now();
        lock(log).push(Request {
            start: now,
            end: now,
            outcome: Err(format!("cannot enter wclient: {e}")),
        });
    }
}

/// An HTTP/1.0 GET of / from `addr`, each step limited to 2 s: the body
/// if the status is 200, else what went wrong.
fn get(addr: SocketAddr) -> Result<String, String> {
    let limit = Duration::from_secs(2);
    let words = |e: std::io::Error| e.to_string();
    let mut stream = TcpStream::connect_timeout(&addr, limit).map_err(words)?;
    stream.set_read_timeout(Some(limit)).map_err(words)?;
    stream.set_write_timeout(Some(limit)).map_err(words)?;
    stream
        .write_all(b"GET / HTTP/1.0\r\nHost: 10.2.0.240\r\n\r\n")
        .map_err(words)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(words)?;
    let answer = String::from_utf8_lossy(&answer);
    match answer.split_once("\r\n\r\n") {
        Some((head, body)) if head.split(' ').nth(1) == Some("200") => {
            Ok(body.to_string())
        }
        _ => Err(format!("answer {answer:?}")),
    }
}

/// The log, even if a thread panicked holding it.
fn lock(log: &Mutex<Vec<Request>>) -> std::sync::MutexGuard<'_, Vec<Request>> {
    log.lock().unwrap_or_else(|e| e.into_inner())
}

/// The check errors the 200-server test's supervisor publishes, each
/// with the number of servers that have it, to explain a failure.
fn check_errors() -> String {
    let url = format!("http://{FLEET_METRICS}/metrics");
    let text = match curl("wlb", "5", &[&url]) {
        Ok(out) => out.stdout_text(),
        Err(e) => return e,
    };
    let mut counts = std::collections::BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| l.starts_with("ipvs_real_server_check_error{"))
    {
        let error = line
            .split_once(",error=\"")
            .and_then(|(_, rest)| rest.split_once("\"}"))
            .map_or(line, |(error, _)| error);
        *counts.entry(error).or_insert(0) += 1;
    }
    counts
        .iter()
        .map(|(error, n)| format!("{n} × {error:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}
