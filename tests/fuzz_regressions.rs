//! Replays the fuzz seeds and every input a fuzzer has found
//! (`fuzz/seeds/<target>/`, `fuzz/regressions/<target>/`) through the
//! fuzz targets' bodies: none may panic.

// The fuzz crate's entry points are `pub` for its libFuzzer binaries.
#[allow(unreachable_pub)]
#[path = "../fuzz/src/lib.rs"]
mod targets;

use std::fs;
use std::path::Path;

/// Runs `body` on every file under `fuzz/<dir>/<target>/`; returns how many.
fn replay(dir: &str, target: &str, body: fn(&[u8])) -> usize {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(dir)
        .join(target);
    let mut count = 0;
    for entry in fs::read_dir(&path).expect("fuzz input directory") {
        let data = fs::read(entry.expect("directory entry").path())
            .expect("fuzz input");
        body(&data);
        count += 1;
    }
    count
}

#[test]
fn cli_parse_seeds_and_findings() {
    assert!(replay("seeds", "cli_parse", targets::cli_parse) > 100);
    assert!(replay("regressions", "cli_parse", targets::cli_parse) >= 1);
}

#[test]
fn restore_reader_seeds_and_findings() {
    assert!(replay("seeds", "restore_reader", targets::restore_reader) > 3);
    assert!(
        replay("regressions", "restore_reader", targets::restore_reader) >= 1
    );
}

#[test]
fn netlink_decode_seeds() {
    assert!(replay("seeds", "netlink_decode", targets::netlink_decode) > 40);
}

#[test]
fn apply_json_seeds() {
    assert!(replay("seeds", "apply_json", targets::apply_json) > 10);
}
