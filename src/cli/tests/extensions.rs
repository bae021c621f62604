//! The options beyond ipvsadm 1.31 (`--format`, `--netns`, `--apply`,
//! `--dry-run`, `--atomic`, `--watch`, `--metrics`, ...): what they parse to, where they are illegal,
//! and that ipvsadm's own checks keep their priority.

use super::*;
use crate::cli::{
    ApplyRequest, ListView, OutputFormat, TopRequest, netns_option,
};

fn format_of(args: &[&str]) -> OutputFormat {
    match ok(args) {
        Command::List(l) => l.format,
        other => panic!("{other:?}"),
    }
}

#[test]
fn format_json_on_every_listing() {
    for args in [
        &["-L", "--format", "json"][..],
        &["-Ln", "--format=json", "--stats"],
        &["-L", "--rate", "--format", "json", "-X"],
        &["-L", "--thresholds", "--format", "json"],
        &["-L", "--persistent-conn", "--format", "json"],
        &["-L", "-c", "--format", "json"],
        &["-L", "--timeout", "--format", "json"],
        &["-L", "--daemon", "--format", "json"],
        &["-L", "-t", "1.2.3.4:80", "--format", "json"],
    ] {
        assert_eq!(format_of(args), OutputFormat::Json, "{args:?}");
    }
    assert_eq!(format_of(&["-L", "--format", "text"]), OutputFormat::Text);
    assert_eq!(format_of(&["-L"]), OutputFormat::Text);
}

#[test]
fn format_table_on_every_listing() {
    for args in [
        &["-L", "--format", "table"][..],
        &["-Ln", "--format=table", "--stats"],
        &["-L", "--rate", "--format", "table", "-X"],
        &["-L", "--timeout", "--format", "table"],
        &["-L", "--daemon", "--format", "table"],
        &["-L", "-u", "1.2.3.4:53", "--format", "table"],
        // Parsed; the listing refuses -c (commands::list_table).
        &["-L", "-c", "--format", "table"],
    ] {
        assert_eq!(format_of(args), OutputFormat::Table, "{args:?}");
    }
}

#[test]
fn format_is_only_for_listings() {
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "--format", "json"]),
        "Illegal 'format' option with the 'add-service' command"
    );
    assert_eq!(
        invalid(&["-S", "--format", "json"]),
        "Illegal 'format' option with the 'save' command"
    );
    assert_eq!(
        invalid(&["-L", "--format", "xml"]),
        "invalid format `xml' specified (text, json, table or prometheus)"
    );
    // table is refused where json is, with the same message.
    for format in ["json", "table"] {
        assert_eq!(
            invalid(&["-A", "-t", "1.2.3.4:80", "--format", format]),
            "Illegal 'format' option with the 'add-service' command"
        );
        assert_eq!(
            invalid(&["-R", "--format", format]),
            "Illegal 'format' option with the 'restore' command"
        );
        assert_eq!(
            invalid(&["--apply", "f", "--format", format]),
            "Illegal 'format' option with the 'apply' command"
        );
    }
    assert_eq!(
        invalid(&["-L", "--format", "json", "--format", "json"]),
        "multiple 'format' options specified"
    );
    // ipvsadm's matrix speaks first.
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-n", "--format", "json"]),
        "Illegal 'numeric' option with the 'add-service' command"
    );
    assert_eq!(
        bad_option(&["-L", "--format"]),
        "--format: missing argument"
    );
}

#[test]
fn netns_goes_with_every_command_and_may_lead() {
    assert!(matches!(ok(&["--netns", "lb"]), Command::List(_)));
    match ok(&["--netns", "lb", "-Ln"]) {
        Command::List(l) => {
            assert!(l.numeric);
            assert_eq!(l.view, ListView::Services);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        ok(&["-A", "-t", "1.2.3.4:80", "--netns", "/proc/1/ns/net"]),
        Command::AddService(_)
    ));
    assert!(matches!(ok(&["-C", "--netns=x"]), Command::Flush));
    assert_eq!(
        invalid(&["-C", "--netns", "a", "--netns", "b"]),
        "multiple 'netns' options specified"
    );
    assert_eq!(
        invalid(&["-C", "--netns", ""]),
        "invalid netns `' specified"
    );
    // Only --netns may lead: anything else still needs the command first.
    assert!(is_try_help(&["--netns", "lb", "x"]));
    assert!(is_try_help(&["--format", "json", "-L"]));
}

