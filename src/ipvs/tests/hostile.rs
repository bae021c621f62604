//! Hostile input: truncated and corrupted captures, wrong attribute
//! lengths, unknown attributes, oversized strings. Decoding must return
//! an error or keep the unknown bytes, never panic.

use netlink_packet_core::{
    DefaultNla, Emitable, NLA_F_NESTED, NlaBuffer, Parseable,
    ParseableParametrized,
};
use netlink_packet_generic::GenlHeader;

use super::{config, daemon, dest, hex, parse, service};
use crate::ipvs::nla::parse_nested;
use crate::ipvs::{
    DaemonAttr, DestAttr, IpvsAttr, IpvsCmd, IpvsMessage, RawMessage,
    ServiceAttr, Stats64Attr, StatsAttr, StatsNests, daemon_from_attrs,
    dest_from_attrs, dest_from_nest, info_from_attrs, service_from_attrs,
    service_from_nest, timeouts_from_attrs,
};
use crate::model::{AddressFamily, Stats};
use crate::test_rng::TestRng;

fn fixtures() -> Vec<Vec<u8>> {
    [
        service::SERVICE_REPLY_STATS,
        service::NEW_SERVICE_PE_SIP,
        service::NEW_SERVICE_IPV6,
        dest::NEW_DEST_GUE,
        dest::DEST_REPLY_GRE,
        dest::DEST_REPLY_IPV6,
        daemon::NEW_DAEMON_MASTER,
        daemon::DAEMON_REPLY_BACKUP6,
        config::CONFIG_REPLY,
        config::INFO_REPLY,
    ]
    .iter()
    .map(|f| hex(f))
    .collect()
}

/// Decodes like a client would: the message, then every model type.
/// Returns whether the message itself parsed.
fn decode_all(raw: &[u8]) -> bool {
    check_nest_decoders(raw);
    let Ok(header) = GenlHeader::parse(raw) else {
        return false;
    };
    let Ok(msg) = IpvsMessage::parse_with_param(&raw[4..], header) else {
        return false;
    };
    for attr in &msg.attributes {
        match attr {
            IpvsAttr::Service(a) => drop(service_from_attrs(a)),
            IpvsAttr::Dest(a) => drop(dest_from_attrs(a, AddressFamily::Inet)),
            IpvsAttr::Daemon(a) => drop(daemon_from_attrs(a)),
            _ => {}
        }
    }
    let _ = timeouts_from_attrs(&msg.attributes);
    let _ = info_from_attrs(&msg.attributes);
    // Whatever parsed must also encode without panicking, and the
    // generic writer too.
    let mut out = Vec::new();
    msg.append_attributes(&mut out);
    msg.append_kernel_style(&mut out);
    let attrs = msg.attributes.as_slice();
    let mut buf = vec![0; attrs.buffer_len()];
    attrs.emit(&mut buf);
    true
}

/// The listings' decoders, taking a nest's attributes one at a time, agree
/// with collecting the nest's attributes and converting the list: the
/// same value, or both an error. Skipping the counters gives the same
/// value with zero counters.
fn check_nest_decoders(raw: &[u8]) {
    let Ok(m) = RawMessage::new(raw) else {
        return;
    };
    if let Ok(Some(nest)) = m.service_nest() {
        let two_step = parse_nested::<ServiceAttr>(nest)
            .and_then(|a| service_from_attrs(&a));
        let read = service_from_nest(nest, StatsNests::Read).ok();
        assert_eq!(read, two_step.ok());
        if let Some(mut svc) = read {
            svc.stats = Stats::default();
            let skipped = service_from_nest(nest, StatsNests::Skip).ok();
            assert_eq!(skipped, Some(svc));
        }
    }
    if let Ok(Some(nest)) = m.dest_nest() {
        for family in [AddressFamily::Inet, AddressFamily::Inet6] {
            let two_step = parse_nested::<DestAttr>(nest)
                .and_then(|a| dest_from_attrs(&a, family));
            let read = dest_from_nest(nest, family, StatsNests::Read).ok();
            assert_eq!(read, two_step.ok());
            if let Some(mut dest) = read {
                dest.stats = Stats::default();
                let skipped =
                    dest_from_nest(nest, family, StatsNests::Skip).ok();
                assert_eq!(skipped, Some(dest));
            }
        }
    }
}

#[test]
fn nest_decoders_read_the_kernel_replies() {
    let raw = hex(service::SERVICE_REPLY_STATS);
    let m = RawMessage::new(&raw).unwrap();
    let nest = m.service_nest().unwrap().unwrap();
    let svc = service_from_nest(nest, StatsNests::Read).unwrap();
    assert_ne!(svc.stats, Stats::default(), "the capture has counters");
    check_nest_decoders(&raw);
    for fixture in [dest::DEST_REPLY_GRE, dest::DEST_REPLY_IPV6] {
        let raw = hex(fixture);
        let m = RawMessage::new(&raw).unwrap();
        let nest = m.dest_nest().unwrap().unwrap();
        assert!(
            dest_from_nest(nest, AddressFamily::Inet6, StatsNests::Read)
                .is_ok()
        );
        check_nest_decoders(&raw);
    }
}

