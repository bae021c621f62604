//! Running one program and measuring it: its exit status, its wall time,
//! its user and system time and the peak resident memory the kernel
//! accounted to it, all from `wait4`. The kernel suite and the benchmark
//! (`benches/compare`, which includes this file) share it.
//!
//! The kernel counts in a process's peak the peak of the memory image it
//! had before `exec`; a program started straight from a test or benchmark
//! program would be charged that program's own few MiB. So a run goes
//! through a small measuring parent (the calling program started again
//! with [`MEASURER`] set, before it has done anything), which starts the
//! program, times and reaps it and writes what it measured to a file.

use std::env;
use std::fs;
use std::io::{self, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::Instant;

use crate::exec::CLEAN_PATH;

/// What a measured run produced.
#[derive(Debug)]
pub(crate) struct Measured {
    /// `exit N` or `killed by signal N`, as [`crate::exec::describe`].
    pub status: String,
    /// Peak resident set size in KiB.
    pub max_rss_kib: i64,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// What one run cost, as the measuring parent reports it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cost {
    /// `exit N` or `killed by signal N`.
    pub status: String,
    pub wall_ms: f64,
    pub user_ms: f64,
    pub sys_ms: f64,
    /// Peak resident set size in KiB.
    pub max_rss_kib: i64,
}

/// Starts `program` (argv[0] `ipvsadm`) with piped stdin, stdout and stderr
/// and an environment of only `PATH`.
pub(crate) fn spawn(program: &str, args: &[&str]) -> Result<Child, String> {
    Command::new(program)
        .arg0("ipvsadm")
        .args(args)
        .env_clear()
        .env("PATH", CLEAN_PATH)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))
}

/// The environment variable that makes a test or benchmark program the
/// measuring parent; its value is the file to write the report to.
pub(crate) const MEASURER: &str = "IPVSADM_MEASURE_REPORT";

/// The measuring parent: runs its arguments (program, then its arguments)
/// with argv[0] `ipvsadm`, this process's standard streams and an
/// environment of only `PATH`, and writes the report to `report`.
pub(crate) fn measurer(report: &Path) -> ExitCode {
    let mut args = env::args_os().skip(1);
    let program = args.next().unwrap_or_default();
    let mut command = Command::new(&program);
    command
        .arg0("ipvsadm")
        .args(args)
        .env_clear()
        .env("PATH", CLEAN_PATH);
    // SAFETY: the hook does nothing; having one makes the standard library
    // fork instead of sharing this process's memory until exec.
    unsafe { command.pre_exec(|| Ok(())) };
    let start = Instant::now();
    let outcome = command
        .spawn()
        .map_err(|e| format!("cannot run {program:?}: {e}"))
        .and_then(|child| wait_rusage(&child));
    let wall = start.elapsed();
    let written = match outcome {
        Ok((status, usage)) => {
            let cost = Cost {
                status,
                wall_ms: wall.as_secs_f64() * 1e3,
                user_ms: millis(usage.ru_utime),
                sys_ms: millis(usage.ru_stime),
                max_rss_kib: usage.ru_maxrss,
            };
            fs::write(report, cost.to_report())
        }
        Err(e) => {
            eprintln!("measuring parent: {e}");
            return ExitCode::FAILURE;
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("measuring parent: {}: {e}", report.display());
            ExitCode::FAILURE
        }
    }
}

impl Cost {
    /// The report's text: `WALL USER SYS PEAK STATUS`.
    fn to_report(&self) -> String {
        format!(
            "{} {} {} {} {}",
            self.wall_ms,
            self.user_ms,
            self.sys_ms,
            self.max_rss_kib,
            self.status
        )
    }

    fn from_report(text: &str) -> Option<Cost> {
        let mut fields = text.splitn(5, ' ');
        let mut number = || fields.next()?.parse::<f64>().ok();
        let (wall_ms, user_ms, sys_ms) = (number()?, number()?, number()?);
        let max_rss_kib = fields.next()?.parse().ok()?;
        let status = fields.next()?.to_string();
        Some(Cost {
            status,
            wall_ms,
            user_ms,
            sys_ms,
            max_rss_kib,
        })
    }
}

/// A report file of its own for each measured run.
fn report_file() -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    env::temp_dir().join(format!("ipvsadm-rss-{}-{n}", std::process::id()))
}

/// Starts the measuring parent on `program args` with the given streams.
/// The caller reaps it with [`wait_rusage`] and then reads `report` with
/// [`read_report`].
fn start_measured(
    program: &str,
    args: &[&str],
    report: &Path,
    streams: [Stdio; 3],
) -> Result<Child, String> {
    let me = env::current_exe()
        .map_err(|e| format!("cannot find this program: {e}"))?;
    let [stdin, stdout, stderr] = streams;
    Command::new(me)
        .arg(program)
        .args(args)
        .env_clear()
        .env("PATH", CLEAN_PATH)
        .env(MEASURER, report)
        .stdin(stdin)
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("cannot start the measuring parent: {e}"))
}