#[test]
fn netns_is_found_before_parsing() {
    let find = |v: &[&str]| netns_option(&argv(v));
    assert_eq!(find(&["-L", "--netns", "lb"]), Some(b"lb".to_vec()));
    assert_eq!(
        find(&["--netns=/run/netns/x", "-C"]).as_deref(),
        Some(&b"/run/netns/x"[..])
    );
    assert_eq!(find(&["-L", "-n"]), None);
    assert_eq!(find(&["-L", "--bogus", "--netns", "lb"]), None);
    // Only an argument starting with `--netns` can be the option: a value
    // or a plain argument holding the name is not.
    assert_eq!(find(&["-A", "-s", "--netns", "-t", "1.2.3.4:80"]), None);
    assert_eq!(find(&["-C", "-s", "netns"]), None);
    assert_eq!(find(&["-C", "--", "--netns", "x"]), None);
    assert_eq!(find(&["-C", "--netnsx", "x"]), None);
}

#[test]
fn watch_goes_with_apply_of_a_file_only() {
    assert_eq!(
        ok(&["--apply", "/etc/ipvsadm/watch.cf", "--watch"]),
        Command::Apply(ApplyRequest {
            file: "/etc/ipvsadm/watch.cf".into(),
            dry_run: false,
            atomic: false,
            watch: true,
            metrics: None,
        })
    );
    assert_eq!(
        invalid(&["-L", "--watch"]),
        "Illegal 'watch' option with the 'list' command"
    );
    assert_eq!(
        invalid(&["--apply", "f", "--watch", "--dry-run"]),
        "'dry-run' cannot be used with 'watch'"
    );
    assert_eq!(
        invalid(&["--apply", "f", "--watch", "--atomic"]),
        "'atomic' cannot be used with 'watch'"
    );
    assert_eq!(
        invalid(&["--apply", "-", "--watch"]),
        "--watch needs a file it can read again, not standard input"
    );
}

#[test]
fn metrics_goes_with_watch_and_top_only_and_takes_a_numeric_address() {
    for (text, want) in [
        ("127.0.0.1:9100", "127.0.0.1:9100"),
        ("[::1]:9100", "[::1]:9100"),
        ("0.0.0.0:80", "0.0.0.0:80"),
        ("[fe80::1%2]:9100", "[fe80::1%2]:9100"),
    ] {
        assert_eq!(
            ok(&["--apply", "w.cf", "--watch", "--metrics", text]),
            Command::Apply(ApplyRequest {
                file: "w.cf".into(),
                dry_run: false,
                atomic: false,
                watch: true,
                metrics: Some(want.parse().unwrap()),
            }),
            "{text}"
        );
    }
    assert!(matches!(
        ok(&["--apply", "w.cf", "--metrics=[::1]:9100", "--watch"]),
        Command::Apply(ApplyRequest {
            metrics: Some(_),
            ..
        })
    ));
    for bad in [
        "localhost:9100",
        "9100",
        "127.0.0.1",
        "::1:9100",
        "127.0.0.1:0",
        "127.0.0.1:65536",
        "",
    ] {
        assert_eq!(
            invalid(&["--apply", "w.cf", "--watch", "--metrics", bad]),
            format!(
                "invalid metrics address `{bad}' specified (a numeric \
                 ADDR:PORT such as 127.0.0.1:9100 or [::1]:9100)"
            ),
            "{bad}"
        );
    }
    assert_eq!(
        invalid(&["--apply", "w.cf", "--metrics", "127.0.0.1:9100"]),
        "--metrics needs --apply FILE --watch"
    );
    for (args, command) in [
        (&["-L", "--metrics", "127.0.0.1:9100"][..], "list"),
        (&["-S", "--metrics", "127.0.0.1:9100"], "save"),
        (&["-C", "--metrics=127.0.0.1:9100"], "flush"),
        (&["-Z", "--metrics", "127.0.0.1:9100"], "zero"),
    ] {
        assert_eq!(
            invalid(args),
            format!("Illegal 'metrics' option with the '{command}' command")
        );
    }
    assert_eq!(
        invalid(&[
            "--apply",
            "w.cf",
            "--watch",
            "--metrics",
            "127.0.0.1:1",
            "--metrics",
            "127.0.0.1:2"
        ]),
        "multiple 'metrics' options specified"
    );
}

