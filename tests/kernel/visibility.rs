//! Metrics and the live view on the real kernel, in the network of the
//! walk-through (`walkthrough-net.sh`): `--format prometheus` in every
//! view with numbers, parsed by prometheus_client's text parser while
//! traffic flows; `--all-netns` over several namespaces, one of which is
//! not a namespace; `--top` as a plain snapshot and driven in tmux.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::beyond::validate;
use crate::exec::{self, Outcome};
use crate::netns;
use crate::report::{Filter, Report};
use crate::walkthrough::{NET_SCRIPT, requests};

const PARSER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/kernel/parse-prometheus.py"
);
/// Where outputs are written in the guest.
const WORK: &str = "/tmp/ipvsadm-visibility";
/// A file under /run/netns that is no namespace.
const BAD_NETNS: &str = "/run/netns/zz-not-a-namespace";
/// A namespace where Docker keeps those of its containers and networks
/// (the name of Swarm's ingress load balancer's).
const DOCKER_NETNS: &str = "/run/docker/netns/ingress_sbox";

/// The names of the tests, in order.
pub(crate) const STEPS: [&str; 3] = [
    "visibility/prometheus in every view with traffic",
    "visibility/all-netns with an unreadable namespace",
    "visibility/top snapshot and tmux",
];

/// IPv4 web service with traffic, an IPv6 and a fwmark service, and an
/// SCTP service whose real server is SCTP too.
const TABLE: &str = "\
-A -t 10.0.1.100:80 -s rr
-a -t 10.0.1.100:80 -r 10.0.2.11:80 -m -w 1 -x 100 -y 10
-a -t 10.0.1.100:80 -r 10.0.2.12:80 -m -w 1
-A -t [fd00::100]:80 -s wlc
-a -t [fd00::100]:80 -r [fd00::11]:80 -m -w 2
-A -f 7 -s rr
-a -f 7 -r 10.0.2.11:0 -g -w 1
-A --sctp-service 10.0.1.100:3868 -s rr
-a --sctp-service 10.0.1.100:3868 -r 10.0.2.12:3868 -m -w 1
";

type Test = fn(&str) -> Result<(), String>;

pub(crate) fn run(ours: &str, filter: &Filter, report: &mut Report) {
    if !STEPS.iter().any(|s| filter.matches(s)) {
        return;
    }
    if let Err(e) = exec::must("sh", &[NET_SCRIPT, "up"]) {
        report.run("visibility/network setup", || Err(e));
        let _ = exec::must("sh", &[NET_SCRIPT, "down"]);
        return;
    }
    let _ = std::fs::create_dir_all(WORK);
    let tests: [Test; 3] = [prometheus_views, all_netns, top];
    for (name, test) in STEPS.iter().zip(tests) {
        if filter.matches(name) {
            report.run(name, || {
                lb(ours, &["-C"], None)?;
                lb(ours, &["-R"], Some(TABLE))?;
                test(ours)
            });
        }
    }
    let _ = lb(ours, &["-C"], None);
    let _ = std::fs::remove_file(BAD_NETNS);
    if let Err(e) = exec::must("sh", &[NET_SCRIPT, "down"]) {
        report.run("visibility/network teardown", || Err(e));
    }
}

/// `ipvsadm --netns lb ARGS`, which must succeed without a message.
fn lb(
    ours: &str,
    args: &[&str],
    stdin: Option<&str>,
) -> Result<String, String> {
    let mut all = vec!["--netns", "lb"];
    all.extend_from_slice(args);
    let out = ipvsadm(ours, &all, stdin)?;
    if out.success() && out.stderr.is_empty() {
        Ok(out.stdout_text())
    } else {
        Err(failed(&all, &out))
    }
}

fn ipvsadm(
    ours: &str,
    args: &[&str],
    stdin: Option<&str>,
) -> Result<Outcome, String> {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    exec::run(ours, "ipvsadm", &args, stdin.map(str::as_bytes))
}

fn failed(args: &[&str], out: &Outcome) -> String {
    format!(
        "`ipvsadm {}` gave {}\nstdout: {}\nstderr: {}",
        args.join(" "),
        out.status,
        out.stdout_text(),
        out.stderr_text()
    )
}

