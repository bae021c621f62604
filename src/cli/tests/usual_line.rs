//! The fast path of `--apply`'s rules files, [`parse_usual_line`], held to
//! the full reading of the same line (the restore line reader's tokens,
//! then the option parser): on every line it takes it gives the same
//! command, and it takes the lines `-S -n` writes for a plain table.

use crate::cli::parse_usual_line;
use crate::internals::LineReader;
use crate::model::{Destination, ForwardMethod, Protocol, Service, ServiceKey};
use crate::render;
use crate::test_rng::TestRng;

use super::{Command, parse_with};

/// The full reading of one line: `None` for a line without tokens.
fn full_reading(line: &[u8], posix: bool) -> Option<Result<Command, String>> {
    let mut text = line.to_vec();
    text.push(b'\n');
    let mut reader = LineReader::new(text.as_slice());
    let tokens = reader.next_line().expect("a line in memory")?;
    if tokens.is_empty() {
        return None;
    }
    Some(parse_with("ipvsadm", &tokens, posix).map_err(|e| e.to_string()))
}

// Each place of the two usual lines, with spellings near its edges. No
// value here makes the full reading look a host name up: every address
// is numeric, and no mutation below moves a value out of its place.
const COMMANDS: &[&str] = &["-A", "-a", "-E", "-e", "-d", "--add-service"];
const PROTOCOLS: &[&str] = &["-t", "-u", "-f", "--tcp-service", "-T"];
const ADDRESSES: &[&str] = &[
    "10.0.0.1:80",
    "10.0.0.1",
    "10.0.0.1:0",
    "10.0.0.1:080",
    "10.0.0.1:65535",
    "10.0.0.1:65536",
    "0.0.0.0:80",
    "255.255.255.255:1",
    "010.0.0.1:80",
    "10.1:80",
    "0x0a000001:80",
    "1.2.3.4:",
    "[::1]:80",
    "[2001:db8::1]:8080",
    "ipvsadm",
    "172.16.0.10:8080",
];
const SCHEDULERS: &[&str] = &[
    "rr",
    "wlc",
    "sed",
    "mh",
    "twos",
    "RR",
    "w_c",
    "abcdefghijklmno",
    "abcdefghijklmnop",
    "ipvsadm",
    "9",
];
const FORWARDS: &[&str] = &["-m", "-g", "-i", "--masquerading", "-G"];
const WEIGHTS: &[&str] = &[
    "0",
    "1",
    "007",
    "65535",
    "2147483647",
    "2147483648",
    "00000000001",
    "-1",
    "+3",
    "1x",
];
/// Whole options added to a line.
const EXTRAS: &[&[&str]] = &[
    &["-p", "300"],
    &["-p"],
    &["-w", "2"],
    &["-x", "10"],
    &["-o"],
    &["-s", "rr"],
    &["-M", "255.255.255.0"],
    &["--netns", "ns1"],
    &["-m"],
];
const SEPARATORS: &[&str] = &["  ", "\t", " \r", "\r"];

fn pick<'a>(rng: &mut TestRng, from: &[&'a str]) -> &'a str {
    from[rng.below(from.len())]
}

/// A line of the shape `-S -n` writes, as tokens, with each place's value
/// taken from its list a quarter of the time.
fn usual_tokens(rng: &mut TestRng) -> Vec<&'static str> {
    let odd = |rng: &mut TestRng, usual: &'static str, from| {
        if rng.below(4) > 0 {
            usual
        } else {
            pick(rng, from)
        }
    };
    let service = rng.below(2) == 0;
    let command = odd(rng, if service { "-A" } else { "-a" }, COMMANDS);
    let protocol = odd(rng, "-t", PROTOCOLS);
    let mut tokens =
        vec![command, protocol, odd(rng, "10.0.0.1:80", ADDRESSES)];
    if service {
        tokens.extend(["-s", odd(rng, "rr", SCHEDULERS)]);
    } else {
        let server = odd(rng, "172.16.0.10:8080", ADDRESSES);
        tokens.extend(["-r", server, odd(rng, "-m", FORWARDS)]);
        tokens.extend(["-w", odd(rng, "1", WEIGHTS)]);
    }
    tokens
}