/// Reads and removes a report the measuring parent wrote.
fn read_report(file: &Path) -> Result<Cost, String> {
    let text = fs::read_to_string(file)
        .map_err(|e| format!("no report from the measuring parent: {e}"))?;
    let _ = fs::remove_file(file);
    Cost::from_report(&text).ok_or_else(|| {
        format!("bad report from the measuring parent: {text:?}")
    })
}

/// Runs `program` with the given standard streams and waits for it; its
/// cost. The benchmark's way (its streams are files).
#[allow(dead_code)]
pub(crate) fn run_with(
    program: &str,
    args: &[&str],
    streams: [Stdio; 3],
) -> Result<Cost, String> {
    let report = report_file();
    let child = start_measured(program, args, &report, streams)?;
    let (parent, _) = wait_rusage(&child)?;
    read_report(&report)
        .map_err(|e| format!("{program}: measuring parent {parent}: {e}"))
}

/// Runs `program` with stdin written by `feed` (on its own thread, so the
/// input is produced while the program runs) and waits for it.
pub(crate) fn run(
    program: &str,
    args: &[&str],
    feed: impl FnOnce(&mut dyn Write) -> io::Result<()> + Send + 'static,
) -> Result<Measured, String> {
    let report = report_file();
    let piped = [Stdio::piped(), Stdio::piped(), Stdio::piped()];
    let mut child = start_measured(program, args, &report, piped)?;
    let stdin = child.stdin.take();
    let writer = thread::spawn(move || {
        if let Some(mut pipe) = stdin {
            let mut out = io::BufWriter::with_capacity(1 << 16, &mut pipe);
            // The program may stop reading early; that is its answer.
            let _ = feed(&mut out).and_then(|()| out.flush());
        }
    });
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let (parent, _) = wait_rusage(&child)?;
    let _ = writer.join();
    let cost = read_report(&report)
        .map_err(|e| format!("{program}: measuring parent {parent}: {e}"))?;
    Ok(Measured {
        status: cost.status,
        max_rss_kib: cost.max_rss_kib,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

fn drain<R: io::Read + Send + 'static>(
    pipe: Option<R>,
) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut buf);
        }
        buf
    })
}

/// Reaps `child` with `wait4`; its status, described, and its usage.
pub(crate) fn wait_rusage(
    child: &Child,
) -> Result<(String, libc::rusage), String> {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is a plain C struct; all-zero bytes are valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `status` and `usage` are valid for writes for the whole
        // call; `pid` is our own unreaped child.
        let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if rc == pid {
            break;
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(format!("wait4: {e}"));
        }
    }
    let described = if libc::WIFEXITED(status) {
        format!("exit {}", libc::WEXITSTATUS(status))
    } else {
        format!("killed by signal {}", libc::WTERMSIG(status))
    };
    Ok((described, usage))
}

fn millis(t: libc::timeval) -> f64 {
    t.tv_sec as f64 * 1e3 + t.tv_usec as f64 / 1e3
}

/// Open descriptors of process `pid`.
pub(crate) fn open_fds(pid: u32) -> Result<usize, String> {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(Iterator::count)
        .map_err(|e| format!("/proc/{pid}/fd: {e}"))
}

/// A running restore fed in pieces. Its output is drained on threads (it
/// is buffered until exit, so it cannot be used to synchronise).
pub(crate) struct Restore {
    pub child: Child,
    input: ChildStdin,
    output: [thread::JoinHandle<Vec<u8>>; 2],
}

impl Restore {
    pub(crate) fn start(program: &str) -> Result<Self, String> {
        let mut child = spawn(program, &["-R"])?;
        let input = child.stdin.take().ok_or("no stdin")?;
        let output = [drain(child.stdout.take()), drain(child.stderr.take())];
        Ok(Restore {
            child,
            input,
            output,
        })
    }

    /// Sends `lines`, then adds the service `marker` and a listing (which
    /// makes the restore send what it has batched), and waits until
    /// `probe` sees the marker: everything sent before has then been
    /// executed.
    pub(crate) fn send_and_sync(
        &mut self,
        lines: &str,
        marker: &str,
        probe: &str,
    ) -> Result<(), String> {
        let tail = format!("-A -t {marker}\n-L --timeout\n");
        self.input
            .write_all(lines.as_bytes())
            .and_then(|()| self.input.write_all(tail.as_bytes()))
            .and_then(|()| self.input.flush())
            .map_err(|e| format!("writing to the restore: {e}"))?;
        let args = ["-L".to_string(), "-t".to_string(), marker.to_string()];
        for _ in 0..3000 {
            if crate::exec::run(probe, "ipvsadm", &args, None)?.success() {
                return Ok(());
            }
            thread::sleep(std::time::Duration::from_millis(100));
        }
        Err(format!("the restore never added {marker}"))
    }

    /// Closes stdin and waits; returns the exit status and stderr.
    pub(crate) fn finish(self) -> Result<(String, String), String> {
        let Restore {
            child,
            input,
            output: [stdout, stderr],
        } = self;
        drop(input);
        let (status, _) = wait_rusage(&child)?;
        let _ = stdout.join();
        let stderr = stderr.join().unwrap_or_default();
        Ok((status, String::from_utf8_lossy(&stderr).into_owned()))
    }
}
