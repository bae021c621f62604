//! The real-kernel test suite: differential tests of our ipvsadm against
//! Debian's, a traffic walk-through and the traffic suite, run inside a
//! VM whose kernel has IPVS.
//!
//! On the host (`IPVSADM_IN_VM` unset) this program boots ONE VM with vng
//! and runs itself inside it with `IPVSADM_IN_VM=1`; it exits with the
//! guest's status. It fails, loudly, when the VM cannot boot.
//!
//! Settings (environment):
//! * `IPVSADM_OURS`: the ipvsadm under test (default: this crate's binary).
//!   Point it at `/usr/sbin/ipvsadm` to self-test the harness.
//! * `IPVSADM_TEST_FILTER` or the first plain argument: run only tests
//!   whose name contains this text (`cargo test --test kernel -- FILTER`).
//! * `IPVSADM_KERNEL`: kernel image (default: newest /boot/vmlinuz-*-amd64).
//! * `IPVSADM_VM_TIMEOUT`: seconds before the VM is killed (default 4800).
//! * `IPVSADM_VNG_VERBOSE`: show the guest's kernel log.
//! * `IPVSADM_MEASURE_REPORT`: set by the suite itself when it starts this
//!   program as the measuring parent of one run (see `measure.rs`).
//! * `IPVSADM_TEST_VERBOSE`: print every differential command's reference
//!   output; `IPVSADM_TEST_TRACE`: print how long each program ran.

mod beyond;
mod beyond_table;
mod cases;
mod consistency;
mod differential;
mod divergences;
mod exec;
mod hardening;
mod host;
mod lbnet;
mod measure;
mod netns;
mod report;
mod scale;
mod traffic;
mod visibility;
mod walkthrough;
mod watch;
mod watchkit;

use report::{Filter, Report};
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Debian's ipvsadm, the reference for the differential suite.
const REFERENCE: &str = "/usr/sbin/ipvsadm";
const CASES_DIR: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/kernel/cases");

fn main() -> ExitCode {
    if let Some(report) = env::var_os(measure::MEASURER) {
        return measure::measurer(Path::new(&report));
    }
    let filter = Filter::new(
        env::args()
            .skip(1)
            .find(|a| !a.starts_with('-'))
            .or_else(|| env::var("IPVSADM_TEST_FILTER").ok()),
    );
    if env::var_os("IPVSADM_IN_VM").is_some() {
        guest(&filter)
    } else {
        on_host(filter)
    }
}

fn on_host(filter: Filter) -> ExitCode {
    let ours = env::var_os("IPVSADM_OURS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_ipvsadm")));
    let ours = match ours.canonicalize() {
        Ok(path) => path,
        Err(e) => {
            eprintln!(
                "kernel suite: ipvsadm under test {}: {e}",
                ours.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let cases = match cases::load_dir(Path::new(CASES_DIR)) {
        Ok(cases) => cases,
        Err(e) => {
            eprintln!("kernel suite: bad case file: {e}");
            return ExitCode::FAILURE;
        }
    };
    let selected = cases
        .iter()
        .map(|c| format!("differential/{}", c.name))
        .chain(walkthrough::STEPS.iter().map(|s| s.to_string()))
        .chain(traffic::STEPS.iter().map(|s| s.to_string()))
        .chain(beyond::STEPS.iter().map(|s| s.to_string()))
        .chain(visibility::STEPS.iter().map(|s| s.to_string()))
        .chain(watch::STEPS.iter().map(|s| s.to_string()))
        .chain(divergences::names().map(str::to_string))
        .chain(hardening::names())
        .chain(consistency::names().map(str::to_string))
        .any(|name| filter.matches(&name));
    if !selected {
        println!(
            "kernel suite: no test name contains {:?}; VM not booted",
            filter.needle().unwrap_or_default()
        );
        println!("0 passed, 0 failed");
        return ExitCode::SUCCESS;
    }
    eprintln!("kernel suite: ipvsadm under test: {}", ours.display());
    let plan = host::Plan {
        ours,
        filter: filter.needle().map(str::to_string),
    };
    match host::run(&plan) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(status) => {
            eprintln!("kernel suite: FAILED (guest exit status {status})");
            ExitCode::from(u8::try_from(status).unwrap_or(1).max(1))
        }
        Err(e) => {
            eprintln!("kernel suite: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

fn guest(filter: &Filter) -> ExitCode {
    let ours = env::var("IPVSADM_OURS")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_ipvsadm").to_string());
    let mut report = Report::default();
    report.run("setup/modprobe ip_vs", || {
        exec::must("modprobe", &["ip_vs"]).map(drop)
    });
    if report.all_passed() {
        walkthrough::run(&ours, filter, &mut report);
        traffic::run(&ours, filter, &mut report);
        beyond::run(&ours, filter, &mut report);
        visibility::run(&ours, filter, &mut report);
        watch::run(&ours, filter, &mut report);
        match cases::load_dir(Path::new(CASES_DIR)) {
            Ok(cases) => {
                let programs = differential::Programs {
                    ours: &ours,
                    reference: REFERENCE,
                };
                differential::run(&cases, programs, filter, &mut report);
                divergences::run(&ours, REFERENCE, filter, &mut report);
                hardening::run(&ours, REFERENCE, filter, &mut report);
                consistency::run(&ours, filter, &mut report);
            }
            Err(e) => report.run("differential/case files", || Err(e)),
        }
    }
    println!("{}", report.finish());
    if let Ok(dir) = env::var("IPVSADM_VM_SHARED") {
        let file = Path::new(&dir).join("result");
        if let Err(e) = fs::write(&file, report.summary() + "\n") {
            println!("cannot write {}: {e}", file.display());
            return ExitCode::FAILURE;
        }
    }
    if report.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
