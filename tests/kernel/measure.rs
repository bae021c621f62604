//! Running one program with generated input and measuring it: its exit
//! status, the peak resident memory the kernel accounted to it
//! (`wait4`'s `ru_maxrss`) and its standard output, read as it comes.

use std::io::{self, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, Stdio};
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

/// Runs `program` with stdin written by `feed` (on its own thread, so the
/// input is produced while the program runs) and waits for it.
pub fn run(
    program: &str,
    args: &[&str],
    feed: impl FnOnce(&mut dyn Write) -> io::Result<()> + Send + 'static,
) -> Result<Measured, String> {
    let mut child = spawn(program, args)?;
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
    let (status, max_rss_kib) = wait_rusage(&child)?;
    let _ = writer.join();
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
