//! Reading `/proc/net/ip_vs_conn` text: header, `fgets` pieces, `sscanf`
//! fields and the errors ipvsadm gives.

use std::net::IpAddr;

use super::*;

const HEADER: &str = "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt \
                      State       Expires PEName PEData\n";

fn read_all(input: &[u8]) -> Result<Vec<Connection>, Error> {
    ConnectionReader::new(input)?.collect()
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[test]
fn kernel_lines_become_entries() {
    let input = format!(
        "{HEADER}\
TCP C0A80164 C350 0A000001 0050 0A010101 0050 ESTABLISHED     899\n\
UDP C0A80164 13C4 0A000001 13C4 0A010101 13C4 UDP             179 sip abc@x\n"
    );
    let got = read_all(input.as_bytes()).unwrap();
    assert_eq!(
        got,
        vec![
            Connection {
                protocol: b"TCP".to_vec(),
                client: (ip("192.168.1.100"), 50000),
                virtual_: (ip("10.0.0.1"), 80),
                destination: (ip("10.1.1.1"), 80),
                state: b"ESTABLISHED".to_vec(),
                expires: 899,
                pe_name: None,
                pe_data: None,
            },
            Connection {
                protocol: b"UDP".to_vec(),
                client: (ip("192.168.1.100"), 5060),
                virtual_: (ip("10.0.0.1"), 5060),
                destination: (ip("10.1.1.1"), 5060),
                state: b"UDP".to_vec(),
                expires: 179,
                pe_name: Some(b"sip".to_vec()),
                pe_data: Some(b"abc@x".to_vec()),
            },
        ]
    );
    assert_eq!(got[0].known_protocol(), Some(Protocol::Tcp));
}

#[test]
fn ipv6_dotted_and_hex_addresses() {
    let input = format!(
        "{HEADER}\
TCP 2001:0db8:0000:0000:0000:0000:0000:0099 01BB \
2001:0db8:0000:0000:0000:0000:0000:0001 01BB \
2001:0db8:0000:0000:0000:0000:0000:0010 01BB SYN_RECV 59\n\
TCP 10.0.0.5 0050 10.0.0.1 0050 \
2001:0db8:0000:0000:0000:0000:0000:0010 0050 ESTABLISHED 60\n"
    );
    let got = read_all(input.as_bytes()).unwrap();
    assert_eq!(got[0].client, (ip("2001:db8::99"), 443));
    assert_eq!(got[0].virtual_, (ip("2001:db8::1"), 443));
    assert_eq!(got[0].destination, (ip("2001:db8::10"), 443));
    assert_eq!(got[1].client, (ip("10.0.0.5"), 80));
    assert_eq!(got[1].virtual_, (ip("10.0.0.1"), 80));
    assert_eq!(got[1].destination, (ip("2001:db8::10"), 80));
}

#[test]
fn missing_fields_stay_empty_or_zero() {
    let input = format!("{HEADER}IP C0A80164\n");
    let got = read_all(input.as_bytes()).unwrap();
    assert_eq!(got[0].protocol, b"IP");
    assert_eq!(got[0].known_protocol(), None);
    assert_eq!(got[0].client, (ip("192.168.1.100"), 0));
    assert_eq!(got[0].virtual_, (ip("0.0.0.0"), 0));
    assert_eq!(got[0].destination, (ip("0.0.0.0"), 0));
    assert!(got[0].state.is_empty());
    assert_eq!((got[0].expires, got[0].pe_name.as_ref()), (0, None));
}

#[test]
fn long_lines_are_read_in_255_byte_pieces() {
    let input = format!("{HEADER}{}TCP\n", "A".repeat(255));
    let got = read_all(input.as_bytes()).unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].protocol, "A".repeat(255).as_bytes());
    assert_eq!(got[1].protocol, b"TCP");
}

#[test]
fn a_nul_ends_the_piece_as_in_c() {
    let input = format!("{HEADER}TCP\0 C0A80164 C350\n");
    let got = read_all(input.as_bytes()).unwrap();
    assert_eq!(got[0].protocol, b"TCP");
    assert_eq!(got[0].client, (ip("0.0.0.0"), 0));
}

#[test]
fn errors_as_ipvsadm_gives_them() {
    let e = read_all(b"").unwrap_err();
    assert_eq!(e.to_string(), "unexpected input from /proc/net/ip_vs_conn");
    assert_eq!(e.exit_status(), 1);
    assert_eq!(
        open_error().to_string(),
        "cannot open file /proc/net/ip_vs_conn"
    );
    assert_eq!(open_error().exit_status(), 1);
    // A blank line: sscanf returns EOF and ipvsadm exits 1 silently; the
    // entries before it are still read.
    let input = format!(
        "{HEADER}TCP C0A80164 C350 0A000001 0050 0A010101 0050 NONE 1\n\n"
    );
    let mut reader = ConnectionReader::new(input.as_bytes()).unwrap();
    assert!(reader.next().unwrap().is_ok());
    let e = reader.next().unwrap().unwrap_err();
    assert_eq!(e.exit_status(), 1);
    assert!(!e.has_message());
}

#[test]
fn field_scanner_numbers_as_strtoul_and_strtol() {
    let mut sc = FieldScanner {
        s: b" 0x1F -1 zz",
        pos: 0,
    };
    assert_eq!(sc.number(16, false), Some(31));
    assert_eq!(sc.number(16, false).map(|v| v as u16), Some(0xffff));
    assert_eq!(sc.number(16, false), None);
    let mut sc = FieldScanner {
        s: b"99999999999999999999 -5",
        pos: 0,
    };
    assert_eq!(sc.number(10, true).map(|v| v as u32), Some(u32::MAX));
    assert_eq!(sc.number(10, true).map(|v| v as u32), Some(-5i32 as u32));
    assert_eq!(strtoul_hex32(b"C0A80164"), 0xC0A8_0164);
    assert_eq!(strtoul_hex32(b"xyz"), 0);
}
