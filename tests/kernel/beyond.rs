//! The features beyond ipvsadm 1.31 on the real kernel, in the network of
//! the walk-through (`walkthrough-net.sh`): `--netns` by name and by path,
//! `--format json` in every listing view validated against the schema,
//! and `--apply` (idempotent, minimal under live traffic, `--dry-run`,
//! `--atomic` rollback, JSON tables) and `--format table`
//! (`beyond_table.rs`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::exec::{self, Outcome};
use crate::netns;
use crate::report::{Filter, Report};
use crate::walkthrough::{NET_SCRIPT, requests};

const SCHEMA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/schema/ipvsadm-list.schema.json"
);
const VALIDATOR: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/kernel/validate-json.py");
/// Where the JSON documents and table files are written in the guest.
const WORK: &str = "/tmp/ipvsadm-beyond";

/// The names of the tests, in order.
pub(crate) const STEPS: [&str; 14] = [
    "beyond/netns by name",
    "beyond/netns by path",
    "beyond/netns missing",
    "beyond/apply dry-run plans and changes nothing",
    "beyond/apply is idempotent",
    "beyond/apply under live traffic",
    "beyond/apply atomic failure restores the table",
    "beyond/apply json table",
    "beyond/json validates in every view",
    "beyond/apply json unknown key changes nothing",
    "beyond/apply json repeated key changes nothing",
    "beyond/table view shows the real servers under their service",
    "beyond/apply pipelined with one refusal in the middle",
    "beyond/apply atomic defers SIGTERM until done or undone",
];

/// The table every apply test starts from: the web service of the
/// walk-through on port 80 and a second one on 8080.
const BASE: &str = "\
-A -t 10.0.1.100:80 -s rr
-a -t 10.0.1.100:80 -r 10.0.2.11:80 -m -w 1
-a -t 10.0.1.100:80 -r 10.0.2.12:80 -m -w 1
-A -t 10.0.1.100:8080 -s rr
-a -t 10.0.1.100:8080 -r 10.0.2.11:80 -m -w 1
";

/// Port 80 unchanged; 8080 gets a new scheduler, weights and servers; a
/// UDP service appears.
const CHANGED: &str = "\
-A -t 10.0.1.100:80 -s rr
-a -t 10.0.1.100:80 -r 10.0.2.11:80 -m -w 1
-a -t 10.0.1.100:80 -r 10.0.2.12:80 -m -w 1
-A -t 10.0.1.100:8080 -s wlc -p 120
-a -t 10.0.1.100:8080 -r 10.0.2.12:80 -m -w 3 -x 50 -y 5
-A -u 10.0.1.100:53 -s rr
-a -u 10.0.1.100:53 -r 10.0.2.11:53 -m -w 2
";

/// One test, run against a freshly reset table in `lb`.
type Test = fn(&Lb) -> Result<(), String>;

pub(crate) fn run(ours: &str, filter: &Filter, report: &mut Report) {
    if !STEPS.iter().any(|s| filter.matches(s)) {
        return;
    }
    if let Err(e) = exec::must("sh", &[NET_SCRIPT, "up"]) {
        report.run("beyond/network setup", || Err(e));
        let _ = exec::must("sh", &[NET_SCRIPT, "down"]);
        return;
    }
    let _ = std::fs::create_dir_all(WORK);
    let lb = Lb { ours };
    let tests: [Test; 14] = [
        netns_by_name,
        netns_by_path,
        netns_missing,
        dry_run,
        idempotent,
        live_traffic,
        atomic_failure,
        json_table,
        json_views,
        json_unknown_key,
        json_repeated_key,
        crate::beyond_table::table_view,
        pipelined_refusal,
        atomic_sigterm,
    ];
    for (name, test) in STEPS.iter().zip(tests) {
        if filter.matches(name) {
            report.run(name, || {
                lb.reset()?;
                test(&lb)
            });
        }
    }
    let _ = lb.run(&["-C"], None);
    if let Err(e) = exec::must("sh", &[NET_SCRIPT, "down"]) {
        report.run("beyond/network teardown", || Err(e));
    }
}

/// Our ipvsadm, aimed at the `lb` namespace with `--netns` from the test's
/// own (root) namespace.
pub(crate) struct Lb<'a> {
    ours: &'a str,
}

