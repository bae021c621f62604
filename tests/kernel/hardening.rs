//! Hardening in the real kernel: hostile `-R` input compared with ipvsadm,
//! bounded memory of long restores and lines, concurrent writers and
//! listers, no descriptor leaks, and big listings against ipvsadm's (the
//! scale tests are in `scale.rs`).

use std::fmt::Write as _;
use std::thread;

use crate::cases::{Case, Step, StepKind};
use crate::differential::{self, Programs};
use crate::exec;
use crate::measure::{self, Restore};
use crate::netns;
use crate::report::{Filter, Report};
use crate::scale;

/// Ceiling for the peak RSS of a restore of one endless line (about six
/// times what it takes); the line is larger, so holding it fails.
const RSS_BOUND_KIB: i64 = 16 * 1024;

type Test = fn(&str, &str) -> Result<(), String>;

const TESTS: &[(&str, Test)] = &[
    (
        "hardening/250,000-line restore in bounded memory",
        scale::long_restore,
    ),
    ("hardening/endless line in bounded memory", endless_line),
    (
        "hardening/concurrent restores all land",
        concurrent_restores,
    ),
    (
        "hardening/listings during changes are whole",
        listings_under_churn,
    ),
    (
        "hardening/no descriptor leak in a long restore",
        restore_fds,
    ),
    (
        "hardening/listing of 100,000 services against ipvsadm's",
        scale::big_listings,
    ),
];

/// Runs every hardening test that passes `filter`.
pub(crate) fn run(
    ours: &str,
    reference: &str,
    filter: &Filter,
    report: &mut Report,
) {
    let programs = Programs { ours, reference };
    differential::run(&hostile_cases(), programs, filter, report);
    for (name, test) in TESTS {
        if filter.matches(name) {
            report.run(name, || in_fresh_netns(|| test(ours, reference)));
        }
    }
}

/// Names of all hardening tests, for the host's filter check.
pub(crate) fn names() -> impl Iterator<Item = String> {
    hostile_cases()
        .into_iter()
        .map(|c| format!("differential/{}", c.name))
        .chain(TESTS.iter().map(|(name, _)| name.to_string()))
}

/// Runs `f` on a new thread inside a fresh network namespace.
pub(crate) fn in_fresh_netns<T: Send>(
    f: impl FnOnce() -> Result<T, String> + Send,
) -> Result<T, String> {
    thread::scope(|scope| {
        scope
            .spawn(|| {
                netns::enter_fresh().map_err(|e| format!("netns: {e}"))?;
                f()
            })
            .join()
            .unwrap_or_else(|_| Err("test thread panicked".into()))
    })
}

/// `-R` fed hostile bytes, compared with ipvsadm as the `.cases` are.
fn hostile_cases() -> Vec<Case> {
    let mut garbage = b"-A -t 192.0.2.1:80 -s rr\n".to_vec();
    let mut x: u32 = 0x1234_5678;
    for _ in 0..8192 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        garbage.push((x >> 16) as u8);
    }
    let long_token = format!(
        "-A -t 192.0.2.1:80 -s rr\n-A -t {}:80\n-A -t 192.0.2.2:80 -s {}\n",
        "1".repeat(10_000),
        "r".repeat(5_000)
    );
    let long_line = format!(
        "-A -t 192.0.2.1:80{}\n-a -t 192.0.2.1:80 -r 10.0.0.2{}\n",
        " -s rr".repeat(10_000),
        "\t".repeat(100_000)
    );
    let inputs: [(&str, Vec<u8>); 7] = [
        ("binary garbage", garbage),
        (
            "NUL bytes in tokens",
            b"-A -t 192.0.2.1:80\0junk -s rr\n-A -t 192.0.2.2:80 -s \0rr\n\
              \0\n-A\0 -t 192.0.2.3:80\nipvsadm\0x -A -t 192.0.2.4:80\n"
                .to_vec(),
        ),
        ("very long tokens", long_token.into_bytes()),
        ("very long lines", long_line.into_bytes()),
        (
            "carriage returns and trailing blanks",
            b"-A\t-t 192.0.2.1:80\r\n\r\n \t\n-a -t 192.0.2.1:80 -r 10.0.0.2 \
              \n-A -t 192.0.2.2:80  "
                .to_vec(),
        ),
        (
            "bytes that are not UTF-8",
            b"-A -t 192.0.2.1:80 -s \xff\xfe\n-A -t 192.0.2.\xe9:80\n".to_vec(),
        ),
        ("only blanks", b" \t\r\n\n\n   \t ".to_vec()),
    ];
    inputs
        .into_iter()
        .map(|(name, stdin)| Case {
            name: format!("hardening: hostile restore/{name}"),
            steps: vec![Step {
                line: 0,
                text: format!("ipvsadm -R <<{name}>>"),
                kind: StepKind::Ipvsadm(vec!["-R".into()]),
                stdin: Some(stdin),
                sorted: false,
                unprivileged: false,
            }],
        })
        .collect()
}

