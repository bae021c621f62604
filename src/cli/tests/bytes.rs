//! Arguments that are not UTF-8: every message that echoes part of the
//! command line prints the bytes given, as ipvsadm's `printf("%s")` does,
//! and the values are judged on those bytes (checked against the Debian
//! binary in the VM: `tests/kernel/cases/bytes.cases`).

use crate::Error;
use crate::cli::{Command, parse_with};

/// The outcome of a command line of raw arguments: the exit status and
/// the exact bytes of the message, or the command.
fn parse_bytes(args: &[&[u8]]) -> Result<Command, (u8, Vec<u8>)> {
    parse_with("ipvsadm", args, false).map_err(|e| message(&e))
}

fn message(e: &Error) -> (u8, Vec<u8>) {
    let mut text = Vec::new();
    e.write_message(&mut text).unwrap();
    (e.exit_status(), text)
}

fn fails(args: &[&[u8]], status: u8, want: &[u8]) {
    match parse_bytes(args) {
        Err((s, text)) => {
            assert_eq!(
                (s, String::from_utf8_lossy(&text)),
                (status, String::from_utf8_lossy(want)),
                "{args:?}"
            );
            assert_eq!(text, want, "{args:?}");
        }
        Ok(c) => panic!("{args:?}: accepted as {c:?}"),
    }
}

#[test]
fn unknown_options_echo_their_bytes() {
    fails(&[b"-L", b"--\xff"], 255, b"--\xff: unknown option");
    fails(&[b"-L", b"-n\xfe"], 255, b"-n\xfe: unknown option");
    fails(
        &[b"-L", b"--numeric=\xff"],
        255,
        b"--numeric=\xff: option does not take an argument",
    );
    fails(&[b"-L", b"-C\xff"], 2, b"invalid option `-C\xff'");
}

#[test]
fn leftovers_echo_their_bytes() {
    fails(&[b"-L", b"\xc3"], 2, b"unexpected argument \xc3");
    fails(
        &[b"-C", b"x\xff\xfey"],
        2,
        b"unexpected argument x\xff\xfey",
    );
}

#[test]
fn values_echo_their_bytes() {
    fails(
        &[b"-A", b"-f", b"1\xff"],
        2,
        b"invalid fwmark value `1\xff' specified",
    );
    fails(
        &[b"--set", b"\xff", b"1", b"1"],
        2,
        b"invalid timeout value `\xff' specified",
    );
    fails(
        &[b"-A", b"-t", b"10.0.0.1:80", b"-b", b"flag-1,\xe9"],
        2,
        b"invalid scheduler flag `\xe9'",
    );
    fails(
        &[
            b"--start-daemon",
            b"master",
            b"--mcast-group",
            b"224.0.0.\xff",
        ],
        2,
        b"invalid IPv4 mcast-group `224.0.0.\xff'",
    );
    fails(
        &[
            b"--start-daemon",
            b"master",
            b"--mcast-group",
            b"ff02::\xff",
        ],
        2,
        b"invalid IPv6 mcast-group `ff02::\xff'",
    );
    fails(
        &[b"-L", b"--format", b"js\xffon"],
        2,
        b"invalid format `js\xffon' specified (text, json, table or prometheus)",
    );
}

#[test]
fn addresses_and_names_with_odd_bytes_are_illegal() {
    let illegal: &[u8] = b"illegal virtual server address[:port] specified";
    fails(&[b"-A", b"-t", b"1.2.3.4:\xff"], 2, illegal);
    fails(&[b"-A", b"-t", b"1.2.3.4:ht\xfftp"], 2, illegal);
    fails(&[b"-A", b"-t", b"h\xffst:80"], 2, illegal);
    fails(&[b"-A", b"-t", b"[::\xff]:80"], 2, illegal);
    fails(
        &[b"-a", b"-t", b"1.2.3.4:80", b"-r", b"10.0.0.\xff"],
        2,
        b"illegal real server address[:port] specified",
    );
}

#[test]
fn a_scheduler_with_odd_bytes_goes_to_the_kernel() {
    // ipvsadm sends any name; the kernel refuses one it does not know.
    let c = parse_bytes(&[b"-A", b"-t", b"1.2.3.4:80", b"-s", b"r\xffr"]);
    assert!(
        matches!(c, Ok(Command::AddService(ref s)) if !s.scheduler.is_empty())
    );
}

#[test]
fn a_program_name_that_is_not_utf8_is_echoed() {
    let e =
        parse_with(b"/sbin/ipvs\xff".as_slice(), &[b"-\xff".as_slice()], false)
            .unwrap_err();
    assert_eq!(
        message(&e),
        (
            255,
            b"Try `/sbin/ipvs\xff -h' or '/sbin/ipvs\xff --help' for more information."
                .to_vec()
        )
    );
    let help = crate::cli::help_text(b"ipvs\xff".as_slice());
    let usage = b"\n  ipvs\xff -A|-E SERVICE";
    assert!(help.windows(usage.len()).any(|w| w == usage));
}

#[test]
fn utf8_arguments_print_as_before() {
    fails(
        &[b"-A", b"-f", "\u{e9}".as_bytes()],
        2,
        "invalid fwmark value `\u{e9}' specified".as_bytes(),
    );
}
