//! `--format table` on the real kernel: a service with two real servers
//! shown as rows under it, with the values the kernel holds, and traffic
//! counted in the `--stats` table.
//!
//! The service is one no other test uses (10.0.1.100:8081, to the web
//! servers' port 80): IPVS keeps deleted real servers that connections
//! still refer to and gives them back, counters and all, when the same
//! service gets them again.

use std::thread;
use std::time::Duration;

use crate::beyond::{Lb, expect_eq, failed};
use crate::lbnet::{expect_alternating, requests};

const VIP: &str = "10.0.1.100:8081";

/// The service with its second real server weighted 3, in the plain
/// single-service view; then its counters after traffic in the
/// `--stats` view of the whole table.
pub(crate) fn table_view(lb: &Lb) -> Result<(), String> {
    lb.ok(&["-A", "-t", VIP, "-s", "rr"], None)?;
    for (server, weight) in [("10.0.2.11:80", "1"), ("10.0.2.12:80", "3")] {
        let add = ["-a", "-t", VIP, "-r", server, "-m", "-w", weight];
        lb.ok(&add, None)?;
    }
    let one = ["-Ln", "-t", VIP, "--format", "table"];
    expect_eq(
        "the table of one service",
        &lb.ok(&one, None)?,
        "\
+------+-----------------+-----------+-------+--------------+---------+--------+------------+-----------+
| Prot | Virtual         | Scheduler | Flags | Real server  | Forward | Weight | ActiveConn | InActConn |
+------+-----------------+-----------+-------+--------------+---------+--------+------------+-----------+
| TCP  | 10.0.1.100:8081 | rr        |       |              |         |        |            |           |
|      |                 |           |       | 10.0.2.11:80 | Masq    |      1 |          0 |         0 |
|      |                 |           |       | 10.0.2.12:80 | Masq    |      3 |          0 |         0 |
+------+-----------------+-----------+-------+--------------+---------+--------+------------+-----------+
",
    )?;
    expect_alternating(&requests(&format!("http://{VIP}/"), 4)?)?;
    // The kernel folds its per-CPU counters every 2 s: poll until the
    // service's row counts every request and its real servers' rows
    // share them.
    let all = ["-Ln", "--stats", "--exact", "--format", "table"];
    let mut last = String::new();
    for _ in 0..10 {
        last = lb.ok(&all, None)?;
        if counted(&last) {
            return header_and_refusal(lb, &last);
        }
        thread::sleep(Duration::from_secs(1));
    }
    Err(format!("the --stats table after 4 requests:\n{last}"))
}

/// Whether the `--stats` table holds the service after the two of the
/// reset table, with 4 connections, and its two real servers under it
/// with 2 each.
fn counted(table: &str) -> bool {
    let rows: Vec<Vec<&str>> = table
        .lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| l.split('|').map(str::trim).skip(1).collect())
        .collect();
    // Prot, Virtual, Real server, Conns of each row.
    let cells: Vec<[&str; 4]> = rows
        .iter()
        .map(|r| [0, 1, 2, 3].map(|i| r.get(i).copied().unwrap_or("?")))
        .collect();
    let want: [[&str; 4]; 3] = [
        ["TCP", VIP, "", "4"],
        ["", "", "10.0.2.11:80", "2"],
        ["", "", "10.0.2.12:80", "2"],
    ];
    let services: Vec<&str> = cells
        .iter()
        .filter(|c| c[0] == "TCP")
        .map(|c| c[1])
        .collect();
    services == ["10.0.1.100:80", "10.0.1.100:8080", VIP]
        && cells.len() >= 3
        && cells[cells.len() - 3..] == want
}

/// The whole listing starts with the text view's version line; `-c` has
/// no table view and is refused with status 2 before any output.
fn header_and_refusal(lb: &Lb, table: &str) -> Result<(), String> {
    let text = lb.ok(&["-Ln"], None)?;
    expect_eq(
        "the version line",
        table.lines().next().unwrap_or(""),
        text.lines().next().unwrap_or("-"),
    )?;
    let args = ["-Lnc", "--format", "table"];
    let out = lb.run(&args, None)?;
    if out.status != "exit 2"
        || !out.stdout.is_empty()
        || out.stderr_text()
            != "--format table does not list connections (text or json)\n"
    {
        return Err(failed(&args, &out));
    }
    Ok(())
}
