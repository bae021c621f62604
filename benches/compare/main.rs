//! The benchmark against Debian's ipvsadm: restore, list and save at a few
//! table sizes, timed in a VM whose kernel has IPVS. Not a test: it only
//! measures and prints a markdown table of medians and ratios.
//!
//! On the host (`IPVSADM_IN_VM` unset) it boots ONE VM with vng, like the
//! kernel suite, and runs itself inside; `scripts/bench.sh` is the command.
//! The host prints the table and keeps it, with the same results as JSON,
//! in `target/bench/` (`table.md`, `results.json`).
//! Inside, every measurement runs in a fresh network namespace, ours and
//! `/usr/sbin/ipvsadm` alternate (the first of each pair swaps every
//! round), and each program's wall time, user and system time and peak RSS
//! are taken from `wait4` by the kernel suite's measuring parent
//! (`tests/kernel/measure.rs`). Both programs and every library they load
//! run from the guest's memory, as from an installed system's page cache:
//! the programs are copied to the guest's /tmp and the libraries copied
//! into the writable layer over the shared tree (see `libraries_in_memory`).
//!
//! Settings: `IPVSADM_BENCH_ROUNDS` (default 3, at least 3),
//! `IPVSADM_BENCH_ONLY` (run only scenarios whose name contains this).

#[allow(dead_code)]
#[path = "../../tests/kernel/exec.rs"]
mod exec;
#[allow(dead_code)]
#[path = "../../tests/kernel/host.rs"]
mod host;
mod inputs;
#[allow(dead_code)]
#[path = "../../tests/kernel/measure.rs"]
mod measure;
#[allow(dead_code)]
#[path = "../../tests/kernel/netns.rs"]
mod netns;
mod scenario;
mod supervise;
#[allow(dead_code)]
#[path = "../../tests/kernel/watchkit.rs"]
mod watchkit;

use std::env;
use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{SystemTime, UNIX_EPOCH};

const REFERENCE: &str = "/usr/sbin/ipvsadm";

