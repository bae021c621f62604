//! popt 1.19 scanning rules as ipvsadm exposes them.

use super::*;
use crate::cli::{ListView, StatsView};

fn service_scheduler(c: &Command) -> String {
    match c {
        Command::AddService(s) | Command::EditService(s) => s.scheduler.clone(),
        other => panic!("not a service command: {other:?}"),
    }
}

fn service_timeout(c: &Command) -> u32 {
    match c {
        Command::AddService(s) => s.timeout,
        other => panic!("not -A: {other:?}"),
    }
}

#[test]
fn no_arguments_lists_everything_with_names() {
    match ok(&[]) {
        Command::List(l) => {
            assert_eq!(l.view, ListView::Services);
            assert_eq!(l.columns, StatsView::Default);
            assert!(!l.numeric && l.service.is_none());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn first_option_must_be_a_command() {
    assert!(is_try_help(&["-n", "-L"]));
    assert!(is_try_help(&["-nL"]));
    assert!(is_try_help(&["--sctp-service", "1.2.3.4:80", "-A"]));
    assert!(is_try_help(&["-6"]));
}

#[test]
fn parse_error_on_first_option_is_try_help() {
    assert!(is_try_help(&["--bogus"]));
    assert!(is_try_help(&["--start-daemon"]));
    assert!(is_try_help(&["-L="]));
    assert!(is_try_help(&["--list=1"]));
}

#[test]
fn only_plain_words_is_try_help() {
    assert!(is_try_help(&[""]));
    assert!(is_try_help(&["foo", "bar"]));
    assert!(is_try_help(&["--"]));
    assert!(is_try_help(&["-"]));
}

#[test]
fn try_help_names_argv0_twice() {
    let e = parse_with("/sbin/ipvsadm", &argv(&["-n"]), false).unwrap_err();
    assert_eq!(e.exit_status(), 255);
    assert_eq!(
        e.to_string(),
        "Try `/sbin/ipvsadm -h' or '/sbin/ipvsadm --help' for more \
         information."
    );
}

#[test]
fn help_and_version_only_as_first_option() {
    assert_eq!(ok(&["-h"]), Command::Help);
    assert_eq!(ok(&["--help"]), Command::Help);
    assert_eq!(ok(&["-h", "--bogus", "-t"]), Command::Help);
    assert_eq!(ok(&["-v"]), Command::Version);
    assert_eq!(ok(&["--version", "-x", "bad"]), Command::Version);
    assert_eq!(ok(&["-hL"]), Command::Help);
    assert_eq!(invalid(&["-L", "-h"]), "invalid option `-h'");
    assert_eq!(invalid(&["-L", "--version"]), "invalid option `--version'");
}

#[test]
fn second_command_is_an_invalid_option_naming_the_element() {
    assert_eq!(invalid(&["-AE"]), "invalid option `-AE'");
    assert_eq!(
        invalid(&["-A", "-Et", "1.2.3.4:80"]),
        "invalid option `-Et'"
    );
    assert_eq!(invalid(&["-L", "-L"]), "invalid option `-L'");
    assert_eq!(invalid(&["-L", "--set"]), "invalid option `--set'");
}

#[test]
fn second_command_with_value_names_the_last_element_consumed() {
    assert_eq!(
        invalid(&["-L", "--start-daemon", "master"]),
        "invalid option `master'"
    );
    assert_eq!(
        invalid(&["-L", "--start-daemon=master"]),
        "invalid option `--start-daemon=master'"
    );
}

#[test]
fn popt_errors_after_the_command() {
    assert_eq!(bad_option(&["-L", "--bogus"]), "--bogus: unknown option");
    assert_eq!(bad_option(&["-Lz"]), "-Lz: unknown option");
    assert_eq!(bad_option(&["-L", "-t"]), "-t: missing argument");
    assert_eq!(bad_option(&["-Lt"]), "-Lt: missing argument");
    assert_eq!(
        bad_option(&["-A", "-t", "1.2.3.4:80", "--pe"]),
        "--pe: missing argument"
    );
    assert_eq!(
        bad_option(&["-L", "--numeric=1"]),
        "--numeric=1: option does not take an argument"
    );
    assert_eq!(
        bad_option(&["-L", "-n=1"]),
        "-n=1: option does not take an argument"
    );
    assert_eq!(
        bad_option(&["-Ln=1"]),
        "-Ln=1: option does not take an argument"
    );
    assert_eq!(bad_option(&["-L", "--lis"]), "--lis: unknown option");
}

#[test]
fn popt_error_exit_status_is_255() {
    assert_eq!(parse(&["-L", "--bogus"]).unwrap_err().exit_status(), 255);
}

#[test]
fn short_options_cluster() {
    match ok(&["-Ln"]) {
        Command::List(l) => assert!(l.numeric),
        other => panic!("{other:?}"),
    }
    match ok(&["-lnc"]) {
        Command::List(l) => {
            assert!(l.numeric);
            assert_eq!(l.view, ListView::Connections);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn single_dash_long_name_is_a_cluster() {
    assert_eq!(
        invalid(&["-list"]),
        "Illegal 'scheduler' option with the 'list' command"
    );
    assert_eq!(invalid(&["-L", "-list"]), "invalid option `-list'");
}

#[test]
fn attached_values() {
    let c = ok(&["-A", "-t1.2.3.4:80", "-srr", "-p600"]);
    assert_eq!(service_scheduler(&c), "rr");
    assert_eq!(service_timeout(&c), 600);
    match ok(&["-a", "-t", "1.2.3.4:80", "-r2.2.2.2", "-w5"]) {
        Command::AddServer { dest, .. } => assert_eq!(dest.weight, 5),
        other => panic!("{other:?}"),
    }
}

#[test]
fn attached_value_after_equals_strips_one() {
    assert_eq!(
        service_scheduler(&ok(&["-A", "-t", "1.2.3.4:80", "-s=rr"])),
        "rr"
    );
    assert_eq!(
        service_scheduler(&ok(&["-A", "-t", "1.2.3.4:80", "-s==rr"])),
        "=rr"
    );
}

#[test]
fn empty_scheduler_falls_back_to_wlc() {
    assert_eq!(
        service_scheduler(&ok(&["-A", "-t", "1.2.3.4:80", "-s="])),
        "wlc"
    );
    assert_eq!(
        service_scheduler(&ok(&["-A", "-t", "1.2.3.4:80", "--scheduler="])),
        "wlc"
    );
}

#[test]
fn long_values_with_equals_or_next_element() {
    let c = ok(&[
        "--add-service",
        "--tcp-service=1.2.3.4:80",
        "--scheduler",
        "sh",
    ]);
    assert_eq!(service_scheduler(&c), "sh");
    let c = ok(&["-A", "-t", "1.2.3.4:80", "--persistent=600"]);
    assert_eq!(service_timeout(&c), 600);
    let c = ok(&["-A", "-t", "1.2.3.4:80", "--persistent", "600"]);
    assert_eq!(service_timeout(&c), 600);
}

#[test]
fn persistent_value_is_optional() {
    let c = ok(&["-A", "-t", "1.2.3.4:80", "-p", "-s", "rr"]);
    assert_eq!(service_timeout(&c), 360);
    assert_eq!(service_scheduler(&c), "rr");
    assert_eq!(service_timeout(&ok(&["-A", "-t", "1.2.3.4:80", "-p"])), 360);
    assert_eq!(
        service_timeout(&ok(&["-A", "-t", "1.2.3.4:80", "-p", "600"])),
        600
    );
}

#[test]
fn persistent_takes_the_next_word_if_not_dashed() {
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-p", "foo"]),
        "invalid timeout value `foo' specified"
    );
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-pn"]),
        "invalid timeout value `n' specified"
    );
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-p="]),
        "invalid timeout value `' specified"
    );
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-p", ""]),
        "invalid timeout value `' specified"
    );
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-p", "-"]),
        "unexpected argument -"
    );
}

#[test]
fn required_value_may_start_with_a_dash() {
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-M", "-t"]),
        "illegal virtual server persistent mask specified"
    );
}

