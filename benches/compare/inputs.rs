//! Restore inputs for the benchmark: `services` TCP virtual services with
//! round robin, each with `dests` masqueraded real servers.

use std::fmt::Write as _;

/// The `-R` input building a table of `services` × `dests`.
pub(crate) fn restore_input(services: usize, dests: usize) -> String {
    let mut text = String::new();
    for s in 0..services {
        let vip = address(10, s);
        let _ = writeln!(text, "-A -t {vip}:80 -s rr");
        for d in 0..dests {
            let rip = address(172, s * dests + d);
            let _ = writeln!(text, "-a -t {vip}:80 -r {rip}:8080 -m -w 1");
        }
    }
    text
}

/// The `n`th address of the /8 `first.0.0.0`, skipping .0.
fn address(first: u8, n: usize) -> String {
    let n = n + 1;
    format!("{first}.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}