impl Lb<'_> {
    pub(crate) fn run(
        &self,
        args: &[&str],
        stdin: Option<&str>,
    ) -> Result<Outcome, String> {
        let mut argv = vec!["--netns".to_string(), "lb".to_string()];
        argv.extend(args.iter().map(|a| a.to_string()));
        exec::run(self.ours, "ipvsadm", &argv, stdin.map(str::as_bytes))
    }

    /// Runs a command that must succeed; its stdout.
    pub(crate) fn ok(
        &self,
        args: &[&str],
        stdin: Option<&str>,
    ) -> Result<String, String> {
        let out = self.run(args, stdin)?;
        if out.success() && out.stderr.is_empty() {
            Ok(out.stdout_text())
        } else {
            Err(failed(args, &out))
        }
    }

    /// The rules of the table and its thresholds (which `-S` omits),
    /// without the connection counters.
    fn table(&self) -> Result<String, String> {
        let mut text = self.ok(&["-Sn"], None)?;
        for line in self.ok(&["-Ln", "--thresholds"], None)?.lines().skip(3) {
            let words: Vec<&str> = line.split_whitespace().collect();
            text.push_str(&words[..words.len().min(4)].join(" "));
            text.push('\n');
        }
        Ok(text)
    }

    fn reset(&self) -> Result<(), String> {
        self.ok(&["-C"], None)?;
        self.ok(&["-R"], Some(BASE))?;
        Ok(())
    }
}

pub(crate) fn failed(args: &[&str], out: &Outcome) -> String {
    format!(
        "`ipvsadm --netns lb {}` gave {}\nstdout: {}\nstderr: {}",
        args.join(" "),
        out.status,
        out.stdout_text(),
        out.stderr_text()
    )
}

pub(crate) fn expect_eq(
    what: &str,
    got: &str,
    want: &str,
) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}:\n--- got\n{got}--- expected\n{want}"))
    }
}

/// The root namespace's own table must stay empty: `--netns` never
/// changes the caller's namespace.
fn root_untouched(ours: &str) -> Result<(), String> {
    let out = exec::run(ours, "ipvsadm", &["-Sn".to_string()], None)?;
    if out.success() && out.stdout.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the root namespace's table: {:?}",
            out.stdout_text()
        ))
    }
}

fn netns_by_name(lb: &Lb) -> Result<(), String> {
    lb.ok(&["-A", "-t", "10.0.1.100:81", "-s", "sh"], None)?;
    let saved = lb.ok(&["-Sn"], None)?;
    if !saved.contains("-A -t 10.0.1.100:81 -s sh\n") {
        return Err(format!("not in lb's table:\n{saved}"));
    }
    // The same table seen from inside lb without --netns.
    let inside = netns::within("lb", || {
        exec::run(lb.ours, "ipvsadm", &["-Sn".to_string()], None)
    })
    .map_err(|e| e.to_string())??;
    expect_eq("lb's table from inside", &inside.stdout_text(), &saved)?;
    // The namespace is chosen on the command line, not in restore input.
    let out = lb.run(&["-R"], Some("-A -t 10.0.1.100:82 --netns lb\n"))?;
    if out.status != "exit 2"
        || out.stderr_text() != "--netns cannot be used in restore input\n"
    {
        return Err(failed(&["-R"], &out));
    }
    // --netns may lead, and works for -h like any command.
    let help = lb.run(&["-h"], None)?;
    if !help.success() || !help.stdout_text().starts_with("ipvsadm-rs ") {
        return Err(failed(&["-h"], &help));
    }
    root_untouched(lb.ours)
}

