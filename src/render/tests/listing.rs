//! Whole listings checked against real ipvsadm 1.31 output (reference
//! §6.2-6.7, marked (V) there, and captures from the project VM).

use std::net::IpAddr;

use super::{dest, fwmark, inet, listing, save};
use crate::model::{
    AddressFamily, Destination, ForwardMethod, Info, Protocol, Service,
    ServiceFlags, ServiceKey, Stats, TunnelType,
};
use crate::render::StatsView;

use crate::render::*;
use crate::resolver::seed_host_name;

fn persistent(mut s: Service, timeout: u32) -> Service {
    s.flags.0 |= ServiceFlags::PERSISTENT;
    s.timeout = timeout;
    s
}

fn tunnel(
    mut d: Destination,
    t: TunnelType,
    port: u16,
    flags: u16,
) -> Destination {
    d.tun_type = t;
    d.tun_port = port;
    d.tun_flags = flags;
    d
}

/// The table of the reference's §6.4 and §6.7 examples.
fn example_table() -> Vec<(Service, Vec<Destination>)> {
    use ForwardMethod::*;
    let mut ops = inet(Protocol::Udp, "10.0.0.2", 514);
    ops.flags.0 |= ServiceFlags::ONEPACKET;
    let mut sh = inet(Protocol::Udp, "2001:db8::1", 53);
    sh.scheduler = "sh".into();
    sh.flags.0 |= ServiceFlags::SCHED1 | ServiceFlags::SCHED2;
    let mut f7 = persistent(fwmark(7, AddressFamily::Inet6), 360);
    f7.netmask = 64;
    f7.pe_name = Some("sip".into());
    let mut f42 = persistent(fwmark(42, AddressFamily::Inet), 600);
    f42.scheduler = "wrr".into();
    f42.netmask = u32::from_ne_bytes([255, 255, 255, 0]);
    let mut rr = inet(Protocol::Tcp, "10.0.0.1", 80);
    rr.scheduler = "rr".into();
    vec![
        (
            rr,
            vec![
                dest("192.168.1.1", 80, Route, 1),
                dest("192.168.1.2", 80, Masquerade, 3),
            ],
        ),
        (
            persistent(inet(Protocol::Tcp, "10.0.0.1", 443), 360),
            vec![],
        ),
        (ops, vec![]),
        (sh, vec![dest("2001:db8::10", 5353, Masquerade, 1)]),
        (f7, vec![]),
        (
            f42,
            vec![
                tunnel(
                    dest("10.1.1.1", 0, Tunnel, 0),
                    TunnelType::Gue,
                    6080,
                    1,
                ),
                tunnel(dest("10.1.1.2", 0, Tunnel, 1), TunnelType::Gre, 0, 1),
                tunnel(dest("10.1.1.3", 0, Tunnel, 1), TunnelType::Ipip, 0, 0),
            ],
        ),
    ]
}

#[test]
fn reference_listing_example() {
    let mut table = example_table();
    table[5].1.truncate(1);
    let mut out = Vec::new();
    let info = Info {
        version: 0x010201,
        conn_tab_size: 4096,
    };
    write_version_header(&mut out, &info).unwrap();
    write_titles(&mut out, StatsView::Default).unwrap();
    let text = String::from_utf8(out).unwrap()
        + &listing(&table, StatsView::Default, true, false);
    let want = "\
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.1:80 rr
  -> 192.168.1.1:80               Route   1      0          0         
  -> 192.168.1.2:80               Masq    3      0          0         
TCP  10.0.0.1:443 wlc persistent 360
UDP  10.0.0.2:514 wlc ops
UDP  [2001:db8::1]:53 sh (sh-fallback,sh-port)
  -> [2001:db8::10]:5353          Masq    1      0          0         
FWM  7 IPv6 wlc persistent 360 mask 64 pe sip
FWM  42 wrr persistent 600 mask 255.255.255.0
  -> 10.1.1.1:0                   Tunnel  0      0          0         
";
    assert_eq!(text, want);
}

