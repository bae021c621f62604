//! Running one program the way the tests compare it: chosen argv[0], a
//! clean environment, optional stdin, captured output and a time limit.

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The `PATH` every program under test sees (ipvsadm runs `/sbin/modprobe`
/// by absolute path, but helpers such as `sh` need a search path).
pub(crate) const CLEAN_PATH: &str = "/usr/sbin:/usr/bin:/sbin:/bin";

/// How long one program may run before it is killed and reported.
const TIME_LIMIT: Duration = Duration::from_secs(30);

/// What one run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub status: String,
}

impl Outcome {
    pub(crate) fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub(crate) fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    pub(crate) fn success(&self) -> bool {
        self.status == "exit 0"
    }
}

/// Renders an exit status so that two runs can be compared as text.
pub(crate) fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        (None, None) => "unknown status".to_string(),
    }
}

/// Runs `program` with `args`, argv[0] set to `arg0`, an environment of
/// only `PATH`, and `stdin` (empty if `None`).
pub(crate) fn run(
    program: &str,
    arg0: &str,
    args: &[String],
    stdin: Option<&[u8]>,
) -> Result<Outcome, String> {
    run_as(program, arg0, args, stdin, None)
}

/// [`run`], optionally as another user (uid and gid alike).
pub(crate) fn run_as<A: AsRef<OsStr>>(
    program: &str,
    arg0: &str,
    args: &[A],
    stdin: Option<&[u8]>,
    user: Option<u32>,
) -> Result<Outcome, String> {
    let start = Instant::now();
    let mut command = Command::new(program);
    if let Some(id) = user {
        command.uid(id).gid(id);
    }
    command
        .arg0(arg0)
        .args(args)
        .env_clear()
        .env("PATH", CLEAN_PATH)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let input = stdin.unwrap_or_default().to_vec();
    let mut pipe_in = child.stdin.take();
    let writer = thread::spawn(move || {
        if let Some(pipe) = pipe_in.as_mut() {
            // A program that exits without reading its input is fine.
            let _ = pipe.write_all(&input);
        }
    });
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait_limited(&mut child, program)?;
    let _ = writer.join();
    if std::env::var_os("IPVSADM_TEST_TRACE").is_some() {
        eprintln!(
            "trace: {:.3} s {program} {}",
            start.elapsed().as_secs_f64(),
            args.iter()
                .map(|a| a.as_ref().to_string_lossy())
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    Ok(Outcome {
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        status: describe(status),
    })
}

/// Runs a helper command (not under test) and fails unless it succeeds.
pub(crate) fn must(program: &str, args: &[&str]) -> Result<Outcome, String> {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let out = run(program, program, &args, None)?;
    if out.success() {
        Ok(out)
    } else {
        Err(format!(
            "`{program} {}` failed ({}): {}{}",
            args.join(" "),
            out.status,
            out.stdout_text(),
            out.stderr_text()
        ))
    }
}

fn drain<R: Read + Send + 'static>(
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

fn wait_limited(
    child: &mut Child,
    program: &str,
) -> Result<ExitStatus, String> {
    let start = Instant::now();
    let mut pause = Duration::from_micros(200);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if start.elapsed() > TIME_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{program} did not finish within {} s and was killed",
                    TIME_LIMIT.as_secs()
                ));
            }
            Ok(None) => {
                thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(5));
            }
            Err(e) => return Err(format!("waiting for {program}: {e}")),
        }
    }
}