fn netns_by_path(lb: &Lb) -> Result<(), String> {
    // A process living in lb, as a container runtime's would.
    let mut sleeper = netns::within("lb", || {
        Command::new("sleep").arg("30").stdin(Stdio::null()).spawn()
    })
    .map_err(|e| e.to_string())?
    .map_err(|e| format!("cannot start sleep: {e}"))?;
    let path = format!("/proc/{}/ns/net", sleeper.id());
    let args: Vec<String> = ["--netns", &path, "-Ln", "-t", "10.0.1.100:8080"]
        .iter()
        .map(|a| a.to_string())
        .collect();
    let out = exec::run(lb.ours, "ipvsadm", &args, None);
    let _ = sleeper.kill();
    let _ = sleeper.wait();
    let out = out?;
    if !out.success() || !out.stdout_text().contains("10.0.1.100:8080 rr") {
        return Err(format!(
            "--netns {path}: {}\n{}{}",
            out.status,
            out.stdout_text(),
            out.stderr_text()
        ));
    }
    root_untouched(lb.ours)
}

fn netns_missing(lb: &Lb) -> Result<(), String> {
    for (value, path) in [
        ("no-such-ns", "/run/netns/no-such-ns"),
        ("/proc/999999999/ns/net", "/proc/999999999/ns/net"),
    ] {
        let args: Vec<String> = ["--netns", value, "-C"]
            .iter()
            .map(|a| a.to_string())
            .collect();
        let out = exec::run(lb.ours, "ipvsadm", &args, None)?;
        let want = format!(
            "cannot enter network namespace {path}: No such file or directory\n"
        );
        if out.status != "exit 2" || out.stderr_text() != want {
            return Err(format!(
                "--netns {value}: {} {:?}",
                out.status,
                out.stderr_text()
            ));
        }
    }
    // Nothing was flushed anywhere.
    if !lb.ok(&["-Sn"], None)?.contains("10.0.1.100:8080") {
        return Err("lb's table changed".to_string());
    }
    Ok(())
}

fn dry_run(lb: &Lb) -> Result<(), String> {
    let before = lb.table()?;
    let plan = lb.ok(&["--apply", "-", "--dry-run"], Some(CHANGED))?;
    expect_eq(
        "plan",
        &plan,
        "-E -t 10.0.1.100:8080 -s wlc -p 120\n\
         -A -u 10.0.1.100:53 -s rr\n\
         -a -t 10.0.1.100:8080 -r 10.0.2.12:80 -m -w 3 -x 50 -y 5\n\
         -d -t 10.0.1.100:8080 -r 10.0.2.11:80\n\
         -a -u 10.0.1.100:53 -r 10.0.2.11:53 -m -w 2\n",
    )?;
    expect_eq("table after --dry-run", &lb.table()?, &before)?;
    // The plan is restore input: applying it gives the desired table.
    lb.ok(&["-R"], Some(&plan))?;
    let after = lb.ok(&["-Sn"], None)?;
    lb.ok(&["-C"], None)?;
    lb.ok(&["-R"], Some(CHANGED))?;
    expect_eq("plan replayed with -R", &after, &lb.ok(&["-Sn"], None)?)
}

fn idempotent(lb: &Lb) -> Result<(), String> {
    let file = format!("{WORK}/changed.rules");
    std::fs::write(&file, CHANGED).map_err(|e| e.to_string())?;
    expect_eq("first apply", &lb.ok(&["--apply", &file], None)?, "")?;
    let once = lb.table()?;
    expect_eq(
        "second plan",
        &lb.ok(&["--apply", &file, "--dry-run"], None)?,
        "",
    )?;
    lb.ok(&["--apply", &file], None)?;
    expect_eq("table after the second apply", &lb.table()?, &once)?;
    // And back: the base table, then nothing more to do.
    lb.ok(&["--apply", "-"], Some(BASE))?;
    expect_eq(
        "plan after returning",
        &lb.ok(&["--apply", "-", "--dry-run"], Some(BASE))?,
        "",
    )
}

/// An HTTP/1.0 connection opened from the client namespace before the
/// changes and used after them.
fn open_connection() -> Result<TcpStream, String> {
    netns::within("client", || TcpStream::connect("10.0.1.100:80"))
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot connect to 10.0.1.100:80: {e}"))
}

fn finish_request(mut stream: TcpStream) -> Result<String, String> {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    stream
        .write_all(b"GET / HTTP/1.0\r\n\r\n")
        .map_err(|e| format!("the open connection broke: {e}"))?;
    let mut reply = String::new();
    stream
        .read_to_string(&mut reply)
        .map_err(|e| format!("the open connection broke: {e}"))?;
    Ok(reply)
}