#[test]
fn reference_save_example() {
    let want = "\
-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 192.168.1.1:80 -g -w 1
-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 3
-A -t 10.0.0.1:443 -s wlc -p 360
-A -u 10.0.0.2:514 -s wlc -o
-A -u [2001:db8::1]:53 -s sh -b sh-fallback,sh-port
-a -u [2001:db8::1]:53 -r [2001:db8::10]:5353 -m -w 1
-A -f 7 -6 -s wlc -p 360 -M 64 --pe sip
-A -f 42 -s wrr -p 600 -M 255.255.255.0
-a -f 42 -r 10.1.1.1:0 -i -w 0 --tun-type gue --tun-port 6080 --tun-csum
-a -f 42 -r 10.1.1.2:0 -i -w 1 --tun-type gre --tun-csum
-a -f 42 -r 10.1.1.3:0 -i -w 1 --tun-type ipip
";
    assert_eq!(save(&example_table(), true), want);
}

#[test]
fn save_with_names_uses_services_database() {
    let table = example_table();
    let text = save(&table[..1], false);
    assert!(text.contains(":http -s rr\n"), "{text}");
}

#[test]
fn title_lines() {
    let t = |c| {
        let mut out = Vec::new();
        write_titles(&mut out, c).unwrap();
        String::from_utf8(out).unwrap()
    };
    assert_eq!(
        t(StatsView::Stats),
        "Prot LocalAddress:Port               Conns   InPkts  OutPkts  \
         InBytes OutBytes\n  -> RemoteAddress:Port\n"
    );
    assert_eq!(
        t(StatsView::Rate),
        "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    \
         InBPS   OutBPS\n  -> RemoteAddress:Port\n"
    );
    assert_eq!(
        t(StatsView::Thresholds),
        "Prot LocalAddress:Port            Uthreshold Lthreshold \
         ActiveConn InActConn \n  -> RemoteAddress:Port\n"
    );
    assert_eq!(
        t(StatsView::PersistentConn),
        "Prot LocalAddress:Port            Weight    PersistConn \
         ActiveConn InActConn \n  -> RemoteAddress:Port\n"
    );
    assert_eq!(
        t(StatsView::TunInfo),
        "Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port  \
         \x20        Forward TunnelInfo    Weight ActiveConn InActConn\n"
    );
}

#[test]
fn tun_info_column() {
    let table = example_table();
    let text = listing(&table[5..], StatsView::TunInfo, true, false);
    let want = "\
FWM  42 wrr persistent 600 mask 255.255.255.0
  -> 10.1.1.1:0                   Tunnel  gue:6080:+c   0      0          0         
  -> 10.1.1.2:0                   Tunnel  gre:+c        1      0          0         
  -> 10.1.1.3:0                   Tunnel  ipip          1      0          0         
";
    assert_eq!(text, want);
    let text = listing(&table[..1], StatsView::TunInfo, true, false);
    assert!(text.contains(
        "  -> 192.168.1.1:80               Route   n/a           1      \
         0          0         \n"
    ));
}

#[test]
fn stats_and_rate_lines() {
    let mut svc = inet(Protocol::Tcp, "10.0.0.1", 80);
    svc.scheduler = "rr".into();
    svc.stats = Stats {
        conns: 5,
        inpkts: 100_000_000,
        outpkts: 1_000_000_000,
        inbytes: 100_000_000_000,
        outbytes: 100_000_000_000_000,
        cps: 1,
        inpps: 2,
        outpps: 3,
        inbps: 4,
        outbps: 5,
    };
    let mut d = dest("192.168.1.1", 80, ForwardMethod::Route, 1);
    d.stats = Stats {
        cps: 123_456_789_012,
        inpps: 7,
        outpps: 8,
        inbps: 999_999_999,
        outbps: 9,
        ..svc.stats
    };
    let table = vec![(svc, vec![d])];
    // Expected bytes computed with printf("%-33s"/"  -> %-28s") and
    // print_largenum's formats.
    assert_eq!(
        listing(&table, StatsView::Stats, true, false),
        "TCP  10.0.0.1:80                         5  100000K    1000M     \
         100G     100T\n  -> 192.168.1.1:80                      5  \
         100000K    1000M     100G     100T\n"
    );
    assert_eq!(
        listing(&table, StatsView::Stats, true, true),
        "TCP  10.0.0.1:80                         5 100000000 1000000000 \
         100000000000 100000000000000\n  -> 192.168.1.1:80               \
         \x20      5 100000000 1000000000 100000000000 100000000000000\n"
    );
    // Dest CPS/InPPS/OutPPS are never scaled and overflow their column.
    assert_eq!(
        listing(&table, StatsView::Rate, true, false),
        "TCP  10.0.0.1:80                         1        2        3      \
         \x20 4        5\n  -> 192.168.1.1:80               123456789012 \
         \x20      7        8  999999K        9\n"
    );
}

