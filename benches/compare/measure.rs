//! Running one program and taking its wall time, CPU time and peak RSS
//! from `wait4`.
//!
//! The kernel counts in a process's peak RSS the peak of the image it had
//! before `exec`: a program started straight from this benchmark (which
//! holds its generated inputs, a few MiB) would be charged the benchmark's
//! own size, and small runs of both tools would read the same floor. So
//! every run goes through a measuring parent: this program started again
//! with [`MEASURER`] set, which forks and execs the program, times and
//! reaps it, and writes what it measured to a report file.

use std::env;
use std::fs::{self, File};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// The environment variable that makes this program the measuring
/// parent; its value is the report file.
pub const MEASURER: &str = "IPVSADM_BENCH_MEASURER";

/// What one run of a program cost.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub wall_ms: f64,
    pub user_ms: f64,
    pub sys_ms: f64,
    /// Peak resident set size in KiB.
    pub max_rss_kib: i64,
}

/// Runs `program args` with stdin from `input` (or nothing) and stdout to
/// `output`; fails unless it exits 0 with nothing on stderr.
pub fn run(
    program: &str,
    args: &[&str],
    input: Option<&Path>,
    output: &Path,
) -> Result<Sample, String> {
    let stdin = match input {
        Some(path) => Stdio::from(open(path)?),
        None => Stdio::null(),
    };
    let stdout = File::create(output)
        .map_err(|e| format!("{}: {e}", output.display()))?;
    let err_path = output.with_extension("err");
    let stderr = File::create(&err_path)
        .map_err(|e| format!("{}: {e}", err_path.display()))?;
    let report = output.with_extension("report");
    let _ = fs::remove_file(&report);
    let me = env::current_exe().map_err(|e| format!("own path: {e}"))?;
    let parent = Command::new(me)
        .arg(program)
        .args(args)
        .env(MEASURER, &report)
        .stdin(stdin)
        .stdout(stdout)
        .stderr(stderr)
        .status()
        .map_err(|e| format!("cannot start the measuring parent: {e}"))?;
    let text = fs::read_to_string(&report).map_err(|e| {
        format!("no report from the measuring parent ({parent}): {e}")
    })?;
    let (status, sample) = parse_report(&text).ok_or_else(|| {
        format!("bad report from the measuring parent: {text}")
    })?;
    let errors = std::fs::read_to_string(&err_path).unwrap_or_default();
    if status != 0 || !errors.is_empty() {
        return Err(format!(
            "{program} {args:?} failed (wait status {status}): {errors}"
        ));
    }
    Ok(sample)
}

/// The measuring parent: runs its arguments (program, then arguments) with
/// this process's standard streams, and writes `STATUS WALL USER SYS RSS`
/// to the report file `report`.
pub fn measurer(report: &Path) -> ExitCode {
    let mut args = env::args_os().skip(1);
    let program = args.next().unwrap_or_default();
    let mut command = Command::new(&program);
    command.args(args).env_remove(MEASURER);
    // SAFETY: the hook does nothing; having one makes the standard library
    // fork (a copy of this small process) rather than start the program
    // inside this process's memory, which exec would charge it for.
    unsafe { command.pre_exec(|| Ok(())) };
    let start = Instant::now();
    let measured = command
        .spawn()
        .map_err(|e| format!("cannot start {program:?}: {e}"))
        .and_then(|child| wait(child.id() as libc::pid_t));
    let wall = start.elapsed();
    let text = match measured {
        Ok((status, usage)) => format!(
            "{status} {} {} {} {}",
            wall.as_secs_f64() * 1e3,
            millis(usage.ru_utime),
            millis(usage.ru_stime),
            usage.ru_maxrss
        ),
        Err(e) => {
            eprintln!("measuring parent: {e}");
            return ExitCode::FAILURE;
        }
    };
    match fs::write(report, text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("measuring parent: {}: {e}", report.display());
            ExitCode::FAILURE
        }
    }
}

/// A report's wait status and sample.
fn parse_report(text: &str) -> Option<(i32, Sample)> {
    let mut fields = text.split_whitespace();
    let status = fields.next()?.parse().ok()?;
    let mut number = || fields.next()?.parse::<f64>().ok();
    let (wall_ms, user_ms, sys_ms) = (number()?, number()?, number()?);
    let max_rss_kib = number()? as i64;
    Some((
        status,
        Sample {
            wall_ms,
            user_ms,
            sys_ms,
            max_rss_kib,
        },
    ))
}

/// Runs a set-up command whose cost is not measured.
pub fn run_quiet(program: &str, args: &[&str]) -> Result<(), String> {
    let status = Command::new(program)
        .args(args)
        .status()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    if !status.success() {
        return Err(format!("{program} {args:?}: {status}"));
    }
    Ok(())
}

fn open(path: &Path) -> Result<File, String> {
    File::open(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn wait(pid: libc::pid_t) -> Result<(i32, libc::rusage), String> {
    let mut status = 0;
    // SAFETY: rusage is a plain C struct for which all-zero bytes are valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pid is our own child, not yet reaped (std's Child was not
        // waited on); status and usage are live, writable locals.
        let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if rc == pid {
            return Ok((status, usage));
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4: {e}"));
        }
    }
}

fn millis(t: libc::timeval) -> f64 {
    t.tv_sec as f64 * 1e3 + t.tv_usec as f64 / 1e3
}