/// Parses files with prometheus_client (in virtme-ng's venv, installed by
/// scripts/deps.sh); for each file its families by name. Like the JSON
/// validation, it runs without `exec`'s time limit (the import is slow
/// under emulation).
pub(crate) fn parse(files: &[String]) -> Result<Value, String> {
    let python = ["/opt/vng/bin/python3", "/usr/bin/python3"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .ok_or("no python3")?;
    let out = Command::new(python)
        .arg(PARSER)
        .args(files)
        .env_clear()
        .env("PATH", exec::CLEAN_PATH)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "prometheus_client refused the output ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())
}

/// The samples of a family whose labels include every pair of `labels`.
fn samples<'a>(
    file: &'a Value,
    family: &str,
    labels: &[(&str, &str)],
) -> Vec<&'a Value> {
    let Some(list) = file[family]["samples"].as_array() else {
        return Vec::new();
    };
    list.iter()
        .filter(|s| labels.iter().all(|(k, v)| s[1][*k].as_str() == Some(*v)))
        .collect()
}

/// The one value of a family for these labels.
fn value(
    file: &Value,
    family: &str,
    labels: &[(&str, &str)],
) -> Result<f64, String> {
    match samples(file, family, labels).as_slice() {
        [one] => one[2].as_f64().ok_or_else(|| format!("{one}: no value")),
        other => Err(format!(
            "{family} {labels:?}: {} samples, not one",
            other.len()
        )),
    }
}

const WEB: [(&str, &str); 3] = [
    ("address", "10.0.1.100"),
    ("port", "80"),
    ("protocol", "tcp"),
];

/// The web service's connection counter, from the text listing.
fn web_connections(ours: &str) -> Result<u64, String> {
    let args = ["-Ln", "--stats", "--exact", "-t", "10.0.1.100:80"];
    let text = lb(ours, &args, None)?;
    Ok(crate::traffic::counters(&text, "10.0.1.100:80")?[0])
}

fn prometheus_views(ours: &str) -> Result<(), String> {
    let views: [&[&str]; 5] = [
        &["-L"],
        &["-L", "--stats"],
        &["-L", "--rate"],
        &["-L", "--thresholds"],
        &["-L", "-t", "10.0.1.100:80"],
    ];
    let mut files = Vec::new();
    let mut write = |tag: &str, args: &[&str]| -> Result<(), String> {
        let args = [args, &["-n", "--format", "prometheus"]].concat();
        let text = lb(ours, &args, None)?;
        let file = format!("{WORK}/{tag}-{}.prom", files.len());
        std::fs::write(&file, text).map_err(|e| e.to_string())?;
        files.push(file);
        Ok(())
    };
    for view in views {
        write("before", view)?;
    }
    let conns_before = web_connections(ours)?;
    let answers = requests(6)?;
    if answers.len() != 6 {
        return Err(format!("requests: {answers:?}"));
    }
    // The kernel adds its per-CPU counters into the ones it reports at
    // each tick of its estimator (every 2 s): wait for the requests to
    // show, as a scraper would see them a tick later.
    let deadline = Instant::now() + Duration::from_secs(20);
    while web_connections(ours)? < conns_before + 6 && Instant::now() < deadline
    {
        thread::sleep(Duration::from_millis(500));
    }
    for view in views {
        write("after", view)?;
    }
    let parsed = parse(&files)?;
    let file = |i: usize| &parsed[&files[i]];
    for (i, name) in files.iter().enumerate() {
        let f = &parsed[name];
        // Labels tell the services apart.
        value(f, "ipvs_service_connections", &WEB)?;
        if i % 5 != 4 {
            let v6 = [("family", "inet6"), ("address", "fd00::100")];
            value(f, "ipvs_service_connections", &v6)?;
            let mark = [("fwmark", "7"), ("protocol", "")];
            value(f, "ipvs_service_connections", &mark)?;
            let sctp = [
                ("protocol", "sctp"),
                ("server_address", "10.0.2.12"),
                ("server_port", "3868"),
                ("forward", "masq"),
            ];
            value(f, "ipvs_real_server_weight", &sctp)?;
            let v6_server = [("server_address", "fd00::11")];
            if value(f, "ipvs_real_server_weight", &v6_server)? != 2.0 {
                return Err("the IPv6 server's weight is not 2".into());
            }
        } else if !samples(f, "ipvs_service_connections", &[("fwmark", "7")])
            .is_empty()
        {
            return Err("-t SERVICE lists another service".into());
        }
        let rs1 = [WEB.as_slice(), &[("server_address", "10.0.2.11")]].concat();
        if value(f, "ipvs_real_server_upper_threshold", &rs1)? != 100.0
            || value(f, "ipvs_real_server_lower_threshold", &rs1)? != 10.0
        {
            return Err(format!("{name}: thresholds of rs1"));
        }
        if f["ipvs_service_connections"]["type"] != "counter"
            || f["ipvs_real_server_active_connections"]["type"] != "gauge"
        {
            return Err("metric types".into());
        }
    }
    // Counters rose in every view.
    for i in 0..5 {
        let (before, after) = (file(i), file(i + 5));
        for family in [
            "ipvs_service_connections",
            "ipvs_service_incoming_packets",
            "ipvs_service_incoming_bytes",
            "ipvs_service_outgoing_bytes",
        ] {
            let (b, a) =
                (value(before, family, &WEB)?, value(after, family, &WEB)?);
            if a <= b {
                return Err(format!("{family} did not rise: {b} -> {a}"));
            }
        }
        let conns = value(after, "ipvs_service_connections", &WEB)?
            - value(before, "ipvs_service_connections", &WEB)?;
        if conns < 6.0 {
            return Err(format!("only {conns} new connections counted"));
        }
    }
    // Views without numbers are refused.
    for view in [&["-L", "-c"][..], &["-L", "--daemon"], &["-L", "--timeout"]] {
        let args =
            [&["--netns", "lb"], view, &["--format", "prometheus"]].concat();
        let out = ipvsadm(ours, &args, None)?;
        if out.status != "exit 2"
            || !out
                .stderr_text()
                .contains("--format prometheus does not list")
            || !out.stdout.is_empty()
        {
            return Err(failed(&args, &out));
        }
    }
    Ok(())
}

