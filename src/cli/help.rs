//! The texts of `-h` and `-v`, byte for byte as ipvsadm 1.31 prints
//! them (`%s` in the usage block is argv[0] as invoked).

const VERSION: &str =
    "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n";

/// What follows the program name on each usage line.
const USAGE: [&str; 13] = [
    " -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]",
    " -D virtual-service",
    " -C",
    " -R",
    " -S [-n]",
    " -a|e virtual-service -r server-address [options]",
    " -d virtual-service -r server-address",
    " -L|l [virtual-service] [options]",
    " -Z [virtual-service]",
    " --set tcp tcpfin udp",
    " --start-daemon {master|backup} [daemon-options]",
    " --stop-daemon {master|backup}",
    " -h",
];

/// Everything after the usage block.
const DETAILS: &str = r#"
Commands:
Either long or short options are allowed.
  --add-service     -A        add virtual service with options
  --edit-service    -E        edit virtual service with options
  --delete-service  -D        delete virtual service
  --clear           -C        clear the whole table
  --restore         -R        restore rules from stdin
  --save            -S        save rules to stdout
  --add-server      -a        add real server with options
  --edit-server     -e        edit real server with options
  --delete-server   -d        delete real server
  --list            -L|-l     list the table
  --zero            -Z        zero counters in a service or all services
  --set tcp tcpfin udp        set connection timeout values
  --start-daemon              start connection sync daemon
  --stop-daemon               stop connection sync daemon
  --help            -h        display this help message

virtual-service:
  --tcp-service|-t  service-address   service-address is host[:port]
  --udp-service|-u  service-address   service-address is host[:port]
  --sctp-service    service-address   service-address is host[:port]
  --fwmark-service|-f fwmark          fwmark is an integer greater than zero

Options:
  --ipv6         -6                   fwmark entry uses IPv6
  --scheduler    -s scheduler         one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh,
                                      the default scheduler is wlc.
  --pe            engine              alternate persistence engine may be sip,
                                      not set by default.
  --persistent   -p [timeout]         persistent service
  --netmask      -M netmask           persistent granularity mask
  --real-server  -r server-address    server-address is host (and port)
  --gatewaying   -g                   gatewaying (direct routing) (default)
  --ipip         -i                   ipip encapsulation (tunneling)
  --masquerading -m                   masquerading (NAT)
  --tun-type      type                one of ipip|gue|gre,
                                      the default tunnel type is ipip.
  --tun-port      port                tunnel destination port
  --tun-nocsum                        tunnel encapsulation without checksum
  --tun-csum                          tunnel encapsulation with checksum
  --tun-remcsum                       tunnel encapsulation with remote checksum
  --weight       -w weight            capacity of real server
  --u-threshold  -x uthreshold        upper threshold of connections
  --l-threshold  -y lthreshold        lower threshold of connections
  --connection   -c                   output of current IPVS connections
  --timeout                           output of timeout (tcp tcpfin udp)
  --daemon                            output of daemon information
  --stats                             output of statistics information
  --rate                              output of rate information
  --exact                             expand numbers (display exact values)
  --thresholds                        output of thresholds information
  --persistent-conn                   output of persistent connection info
  --tun-info                          output of tunnel information
  --nosort                            disable sorting output of service/server entries
  --sort                              does nothing, for backwards compatibility
  --ops          -o                   one-packet scheduling
  --numeric      -n                   numeric output of addresses and ports
  --sched-flags  -b flags             scheduler flags (comma-separated)
Daemon Options:
  --syncid sid                        syncid for connection sync (default=255)
  --sync-maxlen length                Max sync message length (default=1472)
  --mcast-interface interface         multicast interface for connection sync
  --mcast-group address               IPv4/IPv6 group (default=224.0.0.81)
  --mcast-port port                   UDP port (default=8848)
  --mcast-ttl ttl                     Multicast TTL (default=1)
"#;

/// `-v`: the version line.
pub fn version_text() -> &'static str {
    VERSION
}

/// `-h`: the whole help text for a program invoked as `argv0` (whose
/// bytes are printed as they are, UTF-8 or not).
pub fn help_text(argv0: &(impl AsRef<[u8]> + ?Sized)) -> Vec<u8> {
    let argv0 = argv0.as_ref();
    let mut text = Vec::with_capacity(4700);
    text.extend_from_slice(VERSION.as_bytes());
    text.extend_from_slice(b"Usage:\n");
    for line in USAGE {
        text.extend_from_slice(b"  ");
        text.extend_from_slice(argv0);
        text.extend_from_slice(line.as_bytes());
        text.push(b'\n');
    }
    text.extend_from_slice(DETAILS.as_bytes());
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help_text(argv0: &str) -> String {
        String::from_utf8(super::help_text(argv0)).unwrap()
    }

    #[test]
    fn help_is_4645_bytes_for_plain_name() {
        assert_eq!(help_text("ipvsadm").len(), 4645);
    }

    #[test]
    fn help_substitutes_argv0_in_usage_only() {
        let text = help_text("/usr/sbin/ipvsadm");
        assert_eq!(text.len(), 4645 + 13 * 10);
        assert!(text.starts_with(
            "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n\
             Usage:\n  /usr/sbin/ipvsadm -A|E virtual-service"
        ));
        assert!(text.contains("\n  /usr/sbin/ipvsadm -h\n\nCommands:\n"));
    }

    #[test]
    fn help_layout_details() {
        let text = help_text("ipvsadm");
        assert!(text.ends_with("Multicast TTL (default=1)\n"));
        assert!(
            text.contains("comma-separated)\nDaemon Options:\n  --syncid sid")
        );
        assert!(text.contains(
            "--help            -h        display this \
            help message\n\nvirtual-service:\n"
        ));
    }

    #[test]
    fn version_line() {
        assert_eq!(
            version_text(),
            "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n"
        );
    }
}