fn live_traffic(lb: &Lb) -> Result<(), String> {
    let held = open_connection()?;
    let traffic = thread::spawn(|| requests(20));
    for table in [CHANGED, BASE, CHANGED] {
        let plan = lb.ok(&["--apply", "-", "--dry-run"], Some(table))?;
        if plan.contains("10.0.1.100:80 ") || plan.contains("10.0.1.100:80\n") {
            return Err(format!(
                "the plan touches the unchanged service:\n{plan}"
            ));
        }
        lb.ok(&["--apply", "-"], Some(table))?;
    }
    let answers = traffic
        .join()
        .map_err(|_| "the traffic thread panicked".to_string())??;
    if !answers.iter().all(|a| a == "rs1" || a == "rs2") {
        return Err(format!("answers during the applies: {answers:?}"));
    }
    let reply = finish_request(held)?;
    if !(reply.contains("rs1") || reply.contains("rs2")) {
        return Err(format!(
            "the connection held across the applies got {reply:?}"
        ));
    }
    // The unchanged service was never recreated: its connection counter
    // holds every connection since the reset (20 requests and the held
    // one). The kernel folds its per-CPU counters every 2 s, so the
    // count is polled until it is complete.
    let mut last = String::new();
    for _ in 0..10 {
        last =
            lb.ok(&["-Ln", "--stats", "--exact", "-t", "10.0.1.100:80"], None)?;
        if service_conns(&last) >= 21 {
            return Ok(());
        }
        thread::sleep(Duration::from_secs(1));
    }
    Err(format!(
        "connection counter of the unchanged service:\n{last}"
    ))
}