fn all_netns(ours: &str) -> Result<(), String> {
    std::fs::write(BAD_NETNS, b"").map_err(|e| e.to_string())?;
    docker_netns(true)?;
    let result = all_netns_listed(ours);
    docker_netns(false)?;
    result
}

/// Makes (or removes) a namespace bound at [`DOCKER_NETNS`], as Docker
/// does, with `lo` up.
fn docker_netns(make: bool) -> Result<(), String> {
    if !make {
        exec::must("umount", &[DOCKER_NETNS])?;
        return std::fs::remove_file(DOCKER_NETNS).map_err(|e| e.to_string());
    }
    std::fs::create_dir_all("/run/docker/netns")
        .and_then(|()| std::fs::write(DOCKER_NETNS, b""))
        .map_err(|e| e.to_string())?;
    exec::must("unshare", &[&format!("--net={DOCKER_NETNS}"), "true"])?;
    exec::must(
        "nsenter",
        &[
            &format!("--net={DOCKER_NETNS}"),
            "ip",
            "link",
            "set",
            "lo",
            "up",
        ],
    )
    .map(drop)
}

fn all_netns_listed(ours: &str) -> Result<(), String> {
    let rs1 = ["--netns", "rs1"];
    for (netns, service) in
        [("rs1", "10.9.9.9:53"), (DOCKER_NETNS, "10.8.8.8:53")]
    {
        let out =
            ipvsadm(ours, &["--netns", netns, "-A", "-u", service], None)?;
        if !out.success() {
            return Err(failed(&["-A in", netns], &out));
        }
    }
    let check = |args: &[&str]| -> Result<String, String> {
        let out = ipvsadm(ours, args, None)?;
        let err = out.stderr_text();
        if out.status != "exit 2"
            || !err.contains(&format!(
                "cannot enter network namespace {BAD_NETNS}: Invalid argument"
            ))
            || err.lines().count() != 1
        {
            return Err(failed(args, &out));
        }
        Ok(out.stdout_text())
    };
    let text = check(&["-Ln", "--all-netns"])?;
    for want in [
        "Network namespace: (current)\n",
        "Network namespace: lb\n",
        "Network namespace: rs1\n",
        "Network namespace: client\n",
        "Network namespace: /run/docker/netns/ingress_sbox\n",
        "TCP  10.0.1.100:80 rr",
        "UDP  10.9.9.9:53 wlc",
        "UDP  10.8.8.8:53 wlc",
    ] {
        if !text.contains(want) {
            return Err(format!("-Ln --all-netns lacks {want:?}:\n{text}"));
        }
    }
    let lb_at = text.find("Network namespace: lb\n").unwrap_or(0);
    let rs1_at = text.find("Network namespace: rs1\n").unwrap_or(0);
    let udp_at = text.find("UDP  10.9.9.9:53").unwrap_or(0);
    let docker_at = text.find("Network namespace: /run/docker").unwrap_or(0);
    let docker_udp_at = text.find("UDP  10.8.8.8:53").unwrap_or(0);
    if udp_at < rs1_at
        || text[lb_at..rs1_at].contains("10.9.9.9")
        || docker_udp_at < docker_at
        || text[..docker_at].contains("10.8.8.8")
    {
        return Err(format!(
            "the services sit under the wrong namespace:\n{text}"
        ));
    }
    for view in [&["--stats"][..], &["--rate"], &["--thresholds"]] {
        let args = [&["-Ln", "--all-netns"][..], view].concat();
        if !check(&args)?.contains("10.9.9.9:53") {
            return Err(format!("{args:?} lacks rs1's service"));
        }
    }
    let table = check(&["-Ln", "--all-netns", "--format", "table"])?;
    if !table.contains("Network namespace: rs1") || !table.contains("10.9.9.9")
    {
        return Err(format!("table view:\n{table}"));
    }
    let saved = check(&["-Sn", "--all-netns"])?;
    if !saved.contains("Network namespace: rs1\n-A -u 10.9.9.9:53 -s wlc\n") {
        return Err(format!("-S --all-netns:\n{saved}"));
    }
    // JSON: one document, valid against the schema, in every view.
    let mut files = Vec::new();
    for view in [&["-L"][..], &["-L", "--timeout"], &["-L", "-c"]] {
        let args = [view, &["--all-netns", "--format", "json"]].concat();
        let json = check(&args)?;
        let doc: Value =
            serde_json::from_str(&json).map_err(|e| e.to_string())?;
        let spaces = doc["namespaces"].as_array().ok_or("no namespaces")?;
        let bad = spaces
            .iter()
            .find(|n| n["netns"] == "zz-not-a-namespace")
            .ok_or("the bad namespace is not listed")?;
        if !bad["listing"].is_null() || !bad["error"].is_string() {
            return Err(format!("bad namespace entry: {bad}"));
        }
        if !spaces.iter().any(|n| n["netns"] == "") {
            return Err("the caller's namespace is not listed".into());
        }
        let file = format!("{WORK}/all-{}.json", files.len());
        std::fs::write(&file, &json).map_err(|e| e.to_string())?;
        files.push(file);
    }
    validate(&files)?;
    // Prometheus: one exposition, namespaces told apart by a label.
    let prom = check(&["-L", "--all-netns", "--format", "prometheus"])?;
    let file = format!("{WORK}/all.prom");
    std::fs::write(&file, &prom).map_err(|e| e.to_string())?;
    let parsed = parse(std::slice::from_ref(&file))?;
    let f = &parsed[&file];
    for netns in ["rs1", DOCKER_NETNS] {
        value(
            f,
            "ipvs_service_connections",
            &[("netns", netns), ("port", "53")],
        )?;
    }
    value(
        f,
        "ipvs_service_connections",
        &[[("netns", "lb")].as_slice(), &WEB].concat(),
    )?;
    if prom
        .matches("# TYPE ipvs_service_connections_total")
        .count()
        != 1
    {
        return Err("HELP/TYPE repeated per namespace".into());
    }
    // Not with --netns; not with other commands.
    let out = ipvsadm(ours, &["--netns", "lb", "-L", "--all-netns"], None)?;
    if out.status != "exit 2" {
        return Err(failed(&["--netns lb -L --all-netns"], &out));
    }
    let _ = ipvsadm(ours, &[&rs1[..], &["-C"]].concat(), None);
    std::fs::remove_file(BAD_NETNS).map_err(|e| e.to_string())?;
    Ok(())
}