#[test]
fn double_dash_and_lone_dash_are_plain_arguments() {
    assert_eq!(invalid(&["-L", "--", "-t"]), "unexpected argument -t");
    assert_eq!(
        invalid(&["-Ln", "--", "-t", "1.2.3.4:80"]),
        "unexpected argument -t"
    );
    assert_eq!(invalid(&["-L", "-", "-n"]), "unexpected argument -");
    assert!(matches!(ok(&["-L", "--"]), Command::List(_)));
}

#[test]
fn leftover_plain_argument_is_unexpected() {
    assert_eq!(invalid(&["-L", "foo"]), "unexpected argument foo");
    assert_eq!(invalid(&["-L", ""]), "unexpected argument ");
    assert_eq!(invalid(&["foo", "-L", "bar"]), "unexpected argument foo");
}

#[test]
fn posix_mode_stops_at_first_plain_argument() {
    let p = |a: &[&str]| parse_with("ipvsadm", &argv(a), true);
    match p(&["-L", "foo", "-n"]) {
        Err(Error::Invalid(m)) => assert_eq!(m, "unexpected argument foo"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(p(&["foo", "-L"]), Err(Error::TryHelp(_))));
    match p(&["-L", "-n", "--", "foo"]) {
        Err(Error::Invalid(m)) => assert_eq!(m, "unexpected argument foo"),
        other => panic!("{other:?}"),
    }
    // Without POSIX rules the later option is still an option.
    assert_eq!(invalid(&["foo", "-L"]), "unexpected argument foo");
}

#[test]
fn repeated_option_is_reported_by_table_name() {
    assert_eq!(
        invalid(&["-L", "-nn"]),
        "multiple 'numeric' options specified"
    );
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-u", "1.2.3.4:81"]),
        "multiple 'service-address' options specified"
    );
    assert_eq!(
        invalid(&["-a", "-t", "1.2.3.4:80", "-m", "-g"]),
        "multiple 'forwarding-method' options specified"
    );
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-p", "10", "--persistent", "20"]),
        "multiple 'persistent' options specified"
    );
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-b", "flag-1", "-b", "flag-2"]),
        "multiple 'sched-flags' options specified"
    );
}