/// A usual line, often changed: an option (with its value) dropped or
/// repeated, an option added, odd separators.
fn line(rng: &mut TestRng) -> Vec<u8> {
    let mut tokens = usual_tokens(rng);
    match rng.below(6) {
        0 => {
            // Drop an option and its value (never a value alone, which
            // would make the next option's name a host name).
            let at = 1 + 2 * rng.below((tokens.len() - 1) / 2);
            tokens.drain(at..(at + 2).min(tokens.len()));
        }
        1 => {
            let at = 1 + 2 * rng.below((tokens.len() - 1) / 2);
            let pair: Vec<_> = tokens[at..(at + 2).min(tokens.len())].to_vec();
            tokens.extend(pair);
        }
        2 => tokens.extend(EXTRAS[rng.below(EXTRAS.len())]),
        _ => {}
    }
    let mut text = String::new();
    if rng.below(20) == 0 {
        text.push(' ');
    }
    for (i, token) in tokens.iter().enumerate() {
        if i > 0 {
            let odd = rng.below(10) == 0;
            text.push_str(if odd { pick(rng, SEPARATORS) } else { " " });
        }
        text.push_str(token);
    }
    if rng.below(20) == 0 {
        text.push_str(pick(rng, SEPARATORS));
    }
    text.into_bytes()
}

#[test]
fn a_usual_line_reads_as_the_full_reading_reads_it() {
    let mut rng = TestRng::new(0x9e37_79b9_7f4a_7c15);
    let mut taken = 0;
    for _ in 0..100_000 {
        let line = line(&mut rng);
        let Some(fast) = parse_usual_line(&line) else {
            continue;
        };
        taken += 1;
        for posix in [false, true] {
            assert_eq!(
                full_reading(&line, posix),
                Some(Ok(fast.clone())),
                "{:?}",
                String::from_utf8_lossy(&line)
            );
        }
    }
    // The generator makes both kinds, so the comparison is not vacuous.
    assert!((10_000..90_000).contains(&taken), "{taken} lines taken");
}

/// What `-S -n` writes for `service` and `dest`, without the newlines.
fn saved_lines(service: &Service, dest: &Destination) -> [Vec<u8>; 2] {
    let mut add_service = Vec::new();
    render::write_save_service(&mut add_service, service, true).unwrap();
    let mut add_server = Vec::new();
    render::write_save_dest(&mut add_server, service, dest, true).unwrap();
    [add_service, add_server].map(|mut l| {
        assert_eq!(l.pop(), Some(b'\n'));
        l
    })
}

#[test]
fn the_lines_of_a_saved_plain_table_are_taken() {
    let mut rng = TestRng::new(0x2545_f491_4f6c_dd1d);
    for _ in 0..5_000 {
        let octet = |rng: &mut TestRng| rng.below(256) as u8;
        let addr = |rng: &mut TestRng| {
            std::net::Ipv4Addr::new(
                octet(rng),
                octet(rng),
                octet(rng),
                octet(rng),
            )
            .into()
        };
        let protocol = [Protocol::Tcp, Protocol::Udp][rng.below(2)];
        let port = 1 + rng.below(65535) as u16;
        let key = ServiceKey::Inet {
            protocol,
            addr: addr(&mut rng),
            port,
        };
        let scheduler = pick(&mut rng, &["rr", "wrr", "lc", "wlc", "sh"]);
        let service = Service::with_scheduler(key, scheduler.to_string());
        let mut dest =
            Destination::new(addr(&mut rng), rng.below(65536) as u16);
        // Tunnels are saved with their type (`--tun-type`), which the
        // fast path leaves to the full reading.
        dest.forward =
            [ForwardMethod::Masquerade, ForwardMethod::Route][rng.below(2)];
        if dest.forward != ForwardMethod::Masquerade {
            dest.port = port;
        }
        dest.weight = rng.below(70_000) as i32;
        let [add_service, add_server] = saved_lines(&service, &dest);
        assert_eq!(
            parse_usual_line(&add_service),
            Some(Command::AddService(service.clone())),
            "{:?}",
            String::from_utf8_lossy(&add_service)
        );
        let Some(Command::AddServer {
            service: s,
            dest: d,
        }) = parse_usual_line(&add_server)
        else {
            panic!("not taken: {:?}", String::from_utf8_lossy(&add_server));
        };
        assert_eq!((s.key, d), (key, dest));
    }
}
