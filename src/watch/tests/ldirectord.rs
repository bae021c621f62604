//! The ldirectord.cf reader: ldirectord's defaults, the forms of
//! addresses, and `file:line` in every error and warning.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::health::{CheckKind, HttpMethod, Probe};
use crate::model::{
    AddressFamily, ForwardMethod, Protocol, ServiceFlags, ServiceKey,
};
use crate::watch::{Config, Format, format_of, parse};

/// The configuration of issue 14, verbatim.
const CLASSIC: &str = "\
checktimeout=3
checkinterval=1
autoreload=yes
quiescent=no

virtual=10.2.0.240:80
        servicename=Web Site
        comment=Test load balanced web site
        real=10.2.1.242:80 masq
        real=10.2.1.243:80 masq
        fallback=127.0.0.1:80 masq
        service=http
        scheduler=rr
        protocol=tcp
        checktype=negotiate
        checkport=80
        request=\"index.html\"
        receive=\"debian11\"
";

fn read(text: &str) -> Config {
    match parse(b"ipvsadm", "w.cf", text.as_bytes()) {
        Ok(config) => config,
        Err(e) => panic!("{e}"),
    }
}

fn error(text: &str) -> String {
    match parse(b"ipvsadm", "w.cf", text.as_bytes()) {
        Ok(config) => panic!("accepted: {config:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_classic_configuration_reads_as_ldirectord_reads_it() {
    let config = read(CLASSIC);
    assert_eq!(config.interval, Duration::from_secs(1));
    assert!(config.autoreload);
    assert_eq!(config.logfile, None);
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    assert_eq!(config.pools.len(), 1);
    let pool = &config.pools[0];
    assert_eq!(
        pool.service.key,
        ServiceKey::Inet {
            protocol: Protocol::Tcp,
            addr: "10.2.0.240".parse().unwrap(),
            port: 80
        }
    );
    assert_eq!(pool.service.scheduler, "rr");
    assert!(!pool.quiescent);
    assert!(pool.cleanstop);
    assert_eq!(pool.failure_count, 1);
    let fallback = pool.fallback.as_ref().unwrap();
    assert_eq!(fallback.addr.to_string(), "127.0.0.1");
    assert_eq!(fallback.port, 80);
    assert_eq!(fallback.forward, ForwardMethod::Masquerade);
    assert_eq!(pool.reals.len(), 2);
    let real = &pool.reals[1];
    assert_eq!(real.dest.addr.to_string(), "10.2.1.243");
    assert_eq!(real.dest.forward, ForwardMethod::Masquerade);
    assert_eq!(real.dest.weight, 1);
    let check = real.check.as_ref().unwrap();
    assert_eq!(check.key, "10.2.0.240:80 10.2.1.243:80");
    assert_eq!(check.addr, "10.2.1.243:80".parse::<SocketAddr>().unwrap());
    assert_eq!(check.spec.connect_timeout, Duration::from_secs(3));
    assert_eq!(check.spec.negotiate_timeout, Duration::from_secs(3));
    assert_eq!(
        check.spec.kind,
        CheckKind::Negotiate(Probe::Http {
            tls: false,
            method: HttpMethod::Get,
            path: "/index.html".into(),
            host: None,
            receive: Some("debian11".into()),
        })
    );
}

#[test]
fn defaults_are_ldirectords() {
    let config = read("virtual=10.0.0.1:443\n\treal=10.0.1.1 gate\n");
    assert_eq!(config.interval, Duration::from_secs(10));
    assert!(!config.autoreload);
    let pool = &config.pools[0];
    assert_eq!(pool.service.scheduler, "wrr");
    assert!(pool.cleanstop);
    assert!(!pool.quiescent);
    assert!(pool.fallback.is_none());
    let real = &pool.reals[0];
    // No port: the virtual service's; gate is direct routing.
    assert_eq!(real.dest.port, 443);
    assert_eq!(real.dest.forward, ForwardMethod::Route);
    let check = real.check.as_ref().unwrap();
    assert_eq!(check.spec.connect_timeout, Duration::from_secs(5));
    assert_eq!(check.spec.negotiate_timeout, Duration::from_secs(30));
    // The service is guessed from the port: https, request "/".
    assert_eq!(
        check.spec.kind,
        CheckKind::Negotiate(Probe::Http {
            tls: true,
            method: HttpMethod::Get,
            path: "/".into(),
            host: None,
            receive: None,
        })
    );
}

#[test]
fn negotiatetimeout_falls_back_on_checktimeout_and_back() {
    let spec =
        |text: &str| read(text).pools[0].reals[0].check.clone().unwrap().spec;
    let s =
        spec("negotiatetimeout=7\nvirtual=10.0.0.1:80\n\treal=10.0.1.1 gate\n");
    assert_eq!(s.negotiate_timeout, Duration::from_secs(7));
    assert_eq!(s.connect_timeout, Duration::from_secs(7));
    let s = spec(
        "checktimeout=2\nvirtual=10.0.0.1:80\n\treal=10.0.1.1 gate\n\t\
         negotiatetimeout=9\n",
    );
    assert_eq!(s.negotiate_timeout, Duration::from_secs(9));
    assert_eq!(s.connect_timeout, Duration::from_secs(9));
    let s = spec(
        "connecttimeout=1\ncheckinterval=4\nvirtual=10.0.0.1:80\n\t\
         real=10.0.1.1 gate\n",
    );
    assert_eq!(s.connect_timeout, Duration::from_secs(1));
    assert_eq!(s.negotiate_timeout, Duration::from_secs(30));
}

#[test]
fn ranges_weights_and_per_virtual_overrides() {
    let config = read(
        "quiescent=yes\nfailurecount=3\ncleanstop=no\n\
         virtual=10.0.0.1:80\n\
         \x20   real=192.168.1.10->192.168.1.12:8080 masq 5\n\
         \x20   quiescent=no\n\
         \x20   failurecount=2\n\
         \x20   persistent=600\n\
         \x20   netmask=255.255.255.0\n\
         virtual=10.0.0.1:81\n\
         \x20   real=192.168.1.20:81 ipip 0\n",
    );
    let a = &config.pools[0];
    let addrs: Vec<String> = a
        .reals
        .iter()
        .map(|r| format!("{}:{}", r.dest.addr, r.dest.port))
        .collect();
    assert_eq!(
        addrs,
        [
            "192.168.1.10:8080",
            "192.168.1.11:8080",
            "192.168.1.12:8080"
        ]
    );
    assert!(a.reals.iter().all(|r| r.dest.weight == 5));
    assert!(!a.quiescent);
    assert!(!a.cleanstop);
    assert_eq!(a.failure_count, 2);
    assert_eq!(
        a.service.flags.0 & ServiceFlags::PERSISTENT,
        ServiceFlags::PERSISTENT
    );
    assert_eq!(a.service.timeout, 600);
    assert_eq!(a.service.netmask_v4().to_string(), "255.255.255.0");
    let b = &config.pools[1];
    assert!(b.quiescent);
    assert_eq!(b.failure_count, 3);
    assert_eq!(b.reals[0].dest.forward, ForwardMethod::Tunnel);
    assert_eq!(b.reals[0].dest.weight, 0);
}

#[test]
fn ipv6_and_fwmark_virtuals() {
    let config = read(
        "virtual6=[2001:db8::1]:80\n\treal6=[2001:db8::10]:80 masq\n\
         \tfallback6=[::1]:80\n\
         virtual=7\n\treal=10.0.1.1 gate\n\tchecktype=connect\n\
         \tcheckport=22\n\tprotocol=fwm\n",
    );
    let v6 = &config.pools[0];
    assert_eq!(v6.service.key.family(), AddressFamily::Inet6);
    assert_eq!(v6.service.netmask, 128);
    assert_eq!(v6.reals[0].dest.addr.to_string(), "2001:db8::10");
    assert_eq!(v6.fallback.as_ref().unwrap().forward, ForwardMethod::Route);
    let fwm = &config.pools[1];
    assert_eq!(
        fwm.service.key,
        ServiceKey::Fwmark {
            family: AddressFamily::Inet,
            mark: 7
        }
    );
    let check = fwm.reals[0].check.as_ref().unwrap();
    assert_eq!(check.key, "7 10.0.1.1:0");
    assert_eq!(check.addr, "10.0.1.1:22".parse::<SocketAddr>().unwrap());
    assert_eq!(check.spec.kind, CheckKind::Connect);
}

#[test]
fn fwmark_negotiate_without_a_service_is_always_healthy() {
    let config = read("virtual=3\n\treal=10.0.1.1 gate\n");
    let check = config.pools[0].reals[0].check.as_ref().unwrap();
    assert_eq!(check.spec.kind, CheckKind::On);
}

#[test]
fn udp_and_port_53_get_connect_checks() {
    let config = read("virtual=10.0.0.1:53\n\treal=10.0.1.1 gate\n");
    let pool = &config.pools[0];
    assert!(matches!(
        pool.service.key,
        ServiceKey::Inet {
            protocol: Protocol::Udp,
            ..
        }
    ));
    assert_eq!(
        pool.reals[0].check.as_ref().unwrap().spec.kind,
        CheckKind::Connect
    );
}

#[test]
fn external_checks_get_ldirectords_arguments() {
    let config = read(
        "virtual=10.0.0.1:80\n\treal=10.0.1.1:8080 masq\n\t\
         checktype=external\n\tcheckcommand=\"/usr/local/bin/probe\"\n",
    );
    let check = config.pools[0].reals[0].check.as_ref().unwrap();
    assert_eq!(
        check.spec.kind,
        CheckKind::External {
            command: PathBuf::from("/usr/local/bin/probe"),
            args: vec![
                "10.0.0.1".into(),
                "80".into(),
                "10.0.1.1".into(),
                "8080".into()
            ],
        }
    );
}

#[test]
fn combined_checktype_and_http_options() {
    let config = read(
        "virtual=10.0.0.1:80\n\treal=10.0.1.1 gate\n\tchecktype=3\n\t\
         httpmethod=head\n\tvirtualhost=www.example.org\n",
    );
    let check = config.pools[0].reals[0].check.as_ref().unwrap();
    assert_eq!(
        check.spec.kind,
        CheckKind::ConnectsThenNegotiate {
            connects: 3,
            probe: Probe::Http {
                tls: false,
                method: HttpMethod::Head,
                path: "/".into(),
                host: Some("www.example.org".into()),
                receive: None,
            }
        }
    );
}

#[test]
fn unimplemented_keywords_are_warnings_with_file_and_line() {
    let config = read(
        "emailalert=\"root@example.org\"\nlogfile=\"local0\"\n\
         virtual=10.0.0.1:25\n\treal=10.0.1.1 gate\n\tservice=smtp\n\t\
         checkinterval=5\n",
    );
    assert_eq!(
        config.warnings,
        [
            "w.cf:1: warning: emailalert is not implemented: ignored",
            "w.cf:2: warning: logfile \"local0\" is a syslog facility, \
             which is not implemented: logging to standard error",
            "w.cf:5: warning: service smtp has no negotiate check here: its \
             real servers get a connect check",
            "w.cf:6: warning: checkinterval in a virtual section is ignored \
             (as ldirectord does without fork=yes): the global one applies",
        ]
    );
    let check = config.pools[0].reals[0].check.as_ref().unwrap();
    assert_eq!(check.spec.kind, CheckKind::Connect);
}

#[test]
fn errors_name_file_and_line() {
    assert!(
        error("virtual=10.0.0.1:80\n\treceive=\"(open\"\n")
            .starts_with("w.cf:2: invalid receive string: "),
        "a receive expression that does not compile names its line"
    );
    assert_eq!(
        error("checktimeout=3\nchecktimout=4\n"),
        "w.cf:2: unknown keyword \"checktimout\""
    );
    assert_eq!(
        error("checkinterval=0\n"),
        "w.cf:1: invalid checkinterval \"0\": a positive whole number is required"
    );
    assert_eq!(
        error("quiescent=maybe\n"),
        "w.cf:1: quiescent must be 'yes' or 'no'"
    );
    assert_eq!(
        error("virtual=10.0.0.1:80\n\treal=10.0.1.1 bridge\n"),
        "w.cf:2: invalid real server \"10.0.1.1 bridge\": forward method \
         must be gate, masq or ipip"
    );
    assert_eq!(
        error("virtual=10.0.0.1:80\n\treal=10.0.1.9->10.0.1.1 gate\n"),
        "w.cf:2: invalid real server \"10.0.1.9->10.0.1.1 gate\": the \
         range's first address is above its last"
    );
    assert_eq!(
        error("virtual=10.0.0.300:80\n"),
        "w.cf:1: invalid address for virtual server \"10.0.0.300:80\""
    );
    assert_eq!(
        error("virtual=10.0.0.1:80\n\tchecktype=sometimes\n"),
        "w.cf:2: checktype must be connect, negotiate, on, off, external or \
         a number"
    );
    assert_eq!(
        error("virtual=10.0.0.1:80\n\tbogus=1\n"),
        "w.cf:2: unknown keyword \"bogus\" in a virtual section"
    );
    assert_eq!(
        error("\treal=10.0.1.1 gate\n"),
        "w.cf:1: indented line outside a virtual= section"
    );
    assert_eq!(
        error("virtual=10.0.0.1:80\n  real=10.0.1.1 gate\n"),
        "w.cf:2: a line of a virtual= section needs four spaces or a tab of \
         indentation"
    );
    assert_eq!(
        error("virtual=10.0.0.1:80\nvirtual=10.0.0.1:80\n"),
        "w.cf:2: duplicate virtual server"
    );
    assert_eq!(
        error(
            "virtual=10.0.0.1:80\n\treal=10.0.1.1 gate\n\treal=10.0.1.1:80 masq\n"
        ),
        "w.cf:3: real server listed twice"
    );
    assert_eq!(
        error("just some words\n"),
        "w.cf:1: syntax error: expected keyword=value, got \"just some words\""
    );
}

#[test]
fn comments_and_blank_lines_are_skipped() {
    let config = read(
        "# global\n\ncheckinterval=2 # two seconds\nvirtual=10.0.0.1:80\n\
         \t# a comment\n\n\treal=10.0.1.1 gate # first\n",
    );
    assert_eq!(config.interval, Duration::from_secs(2));
    assert_eq!(config.pools[0].reals.len(), 1);
}

#[test]
fn the_format_is_told_by_the_syntax() {
    assert_eq!(format_of(CLASSIC.as_bytes()), Format::Ldirectord);
    assert_eq!(format_of(b"  {\"services\": []}"), Format::Json);
    assert_eq!(
        format_of(b"# saved\n-A -t 10.0.0.1:80 -s rr\n"),
        Format::Rules
    );
}

#[test]
fn restore_lines_have_no_checks() {
    let config = read(
        "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 2\n",
    );
    assert_eq!(config.pools.len(), 1);
    assert!(config.pools[0].reals[0].check.is_none());
    assert_eq!(config.pools[0].reals[0].dest.weight, 2);
    assert_eq!(
        error("-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.2:80 -r 10.0.1.1:80\n"),
        "w.cf:2: real server of a service without an earlier -A line"
    );
}
