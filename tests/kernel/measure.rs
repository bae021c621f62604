//! Running one program with generated input and measuring it: its exit
//! status, the peak resident memory the kernel accounted to it
//! (`wait4`'s `ru_maxrss`) and its standard output, read as it comes.
//!
//! The kernel counts in a process's peak the peak of the memory image it
//! had before `exec`; a program started straight from this test program
//! would be charged this program's own few MiB. So a run goes through a
//! small measuring parent (this program started again with [`MEASURER`]
//! set, before it has done anything), which starts the program, reaps it
//! and writes its status and peak to a file.

use std::env;
use std::fs;
use std::io::{self, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;

use crate::exec::CLEAN_PATH;

/// What a measured run produced.
#[derive(Debug)]
pub struct Measured {
    /// `exit N` or `killed by signal N`, as [`crate::exec::describe`].
    pub status: String,
    /// Peak resident set size in KiB.
    pub max_rss_kib: i64,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Starts `program` (argv[0] `ipvsadm`) with piped stdin, stdout and stderr
/// and an environment of only `PATH`.
pub fn spawn(program: &str, args: &[&str]) -> Result<Child, String> {
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

/// The environment variable that makes this test program the measuring
/// parent; its value is the file to write `PEAK_KIB STATUS` to.
pub const MEASURER: &str = "IPVSADM_MEASURE_REPORT";

/// The measuring parent: runs its arguments (program, then its arguments)
/// with argv[0] `ipvsadm`, this process's standard streams and an
/// environment of only `PATH`, and writes the report to `report`.
pub fn measurer(report: &Path) -> ExitCode {
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
    let outcome = command
        .spawn()
        .map_err(|e| format!("cannot run {program:?}: {e}"))
        .and_then(|child| wait_rusage(&child));
    let written = match outcome {
        Ok((status, peak)) => fs::write(report, format!("{peak} {status}")),
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

/// A report file of its own for each measured run.
fn report_file() -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    env::temp_dir().join(format!("ipvsadm-rss-{}-{n}", std::process::id()))
}

/// Reads and removes a report the measuring parent wrote.
fn read_report(file: &Path) -> Result<(String, i64), String> {
    let text = fs::read_to_string(file)
        .map_err(|e| format!("no report from the measuring parent: {e}"))?;
    let _ = fs::remove_file(file);
    let (peak, status) = text.split_once(' ').unwrap_or_default();
    let peak = peak.parse().map_err(|_| {
        format!("bad report from the measuring parent: {text:?}")
    })?;
    Ok((status.to_string(), peak))
}

/// Runs `program` with stdin written by `feed` (on its own thread, so the
/// input is produced while the program runs) and waits for it.
pub fn run(
    program: &str,
    args: &[&str],
    feed: impl FnOnce(&mut dyn Write) -> io::Result<()> + Send + 'static,
) -> Result<Measured, String> {
    let report = report_file();
    let me = env::current_exe()
        .map_err(|e| format!("cannot find this test program: {e}"))?;
    let mut child = Command::new(me)
        .arg(program)
        .args(args)
        .env_clear()
        .env("PATH", CLEAN_PATH)
        .env(MEASURER, &report)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the measuring parent: {e}"))?;
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
    let (status, max_rss_kib) = read_report(&report)
        .map_err(|e| format!("{program}: measuring parent {parent}: {e}"))?;
    Ok(Measured {
        status,
        max_rss_kib,
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

/// Reaps `child` with `wait4` and returns its status and peak RSS (KiB).
pub fn wait_rusage(child: &Child) -> Result<(String, i64), String> {
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
    Ok((described, usage.ru_maxrss))
}

/// Open descriptors of process `pid`.
pub fn open_fds(pid: u32) -> Result<usize, String> {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(Iterator::count)
        .map_err(|e| format!("/proc/{pid}/fd: {e}"))
}

/// A running restore fed in pieces. Its output is drained on threads (it
/// is buffered until exit, so it cannot be used to synchronise).
pub struct Restore {
    pub child: Child,
    input: ChildStdin,
    output: [thread::JoinHandle<Vec<u8>>; 2],
}

impl Restore {
    pub fn start(program: &str) -> Result<Self, String> {
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
    pub fn send_and_sync(
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
    pub fn finish(self) -> Result<(String, String), String> {
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
