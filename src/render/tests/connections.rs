//! `-L -c` lines, and its JSON view, from kernel-format input.

use crate::conntable::ConnectionReader;
use crate::error::Error;
use crate::render::write_connections;

fn run(input: &str, numeric: bool, pc: bool) -> Result<String, Error> {
    let mut out = Vec::new();
    let connections = ConnectionReader::new(input.as_bytes())?;
    write_connections(&mut out, connections, numeric, pc)?;
    Ok(String::from_utf8(out).unwrap())
}

const HEADER: &str = "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt \
                      State       Expires PEName PEData\n";

#[test]
fn reference_example() {
    // Reference §6.8 (V, -Lnc), with kernel-format input lines.
    let input = format!(
        "{HEADER}\
TCP C0A80164 C350 0A000001 0050 0A010101 0050 ESTABLISHED     899\n\
UDP C0A80165 14E9 0A000001 0035 0A010102 0035 UDP            5999\n\
TCP 2001:0db8:0000:0000:0000:0000:0000:0099 01BB \
2001:0db8:0000:0000:0000:0000:0000:0001 01BB \
2001:0db8:0000:0000:0000:0000:0000:0010 01BB SYN_RECV         59\n"
    );
    let want = "IPVS connection entries\n\
pro expire state       source             virtual            destination\n\
TCP 14:59  ESTABLISHED 192.168.1.100:50000 10.0.0.1:80        10.1.1.1:80\n\
UDP 99:59  UDP         192.168.1.101:5353 10.0.0.1:53        10.1.1.2:53\n\
TCP 00:59  SYN_RECV    [2001:db8::99]:443 [2001:db8::1]:443  [2001:db8::10]:443\n";
    assert_eq!(run(&input, true, false).unwrap(), want);
}

#[test]
fn persistent_conn_layout() {
    let input = format!(
        "{HEADER}\
UDP C0A80164 13C4 0A000001 13C4 0A010101 13C4 UDP             179 sip abc@x\n\
IP  C0A80164 0000 0A000001 0000 0A010101 0000 NONE            359\n"
    );
    let want = "IPVS connection entries\n\
pro expire state       source             virtual            destination        pe name          pe_data\n\
UDP 02:59  UDP         192.168.1.100:5060 10.0.0.1:5060      10.1.1.1:5060    sip                abc@x\n\
IP  05:59  NONE        192.168.1.100:0    10.0.0.1:0         10.1.1.1:0\n";
    assert_eq!(run(&input, true, true).unwrap(), want);
}

#[test]
fn ip_lines_keep_numeric_ports() {
    let input = format!(
        "{HEADER}IP  7F000001 0050 7F000001 0050 7F000001 0050 NONE 10\n"
    );
    let text = run(&input, false, false).unwrap();
    assert!(text.contains(":80 "), "{text}");
    let input = format!(
        "{HEADER}TCP 7F000001 0050 7F000001 0050 7F000001 0050 NONE 10\n"
    );
    let text = run(&input, false, false).unwrap();
    assert!(text.contains(":http "), "{text}");
}

#[test]
fn dotted_and_mixed_destination() {
    let input = format!(
        "{HEADER}TCP 10.0.0.5 0050 10.0.0.1 0050 \
         2001:0db8:0000:0000:0000:0000:0000:0010 0050 ESTABLISHED 60\n"
    );
    let text = run(&input, true, false).unwrap();
    assert!(
        text.ends_with(
            "TCP 01:00  ESTABLISHED 10.0.0.5:80        10.0.0.1:80        \
             [2001:db8::10]:80\n"
        ),
        "{text}"
    );
}

#[test]
fn a_blank_line_stops_after_what_was_printed() {
    // sscanf returns EOF and ipvsadm exits 1 silently, after what it
    // printed before.
    let mut out = Vec::new();
    let input = format!("{HEADER}\n");
    let connections = ConnectionReader::new(input.as_bytes()).unwrap();
    let e = write_connections(&mut out, connections, true, false).unwrap_err();
    assert_eq!(e.exit_status(), 1);
    assert!(!e.has_message());
    assert!(out.starts_with(b"IPVS connection entries\n"));
}

#[test]
fn header_only_prints_titles() {
    assert_eq!(
        run(HEADER, true, false).unwrap(),
        "IPVS connection entries\n\
         pro expire state       source             virtual            \
         destination\n"
    );
}

#[test]
fn long_lines_are_split_in_255_byte_pieces() {
    let mut chunks_input = Vec::new();
    chunks_input.extend_from_slice(HEADER.as_bytes());
    let long = format!("{}\n", "A".repeat(255));
    chunks_input.extend_from_slice(long.as_bytes());
    let mut out = Vec::new();
    // The first piece is a 255-byte word, the second the lone "\n",
    // which makes ipvsadm exit 1.
    let connections = ConnectionReader::new(&chunks_input[..]).unwrap();
    let e = write_connections(&mut out, connections, true, false).unwrap_err();
    assert_eq!(e.exit_status(), 1);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains(&"A".repeat(255)));
}

#[test]
fn json_view_of_entries() {
    let input = format!(
        "{HEADER}\
TCP C0A80164 C350 0A000001 0050 0A010101 0050 ESTABLISHED     899\n\
UDP C0A80164 13C4 0A000001 13C4 0A010101 13C4 UDP             179 sip abc@x\n"
    );
    let entries = ConnectionReader::new(input.as_bytes())
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let mut out = Vec::new();
    crate::render::json::write_connections(&mut out, &entries).unwrap();
    // Addresses numeric, persistence-engine fields null where the kernel
    // printed none.
    let want = concat!(
        r#"{"connections":["#,
        r#"{"protocol":"TCP","#,
        r#""client":{"address":"192.168.1.100","port":50000},"#,
        r#""virtual":{"address":"10.0.0.1","port":80},"#,
        r#""destination":{"address":"10.1.1.1","port":80},"#,
        r#""state":"ESTABLISHED","expires":899,"#,
        r#""pe_name":null,"pe_data":null},"#,
        r#"{"protocol":"UDP","#,
        r#""client":{"address":"192.168.1.100","port":5060},"#,
        r#""virtual":{"address":"10.0.0.1","port":5060},"#,
        r#""destination":{"address":"10.1.1.1","port":5060},"#,
        r#""state":"UDP","expires":179,"#,
        r#""pe_name":"sip","pe_data":"abc@x"}"#,
        "]}\n"
    );
    assert_eq!(String::from_utf8(out).unwrap(), want);
}