#[test]
fn every_truncation_is_an_error_or_a_shorter_message() {
    for raw in fixtures() {
        assert!(decode_all(&raw));
        for len in 0..raw.len() {
            decode_all(&raw[..len]);
        }
        assert!(!decode_all(&raw[..3]), "genl header needs 4 bytes");
    }
}

#[test]
fn corrupted_bytes_never_panic() {
    for raw in fixtures() {
        for i in 0..raw.len() {
            for v in [0x00, 0x01, 0x03, 0x04, 0x7f, 0x80, 0xfe, 0xff] {
                let mut bad = raw.clone();
                bad[i] = v;
                decode_all(&bad);
            }
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = TestRng::new(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let len = rng.below(256);
        let mut buf: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
        // Give every command byte a chance, including info and unknown.
        if !buf.is_empty() {
            buf[0] %= 20;
        }
        decode_all(&buf);
    }
}

/// Parses one attribute of type `A` from its raw bytes.
fn parse_nla<A>(raw: &[u8]) -> Result<A, String>
where
    A: for<'a> Parseable<NlaBuffer<&'a [u8]>>,
{
    let buf = NlaBuffer::new_checked(raw).map_err(|e| e.to_string())?;
    A::parse(&buf).map_err(|e| e.to_string())
}

#[test]
fn wrong_lengths_are_errors_naming_the_attribute() {
    // SVC PORT with 4 bytes.
    let e = parse_nla::<ServiceAttr>(&hex("08 00 04 00 00 50 00 00"));
    assert!(e.unwrap_err().contains("invalid IPVS_SVC_ATTR_PORT"));
    // SVC ADDR with 5 bytes.
    let e =
        parse_nla::<ServiceAttr>(&hex("09 00 03 00 0a 00 00 01 02 00 00 00"));
    assert!(e.unwrap_err().contains("invalid IPVS_SVC_ATTR_ADDR"));
    // SVC FLAGS with only the flags word.
    let e = parse_nla::<ServiceAttr>(&hex("08 00 07 00 01 00 00 00"));
    assert!(e.unwrap_err().contains("invalid IPVS_SVC_ATTR_FLAGS"));
    // DEST TUN_TYPE with 2 bytes, WEIGHT with 2 bytes.
    let e = parse_nla::<DestAttr>(&hex("06 00 0d 00 01 00 00 00"));
    assert!(e.unwrap_err().contains("invalid IPVS_DEST_ATTR_TUN_TYPE"));
    let e = parse_nla::<DestAttr>(&hex("06 00 04 00 01 00 00 00"));
    assert!(e.unwrap_err().contains("invalid IPVS_DEST_ATTR_WEIGHT"));
    // DAEMON group of 16 bytes in the IPv4 attribute.
    let e = parse_nla::<DaemonAttr>(&hex(
        "14 00 05 00 ff 15 00 00 00 00 00 00 00 00 00 00 00 01 00 02",
    ));
    assert!(
        e.unwrap_err()
            .contains("invalid IPVS_DAEMON_ATTR_MCAST_GROUP")
    );
    // A 32-bit counter in a STATS64 nest, a 64-bit one where 32 belong.
    let e = parse_nla::<Stats64Attr>(&hex("08 00 01 00 03 00 00 00"));
    assert!(e.unwrap_err().contains("invalid IPVS_STATS_ATTR_CONNS"));
    let e = parse_nla::<StatsAttr>(&hex("0c 00 02 00 03 00 00 00 00 00 00 00"));
    assert!(e.unwrap_err().contains("invalid IPVS_STATS_ATTR_INPKTS"));
    // The error propagates through the nests, with their names.
    let e =
        parse_nla::<ServiceAttr>(&hex("0c 00 0c 00 08 00 01 00 03 00 00 00"));
    assert!(e.unwrap_err().contains("invalid IPVS_SVC_ATTR_STATS64"));
    // Info attributes are checked too.
    let raw = hex("0e 01 00 00 06 00 01 00 01 02 00 00");
    assert!(!decode_all(&raw));
}

#[test]
fn bad_attribute_headers_are_errors() {
    // Length below the 4-byte header; length beyond the buffer.
    assert!(!decode_all(&hex("01 01 00 00 02 00 01 00")));
    assert!(!decode_all(&hex("01 01 00 00 40 00 01 00 00 00 00 00")));
    // The same inside a nest.
    assert!(!decode_all(&hex("01 01 00 00 08 00 01 00 03 00 01 00")));
    assert!(!decode_all(&hex("01 01 00 00 08 00 01 00 ff 00 01 00")));
}

#[test]
fn ipv4_address_of_four_bytes_is_accepted() {
    let a = parse_nla::<DestAttr>(&hex("08 00 01 00 0a 00 00 07")).unwrap();
    let mut want = [0u8; 16];
    want[..4].copy_from_slice(&[10, 0, 0, 7]);
    assert_eq!(a, DestAttr::Addr(want));
}

#[test]
fn unknown_attributes_are_kept_and_reemitted_exactly() {
    let raw = hex("
        01 01 00 00                  # NEW_SERVICE
        34 00 01 80                  # SERVICE nest (flagged)
          06 00 01 00 02 00 00 00    # AF
          07 00 63 00 aa bb cc 00    # unknown 99, 3 bytes + pad
          18 00 0c 00                # STATS64 nest
            0c 00 01 00 05 00 00 00 00 00 00 00  # CONNS
            04 00 0b 00              # PAD (empty)
            04 00 2a 00              # unknown stats attribute 42
          05 00 0b 00 00 00 00 00    # PE_NAME, empty
        08 00 63 80 04 00 07 00      # unknown top-level nest 99, flagged
        05 00 07 00 01 00 00 00      # unknown top-level 7, 1 byte
        ");
    let msg = parse(&raw);
    let want = IpvsMessage::new(
        IpvsCmd::NewService,
        vec![
            IpvsAttr::Service(vec![
                ServiceAttr::AddressFamily(2),
                ServiceAttr::Other(DefaultNla::new(99, vec![0xaa, 0xbb, 0xcc])),
                ServiceAttr::Stats64(vec![
                    Stats64Attr::Conns(5),
                    Stats64Attr::Pad,
                    Stats64Attr::Other(DefaultNla::new(42, vec![])),
                ]),
                ServiceAttr::PeName(String::new()),
            ]),
            IpvsAttr::Other(DefaultNla::new(
                99 | NLA_F_NESTED,
                vec![4, 0, 7, 0],
            )),
            IpvsAttr::Other(DefaultNla::new(7, vec![1])),
        ],
    );
    assert_eq!(msg, want);
    let mut buf = raw[..4].to_vec();
    msg.append_attributes(&mut buf);
    assert_eq!(buf, raw);
    // Unknown daemon and dest attributes too.
    let d = parse_nla::<DaemonAttr>(&hex("08 00 09 00 01 02 03 04")).unwrap();
    assert_eq!(d, DaemonAttr::Other(DefaultNla::new(9, vec![1, 2, 3, 4])));
    let d = parse_nla::<DestAttr>(&hex("05 00 10 00 01 00 00 00")).unwrap();
    assert_eq!(d, DestAttr::Other(DefaultNla::new(16, vec![1])));
    // A non-empty PAD is not padding: kept as it came.
    let s = parse_nla::<StatsAttr>(&hex("05 00 0b 00 09 00 00 00")).unwrap();
    assert_eq!(s, StatsAttr::Other(DefaultNla::new(11, vec![9])));
}

#[test]
fn bad_strings_are_errors() {
    // Embedded NUL, invalid UTF-8 in a scheduler name.
    let e = parse_nla::<ServiceAttr>(&hex("08 00 06 00 72 00 72 00"));
    assert!(e.unwrap_err().contains("invalid IPVS_SVC_ATTR_SCHED_NAME"));
    let e = parse_nla::<ServiceAttr>(&hex("07 00 06 00 ff fe 00 00"));
    assert!(e.unwrap_err().contains("invalid IPVS_SVC_ATTR_SCHED_NAME"));
    let e = parse_nla::<DaemonAttr>(&hex("07 00 02 00 ff 00 fe 00"));
    assert!(
        e.unwrap_err()
            .contains("invalid IPVS_DAEMON_ATTR_MCAST_IFN")
    );
    // An interface name is bytes, as the kernel keeps it.
    let d = parse_nla::<DaemonAttr>(&hex("07 00 02 00 ff fe 00 00")).unwrap();
    assert_eq!(d, DaemonAttr::McastIfn(vec![0xff, 0xfe]));
    // No terminating NUL is accepted (the kernel pads, libnl terminates).
    let s = parse_nla::<ServiceAttr>(&hex("06 00 06 00 72 72 00 00")).unwrap();
    assert_eq!(s, ServiceAttr::SchedName("rr".into()));
}

#[test]
fn oversized_strings_neither_panic_nor_overflow() {
    // The largest string an attribute can carry parses.
    let mut raw = vec![0xff, 0xff, 0x06, 0x00];
    raw.extend(std::iter::repeat_n(b'x', 65530));
    raw.push(0);
    let s = parse_nla::<ServiceAttr>(&raw).unwrap();
    assert_eq!(s, ServiceAttr::SchedName("x".repeat(65530)));
    // Strings too long for the 16-bit attribute length emit without
    // panicking (the kernel would reject them anyway).
    let huge = "y".repeat(70_000);
    let msg = IpvsMessage::new(
        IpvsCmd::NewService,
        vec![IpvsAttr::Service(vec![
            ServiceAttr::SchedName(huge.clone()),
            ServiceAttr::PeName(huge.clone()),
        ])],
    );
    let mut buf = Vec::new();
    msg.append_attributes(&mut buf);
    let msg = IpvsMessage::new(
        IpvsCmd::NewDaemon,
        vec![IpvsAttr::Daemon(vec![DaemonAttr::McastIfn(
            huge.into_bytes(),
        )])],
    );
    let mut buf = Vec::new();
    msg.append_attributes(&mut buf);
}