fn main() -> ExitCode {
    if let Some(report) = env::var_os(measure::MEASURER) {
        return measure::measurer(Path::new(&report));
    }
    let result = if env::var_os("IPVSADM_IN_VM").is_some() {
        guest()
    } else {
        on_host()
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn on_host() -> Result<(), String> {
    let kernel = host::find_kernel()?;
    let vng = host::find_vng()?;
    let exe = env::current_exe().map_err(|e| format!("own path: {e}"))?;
    let shared = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-vm");
    fs::create_dir_all(&shared).map_err(|e| format!("{e}"))?;
    let table = shared.join("table.md");
    let results = shared.join("results.json");
    let _ = fs::remove_file(&table);
    let _ = fs::remove_file(&results);
    let mut vars = vec![
        format!("IPVSADM_IN_VM=1"),
        format!(
            "IPVSADM_VM_SHARED={}",
            host::quote(&shared.display().to_string())
        ),
    ];
    for name in [
        "IPVSADM_BENCH_ROUNDS",
        "IPVSADM_BENCH_ONLY",
        supervise::BASELINE,
    ] {
        if let Ok(value) = env::var(name) {
            vars.push(format!("{name}={}", host::quote(&value)));
        }
    }
    let command = format!(
        "cd {} && exec env {} {}",
        host::quote(env!("CARGO_MANIFEST_DIR")),
        vars.join(" "),
        host::quote(&exe.display().to_string())
    );
    eprintln!("bench: booting {} in QEMU (TCG)", kernel.display());
    let status = host::boot(&vng, &kernel, &shared, &command)?;
    let text = fs::read_to_string(&table)
        .map_err(|_| format!("the guest wrote no table (status {status})"))?;
    println!("\n{text}");
    if status != 0 {
        return Err(format!("guest exit status {status}"));
    }
    let kept = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    fs::create_dir_all(&kept).map_err(|e| format!("{e}"))?;
    for file in [&table, &results] {
        let name = file.file_name().unwrap_or_default();
        fs::copy(file, kept.join(name))
            .map_err(|e| format!("{}: {e}", file.display()))?;
    }
    eprintln!("bench: table and JSON kept in {}", kept.display());
    Ok(())
}

fn guest() -> Result<(), String> {
    let rounds = env::var("IPVSADM_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3usize)
        .max(3);
    let only = env::var("IPVSADM_BENCH_ONLY").ok();
    run_quiet("modprobe", &["ip_vs"])?;
    let date = utc_now();
    let work = Path::new("/tmp/ipvsadm-bench");
    fs::create_dir_all(work).map_err(|e| format!("{e}"))?;
    let ours = local_copy(env!("CARGO_BIN_EXE_ipvsadm"), &work.join("ours"))?;
    let reference = local_copy(REFERENCE, &work.join("reference"))?;
    libraries_in_memory(&[&ours, &reference])?;
    let tools = scenario::Tools {
        ours: &ours,
        reference: &reference,
    };
    let mut rows = Vec::new();
    for sc in scenario::all() {
        if only.as_deref().is_some_and(|o| !sc.name().contains(o)) {
            continue;
        }
        eprintln!("bench: {}", sc.name());
        rows.push(sc.run(&tools, rounds, work)?);
    }
    let mut supervised = Vec::new();
    for name in [supervise::CPU, supervise::FAILURE] {
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        eprintln!("bench: {name}");
        supervised.extend(supervise::run(name, &tools, rounds)?);
    }
    let mut table = String::new();
    if !rows.is_empty() {
        table = scenario::markdown(&rows, rounds);
    }
    if !supervised.is_empty() {
        table.push('\n');
        table.push_str(&supervise::markdown(&supervised));
    }
    println!("{table}");
    if let Ok(dir) = env::var("IPVSADM_VM_SHARED") {
        let extra = supervise::json(&supervised);
        let json = scenario::json(&rows, rounds, &date, &extra);
        for (name, text) in [("table.md", &table), ("results.json", &json)] {
            fs::write(Path::new(&dir).join(name), text)
                .map_err(|e| format!("{e}"))?;
        }
    }
    Ok(())
}

/// Runs a set-up command whose cost is not measured.
fn run_quiet(program: &str, args: &[&str]) -> Result<(), String> {
    let status = Command::new(program)
        .args(args)
        .status()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    if !status.success() {
        return Err(format!("{program} {args:?}: {status}"));
    }
    Ok(())
}

/// The time now, UTC, as `YYYY-MM-DD HH:MM`.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

/// Puts every shared library that `programs` load (the dynamic loader
/// included) in the guest's memory. The guest sees the host's tree over 9p,
/// where a page fault maps one page; a file in memory (or in an installed
/// system's page cache) maps the 64 KiB around it (the kernel's
/// fault-around), which peak RSS counts. So a program run from memory
/// against libraries read over 9p would be charged more pages than the
/// libraries it is compared with. Each library is copied next to itself
/// and renamed over itself: the copy lands in the guest's memory-backed
/// writable layer over /usr.
fn libraries_in_memory(programs: &[&str]) -> Result<(), String> {
    let mut libraries = std::collections::BTreeSet::new();
    for program in programs {
        let out = Command::new("ldd")
            .arg(program)
            .output()
            .map_err(|e| format!("cannot start ldd: {e}"))?;
        if !out.status.success() {
            return Err(format!("ldd {program}: {}", out.status));
        }
        // `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)` or
        // `/lib64/ld-linux-x86-64.so.2 (0x...)`.
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let path = line.split("=>").last().unwrap_or("").trim();
            if let Some((path, _)) = path.split_once(" (") {
                if path.starts_with('/') {
                    let real = fs::canonicalize(path)
                        .map_err(|e| format!("{path}: {e}"))?;
                    libraries.insert(real);
                }
            }
        }
    }
    for library in &libraries {
        let copy = library.with_extension("bench-copy");
        fs::copy(library, &copy)
            .and_then(|_| fs::rename(&copy, library))
            .map_err(|e| format!("{}: {e}", library.display()))?;
    }
    eprintln!(
        "bench: in memory: {}",
        libraries
            .iter()
            .map(|l| l.display().to_string())
            .collect::<Vec<_>>()
            .join(" ")
    );
    Ok(())
}

/// `program` copied to `dir/ipvsadm` (same name for both tools, as usage
/// messages show it); the copy's path.
fn local_copy(program: &str, dir: &Path) -> Result<String, String> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let copy = dir.join("ipvsadm");
    fs::copy(program, &copy).map_err(|e| format!("copying {program}: {e}"))?;
    Ok(copy.display().to_string())
}