#[test]
fn thresholds_and_persistent_conn_lines() {
    let mut d = dest("192.168.1.1", 80, ForwardMethod::Masquerade, 2);
    d.u_threshold = 100;
    d.l_threshold = 10;
    d.active_conns = 3;
    d.inactive_conns = 4;
    d.persist_conns = 5;
    let svc = inet(Protocol::Tcp, "10.0.0.1", 80);
    let table = vec![(svc, vec![d])];
    assert_eq!(
        listing(&table, StatsView::Thresholds, true, false),
        "TCP  10.0.0.1:80 wlc\n  -> 192.168.1.1:80               100       \
         \x2010         3          4         \n"
    );
    assert_eq!(
        listing(&table, StatsView::PersistentConn, true, false),
        "TCP  10.0.0.1:80 wlc\n  -> 192.168.1.1:80               2         \
         5           3          4         \n"
    );
}

#[test]
fn scheduler_flag_lists() {
    let mut mh = inet(Protocol::Tcp, "10.0.0.9", 80);
    mh.scheduler = "mh".into();
    mh.flags.0 |= ServiceFlags::SCHED3;
    let mut rr = inet(Protocol::Tcp, "10.0.0.9", 81);
    rr.scheduler = "rr".into();
    rr.flags.0 |= ServiceFlags::SCHED1 | ServiceFlags::SCHED3;
    let mut mh2 = inet(Protocol::Tcp, "10.0.0.9", 82);
    mh2.scheduler = "mh".into();
    mh2.flags.0 |= ServiceFlags::SCHED2 | ServiceFlags::SCHED3;
    let table = vec![(mh, vec![]), (rr, vec![]), (mh2, vec![])];
    assert_eq!(
        listing(&table, StatsView::Default, true, false),
        "TCP  10.0.0.9:80 mh ()\nTCP  10.0.0.9:81 rr (flag-1,flag-3)\n\
         TCP  10.0.0.9:82 mh (mh-port)\n"
    );
    // Bits without names leave "-b " (ipvsadm's unrestorable output).
    assert_eq!(
        save(&table, true),
        "-A -t 10.0.0.9:80 -s mh -b \n-A -t 10.0.0.9:81 -s rr -b \
         flag-1,flag-3\n-A -t 10.0.0.9:82 -s mh -b mh-port\n"
    );
}

#[test]
fn pe_and_mask_only_when_persistent_in_listing() {
    let mut s = inet(Protocol::Udp, "10.0.0.3", 5060);
    s.pe_name = Some("sip".into());
    s.netmask = u32::from_ne_bytes([255, 255, 0, 0]);
    let table = vec![(s.clone(), vec![])];
    assert_eq!(
        listing(&table, StatsView::Default, true, false),
        "UDP  10.0.0.3:5060 wlc\n"
    );
    // --save writes --pe regardless of persistence, -M only with -p.
    assert_eq!(save(&table, true), "-A -u 10.0.0.3:5060 -s wlc --pe sip\n");
    let mut v6 = persistent(inet(Protocol::Sctp, "2001:db8::5", 9), 30);
    v6.netmask = 128;
    v6.flags.0 |= ServiceFlags::ONEPACKET;
    let table = vec![(v6, vec![])];
    assert_eq!(
        listing(&table, StatsView::Default, true, false),
        "SCTP [2001:db8::5]:9 wlc persistent 30 ops\n"
    );
    assert_eq!(
        save(&table, true),
        "-A --sctp-service [2001:db8::5]:9 -s wlc -p 30 -o\n"
    );
}