/// Address number `i` as a dotted quad in 10.0.0.0/8.
pub(crate) fn addr(i: u32) -> String {
    let [_, a, b, c] = i.to_be_bytes();
    format!("10.{a}.{b}.{c}")
}

fn check_rss(what: &str, got: &measure::Measured) -> Result<(), String> {
    println!(
        "    {what}: peak RSS {} KiB, {}",
        got.max_rss_kib, got.status
    );
    if got.max_rss_kib > RSS_BOUND_KIB {
        return Err(format!(
            "{what}: peak RSS {} KiB above {RSS_BOUND_KIB} KiB",
            got.max_rss_kib
        ));
    }
    Ok(())
}

/// One line of 48 MiB without a blank or newline, then a valid line:
/// refused without holding it.
fn endless_line(ours: &str, _: &str) -> Result<(), String> {
    let got = measure::run(ours, &["-R"], |out| {
        let chunk = [b'x'; 1 << 16];
        for _ in 0..768 {
            out.write_all(&chunk)?;
        }
        out.write_all(b"\n-A -t 192.0.2.1:80\n")
    })?;
    check_rss("ours -R of a 48 MiB line", &got)?;
    let stderr = String::from_utf8_lossy(&got.stderr);
    if got.status != "exit 2" || !stderr.contains("restore line longer than") {
        return Err(format!(
            "expected a refusal, got {}: {stderr}",
            got.status
        ));
    }
    expect_table(ours, "")
}

/// `-Sn` of `program` must be exactly `want`.
fn expect_table(program: &str, want: &str) -> Result<(), String> {
    let table = exec::run(program, "ipvsadm", &["-Sn".into()], None)?;
    if table.stdout_text() != want || !table.success() {
        return Err(format!(
            "table afterwards: {} {:?}",
            table.status,
            table.stdout_text()
        ));
    }
    Ok(())
}

/// Two restores of 2,000 services each, at the same time, into one table.
fn concurrent_restores(ours: &str, _: &str) -> Result<(), String> {
    const EACH: u32 = 2_000;
    let restore = |first: u32| {
        measure::run(ours, &["-R"], move |out| {
            for i in first..first + EACH {
                writeln!(out, "-A -t {}:80 -s rr", addr(i))?;
                writeln!(out, "-a -t {}:80 -r 192.0.2.1 -m", addr(i))?;
            }
            Ok(())
        })
    };
    let (a, b) = thread::scope(|scope| {
        let a = scope.spawn(|| restore(0));
        let b = scope.spawn(|| restore(EACH));
        (a.join(), b.join())
    });
    for got in [a, b] {
        let got = got.map_err(|_| "restore thread panicked".to_string())??;
        if got.status != "exit 0" || !got.stderr.is_empty() {
            return Err(format!(
                "a restore: {}: {}",
                got.status,
                String::from_utf8_lossy(&got.stderr)
            ));
        }
    }
    let table = exec::run(ours, "ipvsadm", &["-Sn".into()], None)?;
    let text = table.stdout_text();
    let services = text.lines().filter(|l| l.starts_with("-A ")).count();
    let dests = text.lines().filter(|l| l.starts_with("-a ")).count();
    if services != 2 * EACH as usize || dests != 2 * EACH as usize {
        return Err(format!(
            "expected {} services and real servers, found {services} and \
             {dests}",
            2 * EACH
        ));
    }
    Ok(())
}

