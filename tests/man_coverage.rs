//! Coverage of ipvsadm's manual page: every option that Debian's
//! ipvsadm(8) documents must be used by a differential case
//! (`tests/kernel/cases/*.cases`) and documented in our man/ipvsadm.8.

use std::fs;
use std::path::Path;
use std::process::Command;

/// Debian's manual page of ipvsadm 1.31 (package `ipvsadm`, which the
/// kernel suite needs anyway as its reference).
const DEBIAN_PAGE: &str = "/usr/share/man/man8/ipvsadm.8.gz";
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The options named on the `.B` lines of Debian's page, in order.
fn debian_options() -> Vec<String> {
    let out = Command::new("zcat")
        .arg(DEBIAN_PAGE)
        .output()
        .unwrap_or_else(|e| panic!("cannot run zcat {DEBIAN_PAGE}: {e}"));
    assert!(
        out.status.success(),
        "cannot read {DEBIAN_PAGE} (install Debian's ipvsadm): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut options = Vec::new();
    for line in page.lines().filter(|l| l.starts_with(".B ")) {
        let plain = line
            .replace("\\fB", "")
            .replace("\\fI", "")
            .replace("\\fP", "")
            .replace("\\fR", "")
            .replace("\\-", "-");
        let words =
            plain.split(|c: char| c.is_whitespace() || "[]|,".contains(c));
        for word in words {
            if is_option(word) && !options.iter().any(|o| o == word) {
                options.push(word.to_string());
            }
        }
    }
    options
}

fn is_option(word: &str) -> bool {
    let name = word.strip_prefix("--").or_else(|| word.strip_prefix('-'));
    name.is_some_and(|n| {
        !n.is_empty()
            && n.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && (word.starts_with("--") || n.len() == 1)
    })
}

/// Every argument word of every command line of the case files.
fn case_words() -> Vec<String> {
    let dir = Path::new(ROOT).join("tests/kernel/cases");
    let mut words = Vec::new();
    for entry in fs::read_dir(&dir).expect("the case directory") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|x| x == "cases") {
            let text = fs::read_to_string(&path).expect("a case file");
            words.extend(text.split_whitespace().map(str::to_string));
        }
    }
    words
}

/// A case uses `option` as a word of its own, with an attached value
/// (`--name=v`, `-p600`) or, for a short option, inside a cluster (`-Ln`).
fn used(option: &str, words: &[String]) -> bool {
    words.iter().any(|w| {
        if let Some(long) = option.strip_prefix("--") {
            w.strip_prefix("--").is_some_and(|n| {
                n == long
                    || n.strip_prefix(long).is_some_and(|r| r.starts_with('='))
            })
        } else {
            let letter = &option[1..];
            w.starts_with('-')
                && !w.starts_with("--")
                && w[1..].contains(letter)
        }
    })
}

#[test]
fn an_option_is_used_only_as_an_option_word() {
    let words: Vec<String> = ["-p600", "-Ln", "--tun-portx", "--pe=sip", "-t"]
        .iter()
        .map(|w| w.to_string())
        .collect();
    assert!(used("-p", &words) && used("-n", &words) && used("--pe", &words));
    assert!(!used("--tun-port", &words) && !used("-x", &words));
}

#[test]
fn debian_page_lists_the_options() {
    let options = debian_options();
    for expected in ["-A", "--tun-remcsum", "--mcast-ttl", "-6", "--sort"] {
        assert!(
            options.iter().any(|o| o == expected),
            "{expected} in {options:?}"
        );
    }
    assert!(
        options.len() >= 70,
        "only {} options: {options:?}",
        options.len()
    );
}

#[test]
fn every_option_of_the_manual_has_a_differential_case() {
    let words = case_words();
    let missing: Vec<String> = debian_options()
        .into_iter()
        .filter(|o| !used(o, &words))
        .collect();
    assert!(
        missing.is_empty(),
        "options without a differential case: {missing:?}"
    );
}

#[test]
fn every_option_of_the_manual_is_in_our_manual() {
    let ours = fs::read_to_string(Path::new(ROOT).join("man/ipvsadm.8"))
        .expect("man/ipvsadm.8");
    let text = ours.replace("\\-", "-");
    let missing: Vec<String> = debian_options()
        .into_iter()
        .filter(|o| {
            !text
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .any(|w| w == o)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "options not in man/ipvsadm.8: {missing:?}"
    );
}
