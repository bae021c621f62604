//! The differential suite: each case of `cases/*.cases` (format in
//! `cases.rs`) runs once with our ipvsadm and once with the reference one,
//! each in its own fresh network namespace, and everything observable must
//! match byte for byte.

use crate::cases::{Case, Step, StepKind};
use crate::exec::{self, Outcome};
use crate::netns;
use crate::report::{Filter, Report};
use std::thread;

/// uid and gid of `nobody`, for `nobody:` steps.
const NOBODY: u32 = 65534;

/// The two programs under comparison.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Programs<'a> {
    pub ours: &'a str,
    pub reference: &'a str,
}

/// Everything one side of a case produced.
#[derive(Debug)]
struct Side {
    steps: Vec<Outcome>,
    /// `-Sn` of the reference tool in that namespace at the end.
    table: Outcome,
}

/// Runs every case that passes `filter`.
pub(crate) fn run(
    cases: &[Case],
    programs: Programs<'_>,
    filter: &Filter,
    report: &mut Report,
) {
    for case in cases {
        let name = format!("differential/{}", case.name);
        if filter.matches(&name) {
            report.run(&name, || check(case, programs));
        }
    }
}

fn check(case: &Case, programs: Programs<'_>) -> Result<(), String> {
    // One side after the other: the kernel's service dump resumes by a
    // position counted over every namespace's services, so changes made by
    // one side while the other dumps could corrupt the other's listing.
    let (ours, reference) = thread::scope(|scope| {
        let ours = join(scope.spawn(|| side(case, programs.ours, programs)));
        let reference =
            join(scope.spawn(|| side(case, programs.reference, programs)));
        (ours, reference)
    });
    let ours = ours.map_err(|e| format!("running ours: {e}"))?;
    let reference =
        reference.map_err(|e| format!("running the reference: {e}"))?;
    if std::env::var_os("IPVSADM_TEST_VERBOSE").is_some() {
        show(case, &reference);
    }
    let mut problems = Vec::new();
    for (index, step) in case.steps.iter().enumerate() {
        if let (Some(r), Some(o)) =
            (reference.steps.get(index), ours.steps.get(index))
        {
            compare_step(index + 1, step, r, o, &mut problems);
        }
    }
    let expected = sorted_lines(&reference.table.stdout);
    let got = sorted_lines(&ours.table.stdout);
    if expected != got {
        problems.push(format!(
            "final table (`ipvsadm -Sn`, lines sorted) differs \
             (- reference, + ours):\n{}",
            diff(&expected, &got)
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Prints what the reference produced for each step (for case authors).
fn show(case: &Case, reference: &Side) {
    println!("--- {}", case.name);
    for (step, out) in case.steps.iter().zip(&reference.steps) {
        println!("$ {}", step.text);
        for line in out.stdout_text().lines() {
            println!("  {line}");
        }
        for line in out.stderr_text().lines() {
            println!("  stderr: {line}");
        }
        println!("  [{}]", out.status);
    }
}

fn join<T>(
    handle: thread::ScopedJoinHandle<'_, Result<T, String>>,
) -> Result<T, String> {
    handle
        .join()
        .unwrap_or_else(|_| Err("the runner thread panicked".to_string()))
}

/// Runs the case's steps with `program` in a fresh namespace owned by the
/// calling thread (which must not be used for anything else afterwards).
fn side(
    case: &Case,
    program: &str,
    programs: Programs<'_>,
) -> Result<Side, String> {
    netns::enter_fresh()
        .map_err(|e| format!("cannot create a network namespace: {e}"))?;
    let mut steps = Vec::new();
    for step in &case.steps {
        let outcome = match &step.kind {
            StepKind::Ipvsadm(args) => {
                let user = step.unprivileged.then_some(NOBODY);
                exec::run_as(
                    program,
                    "ipvsadm",
                    args,
                    step.stdin.as_deref(),
                    user,
                )?
            }
            StepKind::Shell(command) => {
                // The program of this run, as $IPVSADM (paths of ours and
                // Debian's hold no quote).
                let script = format!("IPVSADM='{program}'\n{command}");
                let args = vec!["-c".to_string(), script];
                let out =
                    exec::run("/bin/sh", "sh", &args, step.stdin.as_deref())?;
                if !out.success() {
                    return Err(format!(
                        "setup `{command}` failed ({}): {}",
                        out.status,
                        out.stderr_text()
                    ));
                }
                out
            }
        };
        steps.push(outcome);
    }
    let table =
        exec::run(programs.reference, "ipvsadm", &["-Sn".to_string()], None)?;
    if !table.success() {
        return Err(format!(
            "`ipvsadm -Sn` failed ({}): {}",
            table.status,
            table.stderr_text()
        ));
    }
    Ok(Side { steps, table })
}

fn compare_step(
    number: usize,
    step: &Step,
    reference: &Outcome,
    ours: &Outcome,
    problems: &mut Vec<String>,
) {
    if matches!(step.kind, StepKind::Shell(_)) {
        return;
    }
    let mut found = Vec::new();
    let (expected, got) = if step.sorted {
        (sorted_lines(&reference.stdout), sorted_lines(&ours.stdout))
    } else {
        (reference.stdout.clone(), ours.stdout.clone())
    };
    if expected != got {
        let what = if step.sorted {
            "stdout (lines sorted)"
        } else {
            "stdout"
        };
        found.push(format!(
            "{what} differs (- reference, + ours):\n{}",
            diff(&expected, &got)
        ));
    }
    if reference.stderr != ours.stderr {
        found.push(format!(
            "stderr differs (- reference, + ours):\n{}",
            diff(&reference.stderr, &ours.stderr)
        ));
    }
    if reference.status != ours.status {
        found.push(format!(
            "status differs: reference {}, ours {}",
            reference.status, ours.status
        ));
    }
    if !found.is_empty() {
        let stdin = if step.stdin.is_some() { " <<EOF" } else { "" };
        problems.push(format!(
            "command {number} (line {}): {}{stdin}\n  {}",
            step.line,
            step.text,
            found.join("\n  ").replace('\n', "\n  ")
        ));
    }
}

/// The text's lines (each with its newline, if any) in sorted order.
fn sorted_lines(text: &[u8]) -> Vec<u8> {
    let mut lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
    lines.sort_unstable();
    lines.concat()
}

/// A line diff of two outputs: ` ` both, `-` only expected, `+` only got;
/// each line shown quoted with escapes so that trailing spaces, tabs and a
/// missing final newline are visible.
pub(crate) fn diff(expected: &[u8], got: &[u8]) -> String {
    let a: Vec<&[u8]> = expected.split_inclusive(|&b| b == b'\n').collect();
    let b: Vec<&[u8]> = got.split_inclusive(|&b| b == b'\n').collect();
    // Longest common subsequence table, filled from the end.
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    let mut line = |mark: char, text: &[u8]| {
        out.push_str(&format!(
            "  {mark} {:?}\n",
            String::from_utf8_lossy(text)
        ));
    };
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            line(' ', a[i]);
            i += 1;
            j += 1;
        } else if i < a.len()
            && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1])
        {
            line('-', a[i]);
            i += 1;
        } else {
            line('+', b[j]);
            j += 1;
        }
    }
    if expected.is_empty() {
        out.push_str("  - (nothing)\n");
    }
    if got.is_empty() {
        out.push_str("  + (nothing)\n");
    }
    out.trim_end().to_string()
}