/// Two writers add and delete services and real servers while listings
/// run; every listing must succeed and be a whole, well-formed table.
fn listings_under_churn(ours: &str, _: &str) -> Result<(), String> {
    const ROUNDS: u32 = 40;
    let writer = |base: u32| {
        measure::run(ours, &["-R"], move |out| {
            for round in 0..ROUNDS {
                for i in base..base + 50 {
                    writeln!(out, "-A -t {}:80 -s wrr -p 30", addr(i))?;
                    writeln!(out, "-a -t {}:80 -r 192.0.2.1 -w 3", addr(i))?;
                    writeln!(out, "-a -t {}:80 -r 192.0.2.2 -m", addr(i))?;
                }
                // A listing in the stream flushes the batch, so the table
                // really changes many times.
                writeln!(out, "-L --timeout")?;
                for i in base..base + 50 {
                    if (i + round) % 2 == 0 {
                        writeln!(out, "-D -t {}:80", addr(i))?;
                    } else {
                        writeln!(out, "-d -t {}:80 -r 192.0.2.2", addr(i))?;
                        writeln!(out, "-D -t {}:80", addr(i))?;
                    }
                }
                writeln!(out, "-L --timeout")?;
            }
            Ok(())
        })
    };
    thread::scope(|scope| {
        let a = scope.spawn(|| writer(0));
        let b = scope.spawn(|| writer(1_000));
        let mut listings = 0;
        let mut problem = None;
        while !(a.is_finished() && b.is_finished()) || listings < 4 {
            for args in [&["-Ln"][..], &["-Sn"], &["-Ln", "--stats"]] {
                let args: Vec<String> =
                    args.iter().map(|s| s.to_string()).collect();
                let out = exec::run(ours, "ipvsadm", &args, None)?;
                listings += 1;
                if let Err(e) = well_formed(&args[0], &out) {
                    problem.get_or_insert(e);
                }
            }
        }
        println!("    {listings} listings while the writers ran");
        for w in [a, b] {
            let got = w.join().map_err(|_| "writer panicked".to_string())??;
            if got.status != "exit 0" {
                return Err(format!(
                    "a writer: {}: {}",
                    got.status,
                    String::from_utf8_lossy(&got.stderr)
                ));
            }
        }
        problem.map_or(Ok(()), Err)
    })
}

/// Whether a listing is a whole table: exit 0, nothing on stderr, a final
/// newline, and every line of the shape its view has.
fn well_formed(view: &str, out: &exec::Outcome) -> Result<(), String> {
    let text = out.stdout_text();
    if !out.success() || !out.stderr.is_empty() {
        return Err(format!("{view}: {}: {}", out.status, out.stderr_text()));
    }
    if !text.is_empty() && !text.ends_with('\n') {
        return Err(format!("{view}: no final newline"));
    }
    for line in text.lines() {
        let ok = if view == "-Sn" {
            save_line(line)
        } else {
            list_line(line)
        };
        if !ok {
            return Err(format!("{view}: malformed line {line:?}"));
        }
    }
    Ok(())
}

/// A `-Sn` line must parse back as an ipvsadm command line.
fn save_line(line: &str) -> bool {
    let args: Vec<String> = line.split(' ').map(str::to_string).collect();
    (line.starts_with("-A ") || line.starts_with("-a "))
        && ipvsadm::internals::parse_with("ipvsadm", &args, false).is_ok()
}

/// A `-Ln` (or `--stats`) line: a header, a service or a real server.
fn list_line(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let numbers = |w: &[&str]| {
        w.iter()
            .all(|x| x.trim_end_matches(['K', 'M', 'G']).parse::<u64>().is_ok())
    };
    match words.as_slice() {
        ["IP", "Virtual", "Server", "version", ..] => true,
        ["Prot", "LocalAddress:Port", ..] => true,
        ["->", "RemoteAddress:Port", ..] => true,
        ["TCP", a, rest @ ..] => {
            a.ends_with(":80")
                && (matches!(rest, ["wrr", "persistent", "30"])
                    || numbers(rest))
        }
        ["->", a, rest @ ..] => {
            a.contains(':')
                && (matches!(rest, [fwd, _, _, _] if ["Route", "Masq"].contains(fwd))
                    && numbers(&rest[1..])
                    || rest.len() == 5 && numbers(rest))
        }
        _ => false,
    }
}

/// The descriptors of a running restore stay the same from its first
/// lines to thousands of lines later.
fn restore_fds(ours: &str, _: &str) -> Result<(), String> {
    let mut restore = Restore::start(ours)?;
    restore.send_and_sync("", "192.0.2.1:99", ours)?;
    let pid = restore.child.id();
    let before = measure::open_fds(pid)?;
    for round in 0..5 {
        let mut lines = String::new();
        for i in 0..400 {
            let a = addr(round * 400 + i);
            let _ = writeln!(lines, "-A -t {a}:80\n-a -t {a}:80 -r 192.0.2.9");
            let _ = writeln!(lines, "-Z -t {a}:80\n-D -t {a}:80");
        }
        let _ = writeln!(lines, "-Ln\n-Sn\n-L --daemon\n-C");
        restore.send_and_sync(&lines, &format!("192.0.2.{round}:98"), ours)?;
    }
    let after = measure::open_fds(pid)?;
    let (status, stderr) = restore.finish()?;
    if before != after || status != "exit 0" || !stderr.is_empty() {
        return Err(format!(
            "descriptors {before} then {after}; restore {status}: {stderr}"
        ));
    }
    Ok(())
}
