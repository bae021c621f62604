//! The walk-through suite: real HTTP traffic through a load balancer that
//! our ipvsadm configures, step by step, in namespaces client, lb, rs1 and
//! rs2 (built by `walkthrough-net.sh`). Each step is checked by the
//! responses the client gets and by our own `ipvsadm -Ln` listing.

use crate::exec;
use crate::lbnet::{Balancer, expect_all, expect_alternating, fetch};
use crate::report::{Filter, Report};

pub(crate) const NET_SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/kernel/walkthrough-net.sh"
);
const VIP: &str = "10.0.1.100:80";
const URL: &str = "http://10.0.1.100/";
const RS1: &str = "10.0.2.11:80";
const RS2: &str = "10.0.2.12:80";
const SERVICE: &str = "TCP 10.0.1.100:80 rr";

/// The names of the steps, in order (for filtering and reporting).
pub(crate) const STEPS: [&str; 7] = [
    "walkthrough/add service",
    "walkthrough/add rs1",
    "walkthrough/add rs2",
    "walkthrough/edit rs1 weight 0",
    "walkthrough/delete rs2",
    "walkthrough/delete service",
    "walkthrough/clear",
];

/// Runs the whole walk-through if the filter selects any of its steps.
pub(crate) fn run(ours: &str, filter: &Filter, report: &mut Report) {
    if !STEPS.iter().any(|s| filter.matches(s)) {
        return;
    }
    let setup = exec::must("sh", &[NET_SCRIPT, "up"]);
    if let Err(e) = setup {
        report.run("walkthrough/network setup", || Err(e));
        let _ = exec::must("sh", &[NET_SCRIPT, "down"]);
        return;
    }
    let lb = Balancer { ours };
    let svc = ["-t", VIP];
    report.run(STEPS[0], || {
        lb.ok(&["-A", "-t", VIP, "-s", "rr"])?;
        lb.expect_table(&[SERVICE])
    });
    report.run(STEPS[1], || {
        lb.ok(&[&["-a"][..], &svc, &["-r", RS1, "-m"]].concat())?;
        lb.expect_table(&[SERVICE, &dest(RS1, 1)])?;
        let got = requests(3)?;
        expect_all(&got, "rs1")
    });
    report.run(STEPS[2], || {
        lb.ok(&[&["-a"][..], &svc, &["-r", RS2, "-m"]].concat())?;
        lb.expect_table(&[SERVICE, &dest(RS1, 1), &dest(RS2, 1)])?;
        let got = requests(6)?;
        expect_alternating(&got)
    });
    report.run(STEPS[3], || {
        lb.ok(&[&["-e"][..], &svc, &["-r", RS1, "-m", "-w", "0"]].concat())?;
        lb.expect_table(&[SERVICE, &dest(RS1, 0), &dest(RS2, 1)])?;
        let got = requests(3)?;
        expect_all(&got, "rs2")
    });
    report.run(STEPS[4], || {
        lb.ok(&[&["-d"][..], &svc, &["-r", RS2]].concat())?;
        lb.expect_table(&[SERVICE, &dest(RS1, 0)])
    });
    report.run(STEPS[5], || {
        lb.ok(&["-D", "-t", VIP])?;
        lb.expect_table(&[])?;
        expect_refused()
    });
    report.run(STEPS[6], || {
        lb.ok(&["-A", "-t", VIP, "-s", "rr"])?;
        lb.ok(&[&["-a"][..], &svc, &["-r", RS1, "-m"]].concat())?;
        lb.ok(&[&["-a"][..], &svc, &["-r", RS2, "-m"]].concat())?;
        lb.expect_table(&[SERVICE, &dest(RS1, 1), &dest(RS2, 1)])?;
        lb.ok(&["-C"])?;
        lb.expect_table(&[])?;
        expect_refused()
    });
    if let Err(e) = exec::must("sh", &[NET_SCRIPT, "down"]) {
        report.run("walkthrough/network teardown", || Err(e));
    }
}

/// Checks our `ipvsadm -Ln` in `lb`.
trait ExpectTable {
    fn expect_table(&self, entries: &[&str]) -> Result<(), String>;
}

impl ExpectTable for Balancer<'_> {
    /// Checks `ipvsadm -Ln`: the fixed header, then exactly `entries`
    /// (whitespace squeezed; real-server lines without the connection
    /// counters, which depend on traffic).
    fn expect_table(&self, entries: &[&str]) -> Result<(), String> {
        let out = self.run(&["-Ln"])?;
        let text = out.stdout_text();
        let problem = |why: &str| {
            Err(format!(
                "`ipvsadm -Ln` ({}): {why}\nstdout:\n{text}stderr:\n{}",
                out.status,
                out.stderr_text()
            ))
        };
        if !out.success() {
            return problem("failed");
        }
        let lines: Vec<&str> = text.lines().collect();
        let header = [
            "Prot LocalAddress:Port Scheduler Flags",
            "  -> RemoteAddress:Port           Forward Weight ActiveConn \
             InActConn",
        ];
        if lines.len() < 3
            || !lines[0].starts_with("IP Virtual Server version ")
            || lines[1..3] != header
        {
            return problem("the header lines are not as expected");
        }
        let got: Vec<String> = lines[3..].iter().map(|l| squeeze(l)).collect();
        if got != entries {
            return problem(&format!("expected entries {entries:?}"));
        }
        Ok(())
    }
}

/// A real-server entry of `-Ln` as `expect_table` compares it.
fn dest(addr: &str, weight: u32) -> String {
    format!("-> {addr} Masq {weight}")
}

fn squeeze(line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.first() == Some(&"->") {
        words[..words.len().min(4)].join(" ")
    } else {
        words.join(" ")
    }
}

/// `count` requests to the VIP, each of which must succeed.
pub(crate) fn requests(count: usize) -> Result<Vec<String>, String> {
    crate::lbnet::requests(URL, count)
}

fn expect_refused() -> Result<(), String> {
    let out = fetch(URL)?;
    if out.success() {
        Err(format!(
            "expected the request to fail, got {:?}",
            out.stdout_text()
        ))
    } else {
        Ok(())
    }
}
