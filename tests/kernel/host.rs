//! The host side: boots one VM with a kernel that has IPVS (the host's
//! kernel has none) and runs this same test program inside it, relaying
//! its output and exit status. Any failure to boot is a test failure.

use std::env;
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Where the guest writes its summary line (shared with the host through
/// vng's `--rwdir`).
const RESULT_FILE: &str = "result";

/// Settings for the guest run.
pub(crate) struct Plan {
    pub ours: PathBuf,
    pub filter: Option<String>,
}

/// Boots the VM, runs the suites inside, and returns the exit status the
/// test program must end with.
pub(crate) fn run(plan: &Plan) -> Result<i32, String> {
    let kernel = find_kernel()?;
    let vng = find_vng()?;
    let exe = env::current_exe()
        .map_err(|e| format!("cannot find this test program: {e}"))?;
    let shared = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kernel-vm");
    fs::create_dir_all(&shared)
        .map_err(|e| format!("cannot create {}: {e}", shared.display()))?;
    let result = shared.join(RESULT_FILE);
    let _ = fs::remove_file(&result);

    let mut vars = vec![
        ("IPVSADM_IN_VM", "1".to_string()),
        ("IPVSADM_OURS", plan.ours.display().to_string()),
        ("IPVSADM_VM_SHARED", shared.display().to_string()),
    ];
    if let Some(filter) = &plan.filter {
        vars.push(("IPVSADM_TEST_FILTER", filter.clone()));
    }
    for name in ["IPVSADM_TEST_VERBOSE", "IPVSADM_TEST_TRACE"] {
        if let Ok(value) = env::var(name) {
            vars.push((name, value));
        }
    }
    let assignments: Vec<String> = vars
        .iter()
        .map(|(k, v)| format!("{k}={}", quote(v)))
        .collect();
    let guest_command = format!(
        "cd {} && exec env {} {}",
        quote(env!("CARGO_MANIFEST_DIR")),
        assignments.join(" "),
        quote(&exe.display().to_string())
    );
    eprintln!(
        "kernel suite: booting {} in QEMU (TCG) with {}",
        kernel.display(),
        vng.display()
    );
    let start = Instant::now();
    let status = boot(&vng, &kernel, &shared, &guest_command)?;
    eprintln!(
        "kernel suite: VM finished after {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let summary = fs::read_to_string(&result).map_err(|_| {
        format!(
            "the VM did not run the suites (vng exit status {status}, no \
             {}): the VM failed to boot or the guest command failed; rerun \
             with IPVSADM_VNG_VERBOSE=1 to see the kernel log",
            result.display()
        )
    })?;
    if status == 0 && !summary.trim_end().ends_with(" 0 failed") {
        return Err(format!(
            "vng exited 0 but the guest reported `{}`",
            summary.trim()
        ));
    }
    Ok(status)
}

pub(crate) fn boot(
    vng: &Path,
    kernel: &Path,
    shared: &Path,
    guest_command: &str,
) -> Result<i32, String> {
    let limit = env::var("IPVSADM_VM_TIMEOUT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4800u64);
    let mut command = Command::new(vng);
    command.args(["--run"]).arg(kernel).args([
        "--user",
        "root",
        "--disable-kvm",
        "--cpus",
        "2",
        "--memory",
        "2G",
    ]);
    if env::var_os("IPVSADM_VNG_VERBOSE").is_some() {
        command.arg("--verbose");
    }
    command
        .arg("--rwdir")
        .arg(shared)
        .arg("--")
        .arg(guest_command)
        .stdin(Stdio::null())
        // Pipes, not our own descriptors: QEMU reopens its stdout through
        // /proc/self/fd/1, and on a regular file that restarts at offset 0
        // and overwrites earlier output.
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    if let Some(dir) = vng.parent() {
        let path = env::var("PATH").unwrap_or_default();
        command.env("PATH", format!("{}:{path}", dir.display()));
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", vng.display()))?;
    let log = shared.join("guest.log");
    let out = relay(child.stdout.take(), io::stdout(), Some(log));
    let err = relay(child.stderr.take(), io::stderr(), None);
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let _ = out.join();
                let _ = err.join();
                return Ok(status.code().unwrap_or(128 + 9));
            }
            Ok(None) if start.elapsed() > Duration::from_secs(limit) => {
                let pgid = child.id() as libc::pid_t;
                // SAFETY: kill(2) on the process group that `process_group(0)`
                // made for the vng process we spawned (vng and its QEMU).
                unsafe { libc::kill(-pgid, libc::SIGKILL) };
                let _ = child.wait();
                return Err(format!(
                    "the VM did not finish within {limit} s and was killed \
                     (IPVSADM_VM_TIMEOUT sets the limit)"
                ));
            }
            Ok(None) => thread::sleep(Duration::from_millis(200)),
            Err(e) => return Err(format!("waiting for vng: {e}")),
        }
    }
}

/// Copies what the VM prints to `sink` as it arrives (and to `log`).
fn relay<R, W>(
    source: Option<R>,
    mut sink: W,
    log: Option<PathBuf>,
) -> thread::JoinHandle<()>
where
    R: Read + Send + 'static,
    W: Write + Send + 'static,
{
    thread::spawn(move || {
        let Some(mut source) = source else { return };
        let mut log = log.and_then(|path| fs::File::create(path).ok());
        let mut buf = [0u8; 4096];
        while let Ok(n) = source.read(&mut buf) {
            if n == 0 {
                break;
            }
            let _ = sink.write_all(&buf[..n]);
            let _ = sink.flush();
            if let Some(file) = log.as_mut() {
                let _ = file.write_all(&buf[..n]);
            }
        }
    })
}

/// `IPVSADM_KERNEL`, else the newest `/boot/vmlinuz-*-amd64`.
pub(crate) fn find_kernel() -> Result<PathBuf, String> {
    if let Some(kernel) = env::var_os("IPVSADM_KERNEL") {
        return Ok(PathBuf::from(kernel));
    }
    let mut kernels: Vec<PathBuf> = fs::read_dir("/boot")
        .map(|dir| {
            dir.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                        n.starts_with("vmlinuz-") && n.ends_with("-amd64")
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    kernels.sort_by_key(|p| version_key(p));
    kernels.pop().ok_or_else(|| {
        "no kernel image /boot/vmlinuz-*-amd64: the kernel suite needs a \
         kernel with IPVS to boot in QEMU (apt-get install \
         linux-image-amd64, or run scripts/test.sh which installs it)"
            .to_string()
    })
}

/// Numbers in the file name, for "newest version" ordering.
fn version_key(path: &Path) -> Vec<u64> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect()
}

/// `vng` from PATH or from /opt/vng/bin.
pub(crate) fn find_vng() -> Result<PathBuf, String> {
    let path = env::var("PATH").unwrap_or_default();
    env::split_paths(&path)
        .chain([PathBuf::from("/opt/vng/bin")])
        .map(|dir| dir.join("vng"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            "vng (virtme-ng) not found in PATH or /opt/vng/bin: the kernel \
             suite boots a VM with it (python3 -m venv /opt/vng && \
             /opt/vng/bin/pip install virtme-ng, or run scripts/test.sh)"
                .to_string()
        })
}

/// Single-quotes `text` for the guest's shell.
pub(crate) fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
