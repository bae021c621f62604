//! The man page kept in step with the option table: every long option is
//! documented, and the page names no option the table lacks.

use crate::cli::options::{OPTIONS, find_long};

const MAN: &str = include_str!("../../../man/ipvsadm.8");

/// Every `\-\-name` the page mentions (roff escapes undone).
fn long_options_in(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find("\\-\\-") {
        rest = &rest[at + 4..];
        let mut name = String::new();
        loop {
            if let Some(tail) = rest.strip_prefix("\\-") {
                if !tail.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                    break;
                }
                name.push('-');
                rest = tail;
            } else if let Some(c) =
                rest.chars().next().filter(|c| c.is_ascii_alphanumeric())
            {
                name.push(c);
                rest = &rest[1..];
            } else {
                break;
            }
        }
        if !name.is_empty() {
            found.push(name);
        }
    }
    found
}

#[test]
fn man_page_documents_every_long_option() {
    let documented = long_options_in(MAN);
    for spec in OPTIONS {
        assert!(
            documented.iter().any(|d| d == spec.long),
            "--{} is missing from man/ipvsadm.8",
            spec.long
        );
    }
}

#[test]
fn man_page_names_only_real_options() {
    for name in long_options_in(MAN) {
        assert!(
            find_long(&name).is_some(),
            "man/ipvsadm.8 documents --{name}, which the option table lacks"
        );
    }
}

#[test]
fn the_scan_of_the_page_undoes_roff_escapes() {
    assert_eq!(
        long_options_in(
            ".BI \\-\\-mcast\\-group \" address\"\n\\-\\-ipv6 \\-\\-"
        ),
        ["mcast-group", "ipv6"]
    );
}