/// The Conns column of the service line of `-Ln --stats`.
fn service_conns(text: &str) -> u64 {
    text.lines()
        .find(|l| l.starts_with("TCP"))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn atomic_failure(lb: &Lb) -> Result<(), String> {
    lb.ok(&["--apply", "-"], Some(CHANGED))?;
    let before = lb.table()?;
    // Every kind of change, then a real server the kernel refuses (lower
    // threshold above the upper one) in the last service.
    let failing = "\
-A -t 10.0.1.100:80 -s wlc
-a -t 10.0.1.100:80 -r 10.0.2.11:80 -m -w 7
-A -t 10.0.1.100:8080 -s rr
-a -t 10.0.1.100:8080 -r 10.0.2.11:80 -m
-A -t 10.0.1.100:9090 -s rr
-a -t 10.0.1.100:9090 -r 10.0.2.12:80 -m -x 1 -y 5
";
    let out = lb.run(&["--apply", "-", "--atomic"], Some(failing))?;
    if out.success() {
        return Err(failed(&["--apply", "-", "--atomic"], &out));
    }
    let err = out.stderr_text();
    if !err.contains("-a -t 10.0.1.100:9090 -r 10.0.2.12:80 -m -w 1 -x 1 -y 5:")
    {
        return Err(format!("stderr does not name the failed change:\n{err}"));
    }
    expect_eq(
        "table after the failed --atomic apply",
        &lb.table()?,
        &before,
    )?;
    // Without --atomic the other changes stay and the status says failure.
    let out = lb.run(&["--apply", "-"], Some(failing))?;
    if out.status != "exit 255" {
        return Err(failed(&["--apply", "-"], &out));
    }
    let now = lb.ok(&["-Sn"], None)?;
    if !now.contains("-A -t 10.0.1.100:9090 -s rr\n")
        || !now.contains("-A -t 10.0.1.100:80 -s wlc\n")
    {
        return Err(format!("the changes that worked are missing:\n{now}"));
    }
    Ok(())
}

fn json_table(lb: &Lb) -> Result<(), String> {
    lb.ok(&["--apply", "-"], Some(CHANGED))?;
    let want = lb.table()?;
    let listing = lb.ok(&["-L", "--format", "json"], None)?;
    let plan = lb.ok(&["--apply", "-", "--dry-run"], Some(&listing))?;
    expect_eq("plan for the table's own JSON", &plan, "")?;
    lb.ok(&["--apply", "-"], Some(BASE))?;
    lb.ok(&["--apply", "-"], Some(&listing))?;
    expect_eq("table applied from JSON", &lb.table()?, &want)?;
    let bad = r#"{"services": [{"fwmark": 0}]}"#;
    let out = lb.run(&["--apply", "-"], Some(bad))?;
    if out.status != "exit 2"
        || out.stderr_text() != "stdin: services[0]: fwmark out of range\n"
    {
        return Err(failed(&["--apply", "-"], &out));
    }
    expect_eq("table after bad JSON", &lb.table()?, &want)
}

/// A JSON table that would change the scheduler of port 8080, add a
/// service and drain a real server, with `member` (on line 6) in that
/// real server.
fn json_with(member: &str) -> String {
    format!(
        "{{\"services\": [\n\
         {{\"protocol\": \"tcp\", \"address\": \"10.0.1.100\", \"port\": 8080,\n\
         \"scheduler\": \"wlc\"}},\n\
         {{\"protocol\": \"tcp\", \"address\": \"10.0.1.100\", \"port\": 80,\n\
         \"destinations\": [{{\"address\": \"10.0.2.11\", \"port\": 80,\n\
         {member}}}]}}]}}\n"
    )
}

/// `--apply FILE` with `member` in the file is refused with status 2 and
/// a message that starts with `start` and ends with `end`; neither the
/// table nor stdout changes, with or without `--dry-run`.
fn json_refused(
    lb: &Lb,
    name: &str,
    member: &str,
    start: &str,
    end: &str,
) -> Result<(), String> {
    let before = lb.table()?;
    let file = format!("{WORK}/{name}.json");
    std::fs::write(&file, json_with(member)).map_err(|e| e.to_string())?;
    for args in [&["--apply", &file][..], &["--apply", &file, "--dry-run"]] {
        let out = lb.run(args, None)?;
        let err = out.stderr_text();
        if out.status != "exit 2"
            || !out.stdout.is_empty()
            || !err.starts_with(&format!("{file}: {start}"))
            || !err.ends_with(&format!("{end}\n"))
            || err.lines().count() != 1
        {
            return Err(failed(args, &out));
        }
    }
    expect_eq("table after the refused JSON", &lb.table()?, &before)
}

/// A misspelt key (`wieght` for a drain) is refused, naming the key and
/// its line and column, not silently ignored.
fn json_unknown_key(lb: &Lb) -> Result<(), String> {
    json_refused(
        lb,
        "unknown-key",
        "\"forward\": \"masq\", \"wieght\": 0",
        "unknown field `wieght`, expected one of `family`, `address`,",
        " at line 6 column 27",
    )
}

/// A key given twice is refused rather than one of its values chosen.
fn json_repeated_key(lb: &Lb) -> Result<(), String> {
    json_refused(
        lb,
        "repeated-key",
        "\"forward\": \"masq\", \"weight\": 1, \"weight\": 0",
        "duplicate field `weight`",
        " at line 6 column 40",
    )
}

/// Every view with data in it: services with traffic, persistence,
/// thresholds, a tunnel and a fwmark service, connections, timeouts and
/// a sync daemon.
fn json_views(lb: &Lb) -> Result<(), String> {
    lb.ok(&["--apply", "-"], Some(CHANGED))?;
    lb.ok(
        &[
            "-A", "-f", "7", "-6", "-s", "sh", "-b", "sh-port", "-p", "60",
        ],
        None,
    )?;
    lb.ok(
        &[
            "-a",
            "-f",
            "7",
            "-6",
            "-r",
            "2001:db8::7",
            "-i",
            "--tun-type",
            "gue",
            "--tun-port",
            "6080",
            "--tun-csum",
        ],
        None,
    )?;
    lb.ok(
        &[
            "--start-daemon",
            "master",
            "--mcast-interface",
            "l0",
            "--syncid",
            "3",
        ],
        None,
    )?;
    requests(4)?;
    let views: [&[&str]; 12] = [
        &["-L"],
        &["-Ln"],
        &["-L", "--stats"],
        &["-L", "--rate"],
        &["-L", "--thresholds"],
        &["-L", "--persistent-conn"],
        &["-L", "--exact", "--stats"],
        &["-L", "-t", "10.0.1.100:80"],
        &["-L", "-c"],
        &["-L", "-c", "--persistent-conn"],
        &["-L", "--timeout"],
        &["-L", "--daemon"],
    ];
    let mut files = Vec::new();
    for (i, view) in views.iter().enumerate() {
        let args = [*view, &["--format", "json"]].concat();
        let text = lb.ok(&args, None)?;
        let must = match view.get(1) {
            Some(&"-c") => "\"client\":{\"address\":\"10.0.1.2\"",
            Some(&"--timeout") => "\"tcp\":900",
            Some(&"--daemon") => "\"syncid\":3",
            Some(&"-t") => "\"port\":80,",
            _ => "\"fwmark\":7",
        };
        if !text.contains(must) {
            return Err(format!("{args:?} lacks {must}:\n{text}"));
        }
        let file = format!("{WORK}/view-{i}.json");
        std::fs::write(&file, &text).map_err(|e| e.to_string())?;
        files.push(file);
    }
    let _ = lb.run(&["--stop-daemon", "master"], None);
    validate(&files)
}

/// Validates the documents with Python's jsonschema (installed into
/// virtme-ng's venv by scripts/deps.sh). Importing it reads hundreds of
/// files over the VM's 9p filesystem, about a minute under emulation, so
/// this runs without the per-program time limit of `exec` (the VM's own
/// limit still applies).
pub(crate) fn validate(files: &[String]) -> Result<(), String> {
    let python = ["/opt/vng/bin/python3", "/usr/bin/python3"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .ok_or("no python3")?;
    // argv[0] stays the full path: a venv's Python finds its packages
    // from it.
    let out = Command::new(python)
        .arg(VALIDATOR)
        .arg(SCHEMA)
        .args(files)
        .env_clear()
        .env("PATH", exec::CLEAN_PATH)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "schema validation with {python} ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// BASE and `count` services more (ports 10000 and up, one real server
/// each); the real server of service number `refused`, if any, has a
/// lower threshold above its upper one, which the kernel refuses.
fn many_services(count: usize, refused: Option<usize>) -> String {
    let mut text = BASE.to_string();
    for i in 0..count {
        text.push_str(&format!("-A -t 10.0.1.100:{} -s rr\n", 10000 + i));
    }
    for i in 0..count {
        let bounds = if Some(i) == refused { " -x 1 -y 5" } else { "" };
        text.push_str(&format!(
            "-a -t 10.0.1.100:{} -r 10.0.2.11:80 -m -w 1{bounds}\n",
            10000 + i
        ));
    }
    text
}

/// The `apply: LINE: ...` lines of stderr.
fn apply_lines(err: &str) -> Vec<&str> {
    err.lines().filter(|l| l.starts_with("apply: -")).collect()
}

/// 3,000 changes pipelined in windows, the real server of the 1,100th
/// service refused: without `--atomic` exactly that change is reported and
/// every other is made; with it, every change made is undone, those sent
/// after the refused one in its window too, and the table is as before.
fn pipelined_refusal(lb: &Lb) -> Result<(), String> {
    const COUNT: usize = 1500;
    const REFUSED: usize = 1100;
    let file = format!("{WORK}/pipelined");
    let rest = format!("{WORK}/pipelined-rest");
    let failing = many_services(COUNT, Some(REFUSED));
    std::fs::write(&file, &failing).map_err(|e| e.to_string())?;
    let refused_line = format!(
        "-a -t 10.0.1.100:{} -r 10.0.2.11:80 -m -w 1 -x 1 -y 5",
        10000 + REFUSED
    );
    let without: String = failing
        .lines()
        .filter(|l| !l.ends_with("-x 1 -y 5"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&rest, &without).map_err(|e| e.to_string())?;

    let before = lb.table()?;
    let args = ["--apply", file.as_str(), "--atomic"];
    let out = lb.run(&args, None)?;
    let err = out.stderr_text();
    if out.status != "exit 255" {
        return Err(failed(&args, &out));
    }
    let reported = apply_lines(&err);
    if reported.len() != 1
        || !reported[0].starts_with(&format!("apply: {refused_line}: "))
    {
        return Err(format!("atomic: not exactly the refused change:\n{err}"));
    }
    // Services first, then real servers: the refused change is number
    // COUNT + REFUSED (from 0); every change before it succeeded, and
    // with windows of more than one request some after it did too.
    let summary = err
        .lines()
        .find(|l| l.contains(" applied changes undone ("))
        .unwrap_or_default();
    let undone = summary
        .strip_prefix("apply: ")
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok());
    match undone {
        Some(n) if n > COUNT + REFUSED && summary.ends_with(" 0 failed)") => {}
        _ => return Err(format!("atomic: unexpected undo summary:\n{err}")),
    }
    expect_eq(
        "table after the failed --atomic apply",
        &lb.table()?,
        &before,
    )?;

    let args = ["--apply", file.as_str()];
    let out = lb.run(&args, None)?;
    let err = out.stderr_text();
    if out.status != "exit 255" {
        return Err(failed(&args, &out));
    }
    let want = format!("apply: {refused_line}: ");
    if err.lines().count() != 1 || !err.starts_with(&want) {
        return Err(format!("not exactly the refused change:\n{err}"));
    }
    // Every other change was made: what is left to do is nothing.
    let plan = lb.ok(&["--apply", &rest, "--dry-run"], None)?;
    expect_eq("plan left after the non-atomic apply", &plan, "")
}

/// SIGTERM to an atomic apply of 20,000 changes once its first change is
/// visible: the process ends by the signal only after the whole apply (or
/// the whole undo, when its last change is refused); the table is fully
/// after or fully before.
fn atomic_sigterm(lb: &Lb) -> Result<(), String> {
    const COUNT: usize = 10_000;
    for refused in [None, Some(COUNT - 1)] {
        lb.reset()?;
        let before = lb.table()?;
        let file = format!("{WORK}/sigterm");
        let desired = many_services(COUNT, refused);
        std::fs::write(&file, &desired).map_err(|e| e.to_string())?;
        let (status, err) = terminated_midway(lb, &file)?;
        if status != "killed by signal 15" {
            return Err(format!(
                "refused {refused:?}: status {status}, expected the signal \
                 after the apply\nstderr: {err}"
            ));
        }
        match refused {
            None => {
                if !err.is_empty() {
                    return Err(format!("unexpected stderr: {err}"));
                }
                let plan = lb.ok(&["--apply", &file, "--dry-run"], None)?;
                expect_eq("plan left after the signalled apply", &plan, "")?;
            }
            Some(_) => {
                if !err.contains(" 0 failed)\n") {
                    return Err(format!("no complete undo reported: {err}"));
                }
                expect_eq(
                    "table after the signalled undo",
                    &lb.table()?,
                    &before,
                )?;
            }
        }
    }
    Ok(())
}

/// Starts `--apply FILE --atomic` in `lb`, sends it SIGTERM as soon as the
/// first service it adds (port 10000) exists, and waits: its status and
/// stderr.
///
/// The release build makes the 20,000 changes in well under a second in
/// the VM, and starting a program there takes a tenth of that: so the
/// table is watched through the apply's own `/proc/PID/net/ip_vs` (its
/// namespace once it has entered `lb`), and the signal sent with kill(2).
fn terminated_midway(lb: &Lb, file: &str) -> Result<(String, String), String> {
    let mut child = Command::new(lb.ours)
        .args(["--netns", "lb", "--apply", file, "--atomic"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", lb.ours))?;
    let table = format!("/proc/{}/net/ip_vs", child.id());
    // 10.0.1.100:10000, as the file shows it.
    let first = "TCP  0A000164:2710 ";
    let mut seen = false;
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            break;
        }
        if std::fs::read_to_string(&table).is_ok_and(|t| t.contains(first)) {
            seen = true;
            break;
        }
        thread::sleep(Duration::from_micros(200));
    }
    if seen {
        let pid = child.id() as libc::pid_t;
        // SAFETY: kill(2) on our own child, which has not been reaped (it
        // is only waited for below), so the pid is still its own.
        unsafe { libc::kill(pid, libc::SIGTERM) };
    }
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut err);
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if !seen {
        return Err(format!(
            "the apply ended ({}) before its first change was seen: {err}",
            exec::describe(status)
        ));
    }
    Ok((exec::describe(status), err))
}