#[test]
fn big_fwmarks_print_unsigned() {
    // Documented divergence from 1.31 (`FWM  -1294967296`, `-f -1294967296`).
    let mut f = fwmark(3_000_000_000, AddressFamily::Inet);
    f.scheduler = "rr".into();
    let d = dest("10.1.1.1", 0, ForwardMethod::Route, 1);
    let table = vec![(f, vec![d])];
    assert_eq!(
        listing(&table, StatsView::Default, true, false),
        "FWM  3000000000 rr\n  -> 10.1.1.1:0                   Route   1      \
         0          0         \n"
    );
    assert_eq!(
        save(&table, true),
        "-A -f 3000000000 -s rr\n-a -f 3000000000 -r 10.1.1.1:0 -g -w 1\n"
    );
}

#[test]
fn fwmark_dest_ports_stay_numeric_with_names() {
    let f = fwmark(1, AddressFamily::Inet);
    let d = dest("127.0.0.1", 80, ForwardMethod::Local, 1);
    let table = vec![(f, vec![d])];
    let text = save(&table, false);
    assert!(text.ends_with(":80 -g -w 1\n"), "{text}");
}

#[test]
fn name_truncation_33_28_59() {
    let long = "a-rather-long-host-name.with.many.labels.and.more.example.org";
    assert!(long.len() > 59);
    let v4: IpAddr = "198.51.100.7".parse().unwrap();
    seed_host_name(v4, Some(long));
    let v6: IpAddr = "2001:db8::77".parse().unwrap();
    seed_host_name(v6, Some(long));
    let proto = Some(Protocol::Other(0));
    // 59 bytes at most for any addr:port text.
    let full = format_addr_port(&v4, 12345, proto, false);
    assert_eq!(full, long[..59]);
    let full6 = format_addr_port(&v6, 12345, proto, false);
    assert_eq!(full6, format!("[{}", &long[..58]));

    let svc = inet(Protocol::Other(99), "198.51.100.7", 12345);
    let d4 = dest("198.51.100.7", 12345, ForwardMethod::Route, 1);
    let d6 = dest("2001:db8::77", 12345, ForwardMethod::Route, 1);
    let table = vec![(svc.clone(), vec![d4.clone(), d6.clone()])];
    let text = listing(&table, StatsView::Default, false, false);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], format!("?    {} wlc", &long[..28]));
    assert_eq!(
        lines[1],
        format!("  -> {} Route   1      0          0         ", &long[..28])
    );
    assert_eq!(
        lines[2],
        format!("  -> {} Route   1      0          0         ", full6)
    );
    // --save cuts only at 59 (and is then unrestorable).
    let text = save(&table, false);
    assert_eq!(
        text.lines().next().unwrap(),
        format!("-A --xxx-service {} -s wlc", &full)
    );
    // IPv6 service names are never cut to 33.
    let svc6 = inet(Protocol::Other(99), "2001:db8::77", 1);
    let text = listing(&[(svc6, vec![])], StatsView::Stats, false, false);
    let want = format!("?    {full6}        0        0");
    assert!(text.starts_with(&want), "{text}");
}

#[test]
fn rendering_100k_services_is_quick() {
    let start = std::time::Instant::now();
    let mut out = Vec::with_capacity(8 << 20);
    for i in 0..100_000u32 {
        let mut s = inet(Protocol::Tcp, "10.0.0.1", 80);
        s.key = ServiceKey::Inet {
            protocol: Protocol::Tcp,
            addr: IpAddr::V4(i.into()),
            port: (i % 65536) as u16,
        };
        let d = dest("192.168.1.1", 80, ForwardMethod::Masquerade, 1);
        write_service(&mut out, &s, StatsView::Default, true, false).unwrap();
        write_dest(&mut out, &s, &d, StatsView::Default, true, false).unwrap();
    }
    assert!(out.len() > 100_000 * 60);
    // Generous bound for an unoptimised test build on a busy machine.
    assert!(start.elapsed().as_secs() < 10);
}