/// Requests from the client namespace until `stop` is set.
fn traffic(stop: Arc<AtomicBool>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let args: Vec<String> = ["-s", "--max-time", "2", "http://10.0.1.100/"]
            .iter()
            .map(|a| a.to_string())
            .collect();
        while !stop.load(Ordering::Relaxed) {
            let _ = netns::within("client", || {
                exec::run("curl", "curl", &args, None)
            });
        }
    })
}

fn tmux(args: &[&str]) -> Result<Outcome, String> {
    let mut all = vec!["-S".to_string(), format!("{WORK}/tmux.sock")];
    all.extend(args.iter().map(|a| a.to_string()));
    exec::run("/usr/bin/tmux", "tmux", &all, None)
}

/// Captures the pane until `ok` holds of it (or `seconds` pass).
fn wait_pane(
    seconds: u64,
    ok: impl Fn(&str) -> bool,
) -> Result<String, String> {
    let start = Instant::now();
    loop {
        let screen = tmux(&["capture-pane", "-p", "-t", "top"])?.stdout_text();
        if ok(&screen) {
            return Ok(screen);
        }
        if start.elapsed() > Duration::from_secs(seconds) {
            return Err(format!("the pane never showed it:\n{screen}"));
        }
        thread::sleep(Duration::from_millis(500));
    }
}

