//! `--format table` on the real kernel: a service with two real servers
//! shown as rows under it, with the values the kernel holds, and traffic
//! counted in the `--stats` table.

use std::thread;
use std::time::Duration;

use crate::beyond::{Lb, expect_eq, failed};
use crate::walkthrough::requests;

/// The web service of the walk-through, its second real server weighted
/// 3, in the plain, single-service view; then its counters after
/// traffic in the `--stats` view of the whole table.
pub fn table_view(lb: &Lb) -> Result<(), String> {
    let edit = ["-e", "-t", "10.0.1.100:80", "-r", "10.0.2.12:80", "-m"];
    lb.ok(&[&edit[..], &["-w", "3"]].concat(), None)?;
    let one = ["-Ln", "-t", "10.0.1.100:80", "--format", "table"];
    expect_eq(
        "the table of one service",
        &lb.ok(&one, None)?,
        "\
+------+---------------+-----------+-------+--------------+---------+--------+------------+-----------+
| Prot | Virtual       | Scheduler | Flags | Real server  | Forward | Weight | ActiveConn | InActConn |
+------+---------------+-----------+-------+--------------+---------+--------+------------+-----------+
| TCP  | 10.0.1.100:80 | rr        |       |              |         |        |            |           |
|      |               |           |       | 10.0.2.11:80 | Masq    |      1 |          0 |         0 |
|      |               |           |       | 10.0.2.12:80 | Masq    |      3 |          0 |         0 |
+------+---------------+-----------+-------+--------------+---------+--------+------------+-----------+
",
    )?;
    let answers = requests(4)?;
    if answers.len() != 4 {
        return Err(format!("answers: {answers:?}"));
    }
    // The kernel folds its per-CPU counters every 2 s: poll until the
    // service's row counts every request and its real servers' rows add
    // up to it.
    let all = ["-Ln", "--stats", "--exact", "--format", "table"];
    let mut last = String::new();
    for _ in 0..10 {
        last = lb.ok(&all, None)?;
        if counted(&last) {
            return header_as_text(lb, &last);
        }
        thread::sleep(Duration::from_secs(1));
    }
    Err(format!("the --stats table after 4 requests:\n{last}"))
}

/// Whether the `--stats` table shows the web service with at least 4
/// connections, both its real servers under it with connections adding
/// up to that, and the service on 8080 with its real server after them.
fn counted(table: &str) -> bool {
    let rows: Vec<Vec<&str>> = table
        .lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| l.split('|').map(str::trim).skip(1).collect())
        .collect();
    let conns =
        |row: &Vec<&str>| row.get(3).and_then(|c| c.parse::<u64>().ok());
    let want = ["Prot", "TCP", "", "", "TCP", ""];
    let shape = rows.iter().map(|r| r[0]).collect::<Vec<_>>() == want;
    if !shape
        || rows[1][1] != "10.0.1.100:80"
        || rows[4][1] != "10.0.1.100:8080"
        || rows[5][2] != "10.0.2.11:80"
    {
        return false;
    }
    let servers = [rows[2][2], rows[3][2]];
    let (Some(total), Some(a), Some(b)) =
        (conns(&rows[1]), conns(&rows[2]), conns(&rows[3]))
    else {
        return false;
    };
    servers == ["10.0.2.11:80", "10.0.2.12:80"]
        && total >= 4
        && a + b == total
        && a > 0
        && b > 0
}

/// The whole listing starts with the text view's version line; `-c` has
/// no table view and is refused with status 2 before any output.
fn header_as_text(lb: &Lb, table: &str) -> Result<(), String> {
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
