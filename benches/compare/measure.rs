//! Running one program and taking its wall time, CPU time and peak RSS
//! from `wait4`.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

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
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .stdin(stdin)
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    let (status, usage) = wait(child.id() as libc::pid_t)?;
    let wall = start.elapsed();
    let errors = std::fs::read_to_string(&err_path).unwrap_or_default();
    if status != 0 || !errors.is_empty() {
        return Err(format!(
            "{program} {args:?} failed (wait status {status}): {errors}"
        ));
    }
    Ok(Sample {
        wall_ms: wall.as_secs_f64() * 1e3,
        user_ms: millis(usage.ru_utime),
        sys_ms: millis(usage.ru_stime),
        max_rss_kib: usage.ru_maxrss,
    })
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
