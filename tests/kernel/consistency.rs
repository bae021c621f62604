//! Listings while another process changes the table. IPVS dumps carry no
//! `NLM_F_DUMP_INTR`, so ours re-reads the services after their real
//! servers and keeps only a picture in which the same services were there
//! before and after.
//!
//! The guarantee checked: while services (each with the same two real
//! servers) are deleted one by one, every `-Sn` and `-Ln` of ours either
//! succeeds with every listed service showing exactly its two real
//! servers, or fails with status 1 and our message; never a service with
//! none of them.

use crate::exec::{self, Outcome};
use crate::netns;
use crate::report::{Filter, Report};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

const NAME: &str = "consistency/listings while services are deleted";
const SERVICES: usize = 2000;
const REFERENCE: &str = "/usr/sbin/ipvsadm";

pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    [NAME].into_iter()
}

pub(crate) fn run(ours: &str, filter: &Filter, report: &mut Report) {
    if !filter.matches(NAME) {
        return;
    }
    report.run(NAME, || {
        let ours = ours.to_string();
        thread::spawn(move || check(&ours))
            .join()
            .unwrap_or_else(|_| Err("thread panicked".into()))
    });
}

fn vip(n: usize) -> String {
    format!("10.2.{}.{}:80", n / 250, n % 250 + 1)
}

fn check(ours: &str) -> Result<(), String> {
    netns::enter_fresh().map_err(|e| format!("netns: {e}"))?;
    let (mut build, mut delete) = (String::new(), String::new());
    for n in 0..SERVICES {
        let _ = writeln!(build, "-A -t {} -s rr", vip(n));
        for r in 1..=2 {
            let _ = writeln!(build, "-a -t {} -r 192.0.2.{r}:80 -m", vip(n));
        }
        let _ = writeln!(delete, "-D -t {}", vip(n));
    }
    let restore = ["-R".to_string()];
    let built = exec::run(ours, "ipvsadm", &restore, Some(build.as_bytes()))?;
    if !built.success() {
        return Err(format!("setup failed: {}", built.stderr_text()));
    }
    let done = AtomicBool::new(false);
    let mut listings = 0;
    thread::scope(|scope| {
        // Debian's ipvsadm deletes one service per round trip: slowly.
        let deleter = scope.spawn(|| {
            let out = exec::run(
                REFERENCE,
                "ipvsadm",
                &restore,
                Some(delete.as_bytes()),
            );
            done.store(true, Ordering::SeqCst);
            out
        });
        let mut result = Ok(());
        while result.is_ok() && !done.load(Ordering::SeqCst) {
            for view in ["-Sn", "-Ln"] {
                listings += 1;
                result = result.and_then(|()| {
                    let out =
                        exec::run(ours, "ipvsadm", &[view.to_string()], None)?;
                    verify(view, &out)
                });
            }
        }
        let deleted =
            deleter.join().unwrap_or_else(|_| Err("panicked".into()))?;
        if !deleted.success() {
            return Err(format!("deleting failed: {}", deleted.stderr_text()));
        }
        result
    })?;
    eprintln!("{NAME}: {listings} listings checked");
    Ok(())
}

/// Every service line is followed by exactly its two real servers; or the
/// listing failed with our message and status 1.
fn verify(view: &str, out: &Outcome) -> Result<(), String> {
    if !out.success() {
        if out.status == "exit 1" && out.stderr_text().contains("kept changing")
        {
            return Ok(());
        }
        return Err(format!("{view}: {} {:?}", out.status, out.stderr_text()));
    }
    let text = out.stdout_text();
    let is_service = |l: &str| l.starts_with("-A ") || l.starts_with("TCP ");
    let lines: Vec<&str> =
        text.lines().skip_while(|l| !is_service(l)).collect();
    let mut run = None::<(&str, usize)>;
    for line in lines.iter().copied().chain(["-A end"]) {
        if is_service(line) {
            if let Some((svc, n)) = run
                && n != 2
            {
                return Err(format!(
                    "{view}: {svc:?} listed with {n} real servers"
                ));
            }
            run = Some((line, 0));
        } else if let Some((_, n)) = run.as_mut() {
            *n += 1;
        }
    }
    Ok(())
}