#[test]
fn repeat_is_detected_before_the_value() {
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-t", "bad"]),
        "multiple 'service-address' options specified"
    );
}

#[test]
fn ipv6_and_sort_may_repeat() {
    assert!(matches!(
        ok(&["-L", "--sort", "--sort", "-n"]),
        Command::List(_)
    ));
    assert!(matches!(
        ok(&["-A", "-f", "1", "-6", "-6"]),
        Command::AddService(_)
    ));
}

#[test]
fn first_bad_value_in_argv_order_wins() {
    assert_eq!(
        invalid(&["-A", "-w", "x", "-t", "bad"]),
        "illegal weight specified"
    );
    assert_eq!(
        invalid(&["-A", "-t", "bad", "-w", "x"]),
        "illegal virtual server address[:port] specified"
    );
    assert_eq!(
        bad_option(&["-L", "--bogus", "-w", "x"]),
        "--bogus: unknown option"
    );
    assert_eq!(
        invalid(&["-L", "-w", "x", "--bogus"]),
        "illegal weight specified"
    );
}

#[test]
fn value_errors_come_before_the_matrix() {
    assert_eq!(invalid(&["-C", "-w", "70000x"]), "illegal weight specified");
    assert_eq!(
        invalid(&["-L", "-b", "foo"]),
        "invalid scheduler flag `foo'"
    );
}

#[test]
fn next_argument_substitution_of_popt() {
    let c = ok(&["-A", "-t", "1.2.3.4:80", "-s", "r!#:+", "r"]);
    assert_eq!(service_scheduler(&c), "rr");
    let c = ok(&["-A", "-t", "1.2.3.4:80", "-s", "r!#:+"]);
    assert_eq!(service_scheduler(&c), "r!#:+");
    let c = ok(&["-A", "-s", "r!#:+", "-t", "1.2.3.4:80"]);
    assert_eq!(service_scheduler(&c), "r1.2.3.4:80");
}

#[test]
fn plain_arguments_anywhere_feed_set() {
    assert_eq!(
        ok(&["10", "--set", "20", "30"]),
        Command::SetTimeouts(crate::model::Timeouts {
            tcp: 10,
            tcp_fin: 20,
            udp: 30
        })
    );
}
