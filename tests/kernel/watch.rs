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
//!
//! ldirectord's packages are unpacked into the guest's writable overlay
//! from `target/ldirectord-debs` (`scripts/deps.sh ensure_ldirectord_debs`
//! downloads them on the host).

use std::fs;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::exec;
use crate::report::{Filter, Report};
use crate::watchkit::{
    NET_SCRIPT, REFERENCE, WORK, Web, classic, install_ldirectord, reach, row,
    service, table,
};

/// The names of the tests, in order.
pub(crate) const STEPS: [&str; 8] = [
    "watch/ldirectord fault cycle",
    "watch/ours fault cycle as ldirectord",
    "watch/json fault cycle as ldirectord",
    "watch/rules repair drift and cleanstop",
    "watch/broken file refused, nothing changed",
    "watch/metrics endpoint scraped during a fault",
    "watch/top --metrics marks the servers reported down",
    "watch/setup",
];

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
        report.run(STEPS[7], || Err(e));
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
        report.run(STEPS[6], || top(&mut web, ours));
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
    crate::netns::within("wlb", || exec::must(REFERENCE, &["-C"]))
        .map_err(|e| e.to_string())??;
    for i in 0..2 {
        web.content(i, &format!("debian11 rs{}\n", i + 1))?;
        web.start(i)?;
    }
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

/// Runs `steps` beside our supervisor serving its metrics on `endpoint`:
/// the table cleared, both web servers serving the receive string, issue
/// 14's configuration (`quiescent=no`) written to `WORK/name` and the
/// supervisor started on it in the load balancer's namespace. `steps` get
/// the web servers and the file; after them the supervisor must exit 0
/// on SIGTERM. rs2's web server is started again either way.
fn beside_supervisor(
    web: &mut Web,
    ours: &str,
    name: &str,
    endpoint: &str,
    steps: impl FnOnce(&mut Web, &str) -> Result<(), String>,
) -> Result<(), String> {
    crate::netns::within("wlb", || exec::must(REFERENCE, &["-C"]))
        .map_err(|e| e.to_string())??;
    for i in 0..2 {
        web.content(i, &format!("debian11 rs{}\n", i + 1))?;
        web.start(i)?;
    }
    let file = format!("{WORK}/{name}");
    fs::write(&file, classic("rr", "", "no")).map_err(|e| e.to_string())?;
    let mut child = spawn(
        "wlb",
        ours,
        &["--apply", &file, "--watch", "--metrics", endpoint],
    )?;
    let result = steps(web, &file).and_then(|()| {
        exec::must("kill", &["-TERM", &child.id().to_string()])?;
        if !wait(&mut child, Duration::from_secs(30))? {
            return Err("not status 0 after SIGTERM".to_string());
        }
        Ok(())
    });
    let _ = child.kill();
    let _ = child.wait();
    web.start(1)?;
    result
}

/// `--metrics` scraped with curl in the load balancer's namespace while
/// rs2's web server is stopped: rs2 is down with an error, rs1 up, the
/// output parses with prometheus_client, other paths get 404 and POST
/// 405, and only the address given is bound.
fn metrics(web: &mut Web, ours: &str) -> Result<(), String> {
    beside_supervisor(web, ours, "metrics.cf", "127.0.0.1:9100", |web, _| {
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
    })
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
    beside_supervisor(web, ours, "top.cf", endpoint, |web, file| {
        let (rs1, rs2) = ("10.2.1.242:80", "10.2.1.243:80");
        let limit = Duration::from_secs(30);
        reach(&service("rr", &[(rs1, 1), (rs2, 1)]), limit)?;
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
        reach(&service("rr", &[(rs1, 1)]), limit)?;
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
        reach(&service("rr", &[(rs1, 1), (rs2, 1)]), limit)?;
        top_until(ours, endpoint, |s| {
            marker(s, rs1) == Some("") && marker(s, rs2) == Some("")
        })?;
        // quiescent=yes, then rs2 stopped: in the table at weight 0,
        // marked down.
        thread::sleep(Duration::from_secs(1));
        fs::write(file, classic("rr", "", "yes")).map_err(|e| e.to_string())?;
        // Nothing to see in the table: give the reload time.
        thread::sleep(Duration::from_secs(10));
        web.stop(1);
        reach(&service("rr", &[(rs1, 1), (rs2, 0)]), limit)?;
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
    })
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
    let mut all = vec![
        "netns",
        "exec",
        "wlb",
        "curl",
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "--max-time",
        "5",
    ];
    all.extend_from_slice(args);
    let out = exec::run("ip", "ip", &strings(&all), None)?;
    Ok(out.stdout_text())
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
    let args = strings(&[
        "netns",
        "exec",
        "wlb",
        "curl",
        "-sf",
        "--max-time",
        "5",
        &url,
    ]);
    let start = Instant::now();
    loop {
        let out = exec::run("ip", "ip", &args, None)?;
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
