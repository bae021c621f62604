//! The walk-through network as the tests use it: our ipvsadm run in the
//! load balancer's namespace (`lb`) and HTTP requests from the client's.

use crate::exec::{self, Outcome};
use crate::netns;

/// Our ipvsadm, run in the `lb` namespace.
pub(crate) struct Balancer<'a> {
    pub ours: &'a str,
}

impl Balancer<'_> {
    pub(crate) fn run(&self, args: &[&str]) -> Result<Outcome, String> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        netns::within("lb", || exec::run(self.ours, "ipvsadm", &args, None))
            .map_err(|e| format!("cannot enter namespace lb: {e}"))?
    }

    /// Runs `ipvsadm ARGS`, which must succeed silently.
    pub(crate) fn ok(&self, args: &[&str]) -> Result<(), String> {
        let out = self.run(args)?;
        if out.success() && out.stdout.is_empty() && out.stderr.is_empty() {
            Ok(())
        } else {
            Err(failure(args, &out))
        }
    }

    /// Runs `ipvsadm ARGS`, which must succeed; its stdout.
    pub(crate) fn output(&self, args: &[&str]) -> Result<String, String> {
        let out = self.run(args)?;
        if out.success() && out.stderr.is_empty() {
            Ok(out.stdout_text())
        } else {
            Err(failure(args, &out))
        }
    }
}

fn failure(args: &[&str], out: &Outcome) -> String {
    format!(
        "`ipvsadm {}` gave {}\nstdout: {:?}\nstderr: {:?}",
        args.join(" "),
        out.status,
        out.stdout_text(),
        out.stderr_text()
    )
}

/// One HTTP request from the client namespace.
pub(crate) fn fetch(url: &str) -> Result<Outcome, String> {
    // -g: take `[v6]` in the URL literally.
    let args: Vec<String> = ["-g", "-s", "--max-time", "3", url]
        .iter()
        .map(|a| a.to_string())
        .collect();
    netns::within("client", || exec::run("curl", "curl", &args, None))
        .map_err(|e| format!("cannot enter namespace client: {e}"))?
}

/// `count` requests to `url`, each of which must succeed; the bodies.
pub(crate) fn requests(url: &str, count: usize) -> Result<Vec<String>, String> {
    let mut bodies = Vec::new();
    for n in 1..=count {
        let out = fetch(url)?;
        if !out.success() {
            return Err(format!(
                "request {n} to {url} failed ({}); earlier answers {bodies:?}",
                out.status
            ));
        }
        bodies.push(out.stdout_text().trim().to_string());
    }
    Ok(bodies)
}

/// Every answer came from `server`.
pub(crate) fn expect_all(got: &[String], server: &str) -> Result<(), String> {
    if got.iter().all(|b| b == server) {
        Ok(())
    } else {
        Err(format!("expected every answer from {server}, got {got:?}"))
    }
}

/// The answers alternate between rs1 and rs2 (round robin).
pub(crate) fn expect_alternating(got: &[String]) -> Result<(), String> {
    let known = got.iter().all(|b| b == "rs1" || b == "rs2");
    let alternates = got.windows(2).all(|w| w[0] != w[1]);
    if known && alternates {
        Ok(())
    } else {
        Err(format!("expected answers alternating rs1/rs2, got {got:?}"))
    }
}