#[test]
fn apply_is_a_command_with_its_options() {
    assert_eq!(
        ok(&["--apply", "t.rules", "--dry-run", "--atomic"]),
        Command::Apply(ApplyRequest {
            file: "t.rules".into(),
            dry_run: true,
            atomic: true,
            watch: false,
            metrics: None,
        })
    );
    assert_eq!(
        ok(&["--apply=-"]),
        Command::Apply(ApplyRequest {
            file: "-".into(),
            dry_run: false,
            atomic: false,
            watch: false,
            metrics: None,
        })
    );
    assert_eq!(
        invalid(&["--apply", "f", "-n"]),
        "Illegal 'numeric' option with the 'apply' command"
    );
    assert_eq!(
        invalid(&["-L", "--dry-run"]),
        "Illegal 'dry-run' option with the 'list' command"
    );
    assert_eq!(
        invalid(&["-C", "--atomic"]),
        "Illegal 'atomic' option with the 'flush' command"
    );
    assert!(is_try_help(&["--apply"]));
    assert!(is_try_help(&["--dry-run", "--apply", "f"]));
    assert_eq!(invalid(&["-L", "--apply", "f"]), "invalid option `f'");
}

#[test]
fn format_prometheus_parses_on_every_listing() {
    for args in [
        &["-L", "--format", "prometheus"][..],
        &["-Ln", "--format=prometheus", "--stats"],
        &["-L", "--rate", "--format", "prometheus"],
        &["-L", "--thresholds", "--format", "prometheus"],
        &["-L", "-t", "1.2.3.4:80", "--format", "prometheus"],
        // Parsed; the listing refuses the views without numbers.
        &["-L", "-c", "--format", "prometheus"],
    ] {
        assert_eq!(format_of(args), OutputFormat::Prometheus, "{args:?}");
    }
}

#[test]
fn all_netns_with_listings_saves_and_top_only() {
    match ok(&["-Ln", "--all-netns", "--format", "json"]) {
        Command::List(l) => assert!(l.all_netns),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        ok(&["-S", "--all-netns"]),
        Command::Save {
            numeric: false,
            all_netns: true
        }
    );
    assert_eq!(
        invalid(&["-C", "--all-netns"]),
        "Illegal 'all-netns' option with the 'flush' command"
    );
    assert_eq!(
        invalid(&["-L", "--all-netns", "--netns", "lb"]),
        "--netns and --all-netns cannot be used together"
    );
    assert_eq!(
        invalid(&["-L", "--all-netns", "--all-netns"]),
        "multiple 'all-netns' options specified"
    );
}

#[test]
fn top_takes_a_service_an_interval_all_netns_and_metrics() {
    assert_eq!(
        ok(&["--top"]),
        Command::Top(TopRequest {
            service: None,
            interval_ms: 1000,
            all_netns: false,
            metrics: None,
        })
    );
    match ok(&[
        "--top",
        "-t",
        "10.0.0.1:80",
        "--interval",
        "0.5",
        "--all-netns",
    ]) {
        Command::Top(t) => {
            assert!(t.service.is_some());
            assert_eq!(t.interval_ms, 500);
            assert!(t.all_netns);
        }
        other => panic!("{other:?}"),
    }
    for bad in ["0", "0.01", "-1", "x", "1e3", "", "86401"] {
        assert_eq!(
            invalid(&["--top", "--interval", bad]),
            format!(
                "invalid interval `{bad}' specified (seconds, 0.1 to 86400)"
            ),
            "{bad}"
        );
    }
    assert_eq!(
        invalid(&["-L", "--interval", "2"]),
        "Illegal 'interval' option with the 'list' command"
    );
    assert!(invalid(&["--top", "-r", "10.0.0.2"]).contains("real-server"));
    match ok(&["--top", "--metrics", "[::1]:9100", "--all-netns"]) {
        Command::Top(t) => {
            assert_eq!(t.metrics, Some("[::1]:9100".parse().unwrap()));
            assert!(t.all_netns);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        invalid(&["--top", "--metrics", "localhost:9100"]),
        "invalid metrics address `localhost:9100' specified (a numeric \
         ADDR:PORT such as 127.0.0.1:9100 or [::1]:9100)"
    );
    assert_eq!(
        invalid(&["--top", "--metrics", "127.0.0.1:1", "--metrics=[::1]:2"]),
        "multiple 'metrics' options specified"
    );
    assert!(invalid(&["--top", "--stats"]).contains("stats"));
}