/// The share (percent) the line of a real server shows.
fn share(screen: &str, server: &str) -> Option<u32> {
    let line = screen
        .lines()
        .find(|l| l.contains(&format!("-> {server}")))?;
    let pct = line.split('%').next()?;
    pct.rsplit(' ').next()?.parse().ok()
}

fn top(ours: &str) -> Result<(), String> {
    // rs2 drained: all new connections go to rs1.
    lb(
        ours,
        &[
            "-e",
            "-t",
            "10.0.1.100:80",
            "-r",
            "10.0.2.12:80",
            "-m",
            "-w",
            "0",
        ],
        None,
    )?;
    // Plain snapshots when stdout is not a terminal.
    let out = exec::run(
        "timeout",
        "timeout",
        &["20", ours, "--netns", "lb", "--top", "--interval", "0.5"]
            .map(String::from),
        None,
    )?;
    let text = out.stdout_text();
    if text.matches("ipvsadm --top: every 0.5s").count() < 2
        || !text.contains("TCP 10.0.1.100:80")
        || !text.contains("-> 10.0.2.12:80")
        || !text
            .lines()
            .any(|l| l.contains("10.0.2.12:80") && l.ends_with("drained"))
    {
        return Err(format!("plain snapshots ({}):\n{text}", out.status));
    }
    // The full-screen view in tmux, while traffic flows.
    let _ = tmux(&["kill-server"]);
    let command = format!(
        "{ours} --netns lb --top -t 10.0.1.100:80 --interval 1; echo EXITED $?; sleep 30"
    );
    let started = tmux(&[
        "new-session",
        "-d",
        "-s",
        "top",
        "-x",
        "160",
        "-y",
        "30",
        "-e",
        "TERM=xterm-256color",
        &command,
    ])?;
    if !started.success() {
        return Err(format!("tmux: {}", started.stderr_text()));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let worker = traffic(stop.clone());
    let result = (|| {
        let screen = wait_pane(120, |s| {
            share(s, "10.0.2.11:80").is_some_and(|p| p >= 90)
        })?;
        if !screen
            .lines()
            .any(|l| l.contains("-> 10.0.2.12:80") && l.contains("drained"))
        {
            return Err(format!("rs2 not marked drained:\n{screen}"));
        }
        if screen.contains("10.0.1.100:3868") {
            return Err(format!("the service filter let others in:\n{screen}"));
        }
        // Swap the weights: the bar moves to rs2.
        lb(
            ours,
            &[
                "-e",
                "-t",
                "10.0.1.100:80",
                "-r",
                "10.0.2.12:80",
                "-m",
                "-w",
                "1",
            ],
            None,
        )?;
        lb(
            ours,
            &[
                "-e",
                "-t",
                "10.0.1.100:80",
                "-r",
                "10.0.2.11:80",
                "-m",
                "-w",
                "0",
            ],
            None,
        )?;
        let screen = wait_pane(120, |s| {
            share(s, "10.0.2.12:80").is_some_and(|p| p >= 90)
                && share(s, "10.0.2.11:80").is_some_and(|p| p <= 10)
        })?;
        if !screen
            .lines()
            .any(|l| l.contains("-> 10.0.2.11:80") && l.contains("drained"))
        {
            return Err(format!("rs1 not marked drained:\n{screen}"));
        }
        // Keys: sort, filter, quit.
        tmux(&["send-keys", "-t", "top", "s"])?;
        wait_pane(60, |s| s.contains("sorted by conn/s"))?;
        tmux(&["send-keys", "-t", "top", "/", "n", "o", "p", "e", "Enter"])?;
        wait_pane(60, |s| {
            s.contains("[filter: nope]") && !s.contains("-> 10.0.2.1")
        })?;
        tmux(&["send-keys", "-t", "top", "q"])?;
        wait_pane(60, |s| s.contains("EXITED 0"))?;
        Ok(())
    })();
    stop.store(true, Ordering::Relaxed);
    let _ = worker.join();
    let _ = tmux(&["kill-server"]);
    result
}
