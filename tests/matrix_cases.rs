//! The generated matrix case file is what its generator writes: after a
//! change to tools/gen-matrix-cases.py the cases must be regenerated.

use std::fs;
use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn matrix_full_cases_match_their_generator() {
    let fresh =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("matrix-full.cases");
    let status = Command::new("python3")
        .arg(Path::new(ROOT).join("tools/gen-matrix-cases.py"))
        .arg(&fresh)
        .status()
        .expect("python3 runs tools/gen-matrix-cases.py");
    assert!(status.success(), "the generator failed: {status}");
    let committed =
        Path::new(ROOT).join("tests/kernel/cases/matrix-full.cases");
    let want = fs::read_to_string(&fresh).expect("the generated file");
    let got = fs::read_to_string(&committed).expect("the committed file");
    assert!(
        want == got,
        "tests/kernel/cases/matrix-full.cases is stale: run tools/gen-matrix-cases.py"
    );
    // 14 commands, each with a line for every one of the 34 options.
    assert_eq!(got.matches("\n### ").count(), 14);
    assert!(
        got.lines().filter(|l| l.starts_with("ipvsadm ")).count() >= 14 * 36
    );
}
