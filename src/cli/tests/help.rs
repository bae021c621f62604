//! `-h` and `-v`: the help is this project's own and shows every option
//! of the table; the version line stays ipvsadm's.

use crate::cli::help::{DESCRIPTION_COLUMN, HelpGroup, SYNOPSIS, WIDTH};
use crate::cli::options::OPTIONS;
use crate::cli::version_text;

fn help_text(argv0: &str) -> String {
    String::from_utf8(crate::cli::help_text(argv0)).unwrap()
}

#[test]
fn help_names_the_project_and_its_version_first() {
    let text = help_text("ipvsadm");
    assert!(text.starts_with(&format!(
        "ipvsadm-rs {} (compatible with ipvsadm v1.31)\n\nUsage:\n",
        env!("CARGO_PKG_VERSION")
    )));
}

#[test]
fn help_shows_every_option_of_the_table() {
    let text = help_text("ipvsadm");
    for spec in OPTIONS {
        let long = format!("--{} ", spec.long);
        let end = format!("--{}\n", spec.long);
        assert!(
            text.contains(&long) || text.contains(&end),
            "--{} is missing from -h",
            spec.long
        );
        if let Some(c) = spec.short {
            assert!(
                text.contains(&format!("-{c}, ")),
                "-{c} is missing from -h"
            );
        }
        assert!(
            text.contains(spec.help.split(' ').next().unwrap_or("")),
            "the description of --{} is missing",
            spec.long
        );
    }
}

#[test]
fn options_ipvsadm_lacks_come_last() {
    let text = help_text("ipvsadm");
    let extras = text.find("\nNot in ipvsadm 1.31:\n").unwrap();
    for spec in OPTIONS {
        let at = text
            .find(&format!("--{} ", spec.long))
            .or_else(|| text.find(&format!("--{}\n", spec.long)))
            .unwrap();
        // The synopsis names --format and --apply too: look at the
        // option lists only.
        let listed = text[extras..].contains(&format!("--{}", spec.long));
        let extension = HelpGroup::of(spec.opt) == HelpGroup::Extensions;
        assert_eq!(listed, extension, "--{}", spec.long);
        if !extension {
            assert!(at < extras, "--{}", spec.long);
        }
    }
}

#[test]
fn list_has_one_row_with_both_short_names() {
    let text = help_text("ipvsadm");
    assert_eq!(text.matches("-L, -l, --list ").count(), 1);
    assert!(!text.contains("\n  -l, --list"));
}

#[test]
fn descriptions_are_wrapped_and_aligned() {
    let text = help_text("ipvsadm");
    let options = &text[text.find("\nCommands:\n").unwrap()..];
    for line in options.lines() {
        assert!(line.len() <= WIDTH, "too long: {line:?}");
    }
    // A wrapped description goes on at the description column.
    let sched = options.find("  -s, --scheduler scheduler").unwrap();
    let next = options[sched..].lines().nth(1).unwrap();
    assert!(next.starts_with(&" ".repeat(DESCRIPTION_COLUMN)));
    assert!(!next.starts_with(&" ".repeat(DESCRIPTION_COLUMN + 1)));
    // Names longer than the column put the description below them.
    assert!(options.contains(
        "\n      --start-daemon master|backup\n                         \
         \x20      start a connection"
    ));
}

#[test]
fn set_shows_its_three_values() {
    let text = help_text("ipvsadm");
    assert!(text.contains("\n      --set tcp tcpfin udp "));
    assert!(text.contains("\n  -p, --persistent [timeout] "));
}

#[test]
fn help_substitutes_argv0_in_the_synopsis_only() {
    let text = help_text("/usr/sbin/ipvsadm");
    assert_eq!(text.len(), help_text("ipvsadm").len() + SYNOPSIS.len() * 10);
    assert!(text.contains("\nUsage:\n  /usr/sbin/ipvsadm -A|-E SERVICE"));
    assert!(text.contains("\n  /usr/sbin/ipvsadm -h | -v\n"));
}

#[test]
fn version_line() {
    assert_eq!(
        version_text(),
        "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n"
    );
}

/// ipvsadm 1.31's own `-h`, as Debian's binary prints it: kept only to
/// check that ours covers everything it names, in other words.
const IPVSADM_HELP: &str = include_str!("ipvsadm-1.31-help.txt");

/// The `-x` and `--name` words of a text.
fn option_words(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || "[]|,".contains(c))
        .filter(|w| {
            let name = w.strip_prefix("--").or_else(|| w.strip_prefix('-'));
            name.is_some_and(|n| {
                n.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            })
        })
        .collect()
}

#[test]
fn help_names_everything_ipvsadm_help_names() {
    let ours = help_text("ipvsadm");
    let words = option_words(&ours);
    let theirs = option_words(IPVSADM_HELP);
    assert!(theirs.len() > 60);
    for word in theirs {
        // ipvsadm writes `-A|E` and `-L|-l`; ours spells each name out.
        let word = word.trim_end_matches('|');
        assert!(words.contains(&word), "{word} is missing from -h");
    }
    for short in ["-E", "-e", "-l"] {
        assert!(words.contains(&short));
    }
}

#[test]
fn help_is_in_our_own_words() {
    let ours = help_text("ipvsadm");
    for line in IPVSADM_HELP.lines().skip(1) {
        let line = line.trim();
        if line.len() > 12 && !line.starts_with("ipvsadm ") {
            assert!(!ours.contains(line), "copied from ipvsadm: {line:?}");
        }
    }
    assert!(!ours.contains("display this help message"));
    assert!(!ours.starts_with(version_text()));
}

#[test]
fn help_requests_are_found_before_parsing() {
    use crate::cli::asks_for_help;
    let asks = |v: &[&str]| asks_for_help(&super::argv(v));
    assert!(asks(&["-h"]));
    assert!(asks(&["--help", "--bogus"]));
    assert!(asks(&["-hL"]));
    assert!(asks(&["--netns", "lb", "-h"]));
    // popt moves plain words aside: the first option is still -h.
    assert!(asks(&["x", "-h"]));
    assert!(!asks(&[]));
    assert!(!asks(&["-L", "-h"]));
    assert!(!asks(&["-v"]));
    assert!(!asks(&["--bogus", "-h"]));
    // Two --netns: the parser's error, not help.
    assert!(!asks(&["--netns=lb", "--netns", "x", "--help"]));
    assert!(!asks(&["--netns", "lb"]));
}
