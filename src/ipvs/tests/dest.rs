//! Destination requests (NEW/SET/DEL/GET_DEST) and destination replies.
//! (Reply counters differ from run to run of the capture script.)

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{check_reply, check_request, v4, v6_doc};
use crate::ipvs::{
    DestAttr, IpvsAttr, IpvsCmd, IpvsMessage, ServiceAttr, Stats64Attr,
    StatsAttr, dest_attrs, dest_from_attrs, service_key_attrs,
};
use crate::model::{
    AddressFamily, Destination, ForwardMethod, Protocol, ServiceKey, Stats,
    TUN_FLAG_CSUM, TUN_FLAG_REMCSUM, TunnelType,
};

/// `ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 3 -x 100 -y 10`
pub(super) const NEW_DEST_MASQ: &str = "
    05 01 00 00                                                # genl: cmd NEW_DEST, version 1
    54 00 01 80                                                # SERVICE nest, len 84 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      06 00 02 00 06 00 00 00                                  # PROTOCOL
      14 00 03 00 0a 00 00 01 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 04 00 00 50 00 00                                  # PORT
      05 00 06 00 00 00 00 00                                  # SCHED_NAME
      0c 00 07 00 00 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 ff ff ff ff                                  # NETMASK
    60 00 02 80                                                # DEST nest, len 96 (NLA_F_NESTED)
      06 00 0b 00 02 00 00 00                                  # ADDR_FAMILY
      14 00 01 00 0a 00 00 02 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 02 00 1f 90 00 00                                  # PORT
      08 00 03 00 00 00 00 00                                  # FWD_METHOD
      08 00 04 00 03 00 00 00                                  # WEIGHT
      05 00 0d 00 00 00 00 00                                  # TUN_TYPE
      06 00 0e 00 00 00 00 00                                  # TUN_PORT
      06 00 0f 00 00 00 00 00                                  # TUN_FLAGS
      08 00 05 00 64 00 00 00                                  # U_THRESH
      08 00 06 00 0a 00 00 00                                  # L_THRESH
";

/// `ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.3 -g`
pub(super) const NEW_DEST_ROUTE: &str = "
    05 01 00 00                                                # genl: cmd NEW_DEST, version 1
    54 00 01 80                                                # SERVICE nest, len 84 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      06 00 02 00 06 00 00 00                                  # PROTOCOL
      14 00 03 00 0a 00 00 01 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 04 00 00 50 00 00                                  # PORT
      05 00 06 00 00 00 00 00                                  # SCHED_NAME
      0c 00 07 00 00 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 ff ff ff ff                                  # NETMASK
    60 00 02 80                                                # DEST nest, len 96 (NLA_F_NESTED)
      06 00 0b 00 02 00 00 00                                  # ADDR_FAMILY
      14 00 01 00 0a 00 00 03 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 02 00 00 50 00 00                                  # PORT
      08 00 03 00 03 00 00 00                                  # FWD_METHOD
      08 00 04 00 01 00 00 00                                  # WEIGHT
      05 00 0d 00 00 00 00 00                                  # TUN_TYPE
      06 00 0e 00 00 00 00 00                                  # TUN_PORT
      06 00 0f 00 00 00 00 00                                  # TUN_FLAGS
      08 00 05 00 00 00 00 00                                  # U_THRESH
      08 00 06 00 00 00 00 00                                  # L_THRESH
";

/// `ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.4 -i --tun-type gue
/// --tun-port 6080 --tun-remcsum`
pub(super) const NEW_DEST_GUE: &str = "
    05 01 00 00                                                # genl: cmd NEW_DEST, version 1
    54 00 01 80                                                # SERVICE nest, len 84 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      06 00 02 00 06 00 00 00                                  # PROTOCOL
      14 00 03 00 0a 00 00 01 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 04 00 00 50 00 00                                  # PORT
      05 00 06 00 00 00 00 00                                  # SCHED_NAME
      0c 00 07 00 00 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 ff ff ff ff                                  # NETMASK
    60 00 02 80                                                # DEST nest, len 96 (NLA_F_NESTED)
      06 00 0b 00 02 00 00 00                                  # ADDR_FAMILY
      14 00 01 00 0a 00 00 04 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 02 00 00 50 00 00                                  # PORT
      08 00 03 00 02 00 00 00                                  # FWD_METHOD
      08 00 04 00 01 00 00 00                                  # WEIGHT
      05 00 0d 00 01 00 00 00                                  # TUN_TYPE
      06 00 0e 00 17 c0 00 00                                  # TUN_PORT
      06 00 0f 00 02 00 00 00                                  # TUN_FLAGS
      08 00 05 00 00 00 00 00                                  # U_THRESH
      08 00 06 00 00 00 00 00                                  # L_THRESH
";

/// `ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.5 -i --tun-type gre --tun-csum`
pub(super) const NEW_DEST_GRE: &str = "
    05 01 00 00                                                # genl: cmd NEW_DEST, version 1
    54 00 01 80                                                # SERVICE nest, len 84 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      06 00 02 00 06 00 00 00                                  # PROTOCOL
      14 00 03 00 0a 00 00 01 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 04 00 00 50 00 00                                  # PORT
      05 00 06 00 00 00 00 00                                  # SCHED_NAME
      0c 00 07 00 00 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 ff ff ff ff                                  # NETMASK
    60 00 02 80                                                # DEST nest, len 96 (NLA_F_NESTED)
      06 00 0b 00 02 00 00 00                                  # ADDR_FAMILY
      14 00 01 00 0a 00 00 05 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 02 00 00 50 00 00                                  # PORT
      08 00 03 00 02 00 00 00                                  # FWD_METHOD
      08 00 04 00 01 00 00 00                                  # WEIGHT
      05 00 0d 00 02 00 00 00                                  # TUN_TYPE
      06 00 0e 00 00 00 00 00                                  # TUN_PORT
      06 00 0f 00 01 00 00 00                                  # TUN_FLAGS
      08 00 05 00 00 00 00 00                                  # U_THRESH
      08 00 06 00 00 00 00 00                                  # L_THRESH
";

/// `ipvsadm -a -t [2001:db8::1]:443 -r [2001:db8::2]:8443 -m`
pub(super) const NEW_DEST_IPV6: &str = "
    05 01 00 00                                                # genl: cmd NEW_DEST, version 1
    54 00 01 80                                                # SERVICE nest, len 84 (NLA_F_NESTED)
      06 00 01 00 0a 00 00 00                                  # AF
      06 00 02 00 06 00 00 00                                  # PROTOCOL
      14 00 03 00 20 01 0d b8 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 01
      06 00 04 00 01 bb 00 00                                  # PORT
      05 00 06 00 00 00 00 00                                  # SCHED_NAME
      0c 00 07 00 00 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 80 00 00 00                                  # NETMASK
    60 00 02 80                                                # DEST nest, len 96 (NLA_F_NESTED)
      06 00 0b 00 0a 00 00 00                                  # ADDR_FAMILY
      14 00 01 00 20 01 0d b8 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 02
      06 00 02 00 20 fb 00 00                                  # PORT
      08 00 03 00 00 00 00 00                                  # FWD_METHOD
      08 00 04 00 01 00 00 00                                  # WEIGHT
      05 00 0d 00 00 00 00 00                                  # TUN_TYPE
      06 00 0e 00 00 00 00 00                                  # TUN_PORT
      06 00 0f 00 00 00 00 00                                  # TUN_FLAGS
      08 00 05 00 00 00 00 00                                  # U_THRESH
      08 00 06 00 00 00 00 00                                  # L_THRESH
";

/// `ipvsadm -a -f 1 -r 10.0.0.6:80 -g -w 0`
pub(super) const NEW_DEST_FWMARK: &str = "
    05 01 00 00                                                # genl: cmd NEW_DEST, version 1
    38 00 01 80                                                # SERVICE nest, len 56 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      08 00 05 00 01 00 00 00                                  # FWMARK
      05 00 06 00 00 00 00 00                                  # SCHED_NAME
      0c 00 07 00 00 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 ff ff ff ff                                  # NETMASK
    60 00 02 80                                                # DEST nest, len 96 (NLA_F_NESTED)
      06 00 0b 00 02 00 00 00                                  # ADDR_FAMILY
      14 00 01 00 0a 00 00 06 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 02 00 00 50 00 00                                  # PORT
      08 00 03 00 03 00 00 00                                  # FWD_METHOD
      08 00 04 00 00 00 00 00                                  # WEIGHT
      05 00 0d 00 00 00 00 00                                  # TUN_TYPE
      06 00 0e 00 00 00 00 00                                  # TUN_PORT
      06 00 0f 00 00 00 00 00                                  # TUN_FLAGS
      08 00 05 00 00 00 00 00                                  # U_THRESH
      08 00 06 00 00 00 00 00                                  # L_THRESH
";

/// `ipvsadm -e -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 5`
pub(super) const SET_DEST: &str = "
    06 01 00 00                                                # genl: cmd SET_DEST, version 1
    54 00 01 80                                                # SERVICE nest, len 84 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      06 00 02 00 06 00 00 00                                  # PROTOCOL
      14 00 03 00 0a 00 00 01 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 04 00 00 50 00 00                                  # PORT
      05 00 06 00 00 00 00 00                                  # SCHED_NAME
      0c 00 07 00 00 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 ff ff ff ff                                  # NETMASK
    60 00 02 80                                                # DEST nest, len 96 (NLA_F_NESTED)
      06 00 0b 00 02 00 00 00                                  # ADDR_FAMILY
      14 00 01 00 0a 00 00 02 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 02 00 1f 90 00 00                                  # PORT
      08 00 03 00 00 00 00 00                                  # FWD_METHOD
      08 00 04 00 05 00 00 00                                  # WEIGHT
      05 00 0d 00 00 00 00 00                                  # TUN_TYPE
      06 00 0e 00 00 00 00 00                                  # TUN_PORT
      06 00 0f 00 00 00 00 00                                  # TUN_FLAGS
      08 00 05 00 00 00 00 00                                  # U_THRESH
      08 00 06 00 00 00 00 00                                  # L_THRESH
";

/// `ipvsadm -d -t 10.0.0.1:80 -r 10.0.0.3`
pub(super) const DEL_DEST: &str = "
    07 01 00 00                                                # genl: cmd DEL_DEST, version 1
    54 00 01 80                                                # SERVICE nest, len 84 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      06 00 02 00 06 00 00 00                                  # PROTOCOL
      14 00 03 00 0a 00 00 01 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 04 00 00 50 00 00                                  # PORT
      05 00 06 00 00 00 00 00                                  # SCHED_NAME
      0c 00 07 00 00 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 ff ff ff ff                                  # NETMASK
    60 00 02 80                                                # DEST nest, len 96 (NLA_F_NESTED)
      06 00 0b 00 02 00 00 00                                  # ADDR_FAMILY
      14 00 01 00 0a 00 00 03 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 02 00 00 50 00 00                                  # PORT
      08 00 03 00 03 00 00 00                                  # FWD_METHOD
      08 00 04 00 01 00 00 00                                  # WEIGHT
      05 00 0d 00 00 00 00 00                                  # TUN_TYPE
      06 00 0e 00 00 00 00 00                                  # TUN_PORT
      06 00 0f 00 00 00 00 00                                  # TUN_FLAGS
      08 00 05 00 00 00 00 00                                  # U_THRESH
      08 00 06 00 00 00 00 00                                  # L_THRESH
";

/// `ipvsadm -L -n`: the dest dump request for TCP 10.0.0.1:80.
pub(super) const GET_DEST_DUMP: &str = "
    08 01 00 00                                                # genl: cmd GET_DEST, version 1
    30 00 01 80                                                # SERVICE nest, len 48 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      06 00 02 00 06 00 00 00                                  # PROTOCOL
      14 00 03 00 0a 00 00 01 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 04 00 00 50 00 00                                  # PORT
";

/// `ipvsadm -L -n`: the dest dump request for FWM 1.
pub(super) const GET_DEST_DUMP_FWMARK: &str = "
    08 01 00 00                                                # genl: cmd GET_DEST, version 1
    14 00 01 80                                                # SERVICE nest, len 20 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      08 00 05 00 01 00 00 00                                  # FWMARK
";

/// `ipvsadm -L -n`: the dump reply for 10.0.0.5 (GRE tunnel, the
/// destination that got the three connection attempts).
pub(super) const DEST_REPLY_GRE: &str = "
    05 01 00 00                                                # genl: cmd NEW_DEST, version 1
    50 01 02 00                                                # DEST nest, len 336
      14 00 01 00 0a 00 00 05 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 02 00 00 50 00 00                                  # PORT
      08 00 03 00 02 00 00 00                                  # FWD_METHOD
      08 00 04 00 01 00 00 00                                  # WEIGHT
      05 00 0d 00 02 00 00 00                                  # TUN_TYPE
      06 00 0e 00 00 00 00 00                                  # TUN_PORT
      06 00 0f 00 01 00 00 00                                  # TUN_FLAGS
      08 00 05 00 00 00 00 00                                  # U_THRESH
      08 00 06 00 00 00 00 00                                  # L_THRESH
      08 00 07 00 03 00 00 00                                  # ACTIVE_CONNS
      08 00 08 00 00 00 00 00                                  # INACT_CONNS
      08 00 09 00 01 00 00 00                                  # PERSIST_CONNS
      06 00 0b 00 02 00 00 00                                  # ADDR_FAMILY
      5c 00 0a 00                                              # STATS nest, len 92
        08 00 01 00 03 00 00 00                                # CONNS
        08 00 02 00 03 00 00 00                                # INPKTS
        08 00 03 00 00 00 00 00                                # OUTPKTS
        0c 00 04 00 b4 00 00 00 00 00 00 00                    # INBYTES
        0c 00 05 00 00 00 00 00 00 00 00 00                    # OUTBYTES
        08 00 06 00 00 00 00 00                                # CPS
        08 00 07 00 00 00 00 00                                # INPPS
        08 00 08 00 00 00 00 00                                # OUTPPS
        08 00 09 00 11 00 00 00                                # INBPS
        08 00 0a 00 00 00 00 00                                # OUTBPS
      7c 00 0c 00                                              # STATS64 nest, len 124
        0c 00 01 00 03 00 00 00 00 00 00 00                    # CONNS
        0c 00 02 00 03 00 00 00 00 00 00 00                    # INPKTS
        0c 00 03 00 00 00 00 00 00 00 00 00                    # OUTPKTS
        0c 00 04 00 b4 00 00 00 00 00 00 00                    # INBYTES
        0c 00 05 00 00 00 00 00 00 00 00 00                    # OUTBYTES
        0c 00 06 00 00 00 00 00 00 00 00 00                    # CPS
        0c 00 07 00 00 00 00 00 00 00 00 00                    # INPPS
        0c 00 08 00 00 00 00 00 00 00 00 00                    # OUTPPS
        0c 00 09 00 11 00 00 00 00 00 00 00                    # INBPS
        0c 00 0a 00 00 00 00 00 00 00 00 00                    # OUTBPS
";

/// `ipvsadm -L -n`: the dump reply for 10.0.0.4 (GUE tunnel).
pub(super) const DEST_REPLY_GUE: &str = "
    05 01 00 00                                                # genl: cmd NEW_DEST, version 1
    50 01 02 00                                                # DEST nest, len 336
      14 00 01 00 0a 00 00 04 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 02 00 00 50 00 00                                  # PORT
      08 00 03 00 02 00 00 00                                  # FWD_METHOD
      08 00 04 00 01 00 00 00                                  # WEIGHT
      05 00 0d 00 01 00 00 00                                  # TUN_TYPE
      06 00 0e 00 17 c0 00 00                                  # TUN_PORT
      06 00 0f 00 02 00 00 00                                  # TUN_FLAGS
      08 00 05 00 00 00 00 00                                  # U_THRESH
      08 00 06 00 00 00 00 00                                  # L_THRESH
      08 00 07 00 00 00 00 00                                  # ACTIVE_CONNS
      08 00 08 00 00 00 00 00                                  # INACT_CONNS
      08 00 09 00 00 00 00 00                                  # PERSIST_CONNS
      06 00 0b 00 02 00 00 00                                  # ADDR_FAMILY
      5c 00 0a 00                                              # STATS nest, len 92
        08 00 01 00 00 00 00 00                                # CONNS
        08 00 02 00 00 00 00 00                                # INPKTS
        08 00 03 00 00 00 00 00                                # OUTPKTS
        0c 00 04 00 00 00 00 00 00 00 00 00                    # INBYTES
        0c 00 05 00 00 00 00 00 00 00 00 00                    # OUTBYTES
        08 00 06 00 00 00 00 00                                # CPS
        08 00 07 00 00 00 00 00                                # INPPS
        08 00 08 00 00 00 00 00                                # OUTPPS
        08 00 09 00 00 00 00 00                                # INBPS
        08 00 0a 00 00 00 00 00                                # OUTBPS
      7c 00 0c 00                                              # STATS64 nest, len 124
        0c 00 01 00 00 00 00 00 00 00 00 00                    # CONNS
        0c 00 02 00 00 00 00 00 00 00 00 00                    # INPKTS
        0c 00 03 00 00 00 00 00 00 00 00 00                    # OUTPKTS
        0c 00 04 00 00 00 00 00 00 00 00 00                    # INBYTES
        0c 00 05 00 00 00 00 00 00 00 00 00                    # OUTBYTES
        0c 00 06 00 00 00 00 00 00 00 00 00                    # CPS
        0c 00 07 00 00 00 00 00 00 00 00 00                    # INPPS
        0c 00 08 00 00 00 00 00 00 00 00 00                    # OUTPPS
        0c 00 09 00 00 00 00 00 00 00 00 00                    # INBPS
        0c 00 0a 00 00 00 00 00 00 00 00 00                    # OUTBPS
";

/// `ipvsadm -L -n`: the dump reply for [2001:db8::2]:8443.
pub(super) const DEST_REPLY_IPV6: &str = "
    05 01 00 00                                                # genl: cmd NEW_DEST, version 1
    50 01 02 00                                                # DEST nest, len 336
      14 00 01 00 20 01 0d b8 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 02
      06 00 02 00 20 fb 00 00                                  # PORT
      08 00 03 00 00 00 00 00                                  # FWD_METHOD
      08 00 04 00 01 00 00 00                                  # WEIGHT
      05 00 0d 00 00 00 00 00                                  # TUN_TYPE
      06 00 0e 00 00 00 00 00                                  # TUN_PORT
      06 00 0f 00 00 00 00 00                                  # TUN_FLAGS
      08 00 05 00 00 00 00 00                                  # U_THRESH
      08 00 06 00 00 00 00 00                                  # L_THRESH
      08 00 07 00 00 00 00 00                                  # ACTIVE_CONNS
      08 00 08 00 00 00 00 00                                  # INACT_CONNS
      08 00 09 00 00 00 00 00                                  # PERSIST_CONNS
      06 00 0b 00 0a 00 00 00                                  # ADDR_FAMILY
      5c 00 0a 00                                              # STATS nest, len 92
        08 00 01 00 00 00 00 00                                # CONNS
        08 00 02 00 00 00 00 00                                # INPKTS
        08 00 03 00 00 00 00 00                                # OUTPKTS
        0c 00 04 00 00 00 00 00 00 00 00 00                    # INBYTES
        0c 00 05 00 00 00 00 00 00 00 00 00                    # OUTBYTES
        08 00 06 00 00 00 00 00                                # CPS
        08 00 07 00 00 00 00 00                                # INPPS
        08 00 08 00 00 00 00 00                                # OUTPPS
        08 00 09 00 00 00 00 00                                # INBPS
        08 00 0a 00 00 00 00 00                                # OUTBPS
      7c 00 0c 00                                              # STATS64 nest, len 124
        0c 00 01 00 00 00 00 00 00 00 00 00                    # CONNS
        0c 00 02 00 00 00 00 00 00 00 00 00                    # INPKTS
        0c 00 03 00 00 00 00 00 00 00 00 00                    # OUTPKTS
        0c 00 04 00 00 00 00 00 00 00 00 00                    # INBYTES
        0c 00 05 00 00 00 00 00 00 00 00 00                    # OUTBYTES
        0c 00 06 00 00 00 00 00 00 00 00 00                    # CPS
        0c 00 07 00 00 00 00 00 00 00 00 00                    # INPPS
        0c 00 08 00 00 00 00 00 00 00 00 00                    # OUTPPS
        0c 00 09 00 00 00 00 00 00 00 00 00                    # INBPS
        0c 00 0a 00 00 00 00 00 00 00 00 00                    # OUTBPS
";

/// The service nest ipvsadm sends with a dest command for
/// `-t 10.0.0.1:80` (the CLI's defaults for everything but the key).
fn tcp_80_nest() -> Vec<ServiceAttr> {
    vec![
        ServiceAttr::AddressFamily(2),
        ServiceAttr::Protocol(6),
        ServiceAttr::Addr(v4(10, 0, 0, 1)),
        ServiceAttr::Port(80),
        ServiceAttr::SchedName(String::new()),
        ServiceAttr::Flags {
            flags: 0,
            mask: u32::MAX,
        },
        ServiceAttr::Timeout(0),
        ServiceAttr::Netmask(u32::MAX),
    ]
}

fn msg(cmd: IpvsCmd, svc: Vec<ServiceAttr>, d: &Destination) -> IpvsMessage {
    IpvsMessage::new(
        cmd,
        vec![IpvsAttr::Service(svc), IpvsAttr::Dest(dest_attrs(d))],
    )
}

fn dest4(last: u8, port: u16, fwd: ForwardMethod) -> Destination {
    let mut d =
        Destination::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, last)), port);
    d.forward = fwd;
    d
}

#[test]
fn new_dest_masq_with_thresholds() {
    let mut d = dest4(2, 8080, ForwardMethod::Masquerade);
    d.weight = 3;
    d.u_threshold = 100;
    d.l_threshold = 10;
    // The order ipvsadm uses, spelled out once.
    assert_eq!(
        dest_attrs(&d),
        vec![
            DestAttr::AddrFamily(2),
            DestAttr::Addr(v4(10, 0, 0, 2)),
            DestAttr::Port(8080),
            DestAttr::FwdMethod(0),
            DestAttr::Weight(3),
            DestAttr::TunType(0),
            DestAttr::TunPort(0),
            DestAttr::TunFlags(0),
            DestAttr::UThresh(100),
            DestAttr::LThresh(10),
        ]
    );
    check_request(NEW_DEST_MASQ, msg(IpvsCmd::NewDest, tcp_80_nest(), &d));
}

#[test]
fn new_dest_route() {
    let d = dest4(3, 80, ForwardMethod::Route);
    check_request(NEW_DEST_ROUTE, msg(IpvsCmd::NewDest, tcp_80_nest(), &d));
}

#[test]
fn new_dest_tunnel_gue() {
    let mut d = dest4(4, 80, ForwardMethod::Tunnel);
    d.tun_type = TunnelType::Gue;
    d.tun_port = 6080;
    d.tun_flags = TUN_FLAG_REMCSUM;
    check_request(NEW_DEST_GUE, msg(IpvsCmd::NewDest, tcp_80_nest(), &d));
}

#[test]
fn new_dest_tunnel_gre() {
    let mut d = dest4(5, 80, ForwardMethod::Tunnel);
    d.tun_type = TunnelType::Gre;
    d.tun_flags = TUN_FLAG_CSUM;
    check_request(NEW_DEST_GRE, msg(IpvsCmd::NewDest, tcp_80_nest(), &d));
}

#[test]
fn new_dest_ipv6() {
    let svc = vec![
        ServiceAttr::AddressFamily(10),
        ServiceAttr::Protocol(6),
        ServiceAttr::Addr(v6_doc(1)),
        ServiceAttr::Port(443),
        ServiceAttr::SchedName(String::new()),
        ServiceAttr::Flags {
            flags: 0,
            mask: u32::MAX,
        },
        ServiceAttr::Timeout(0),
        ServiceAttr::Netmask(128),
    ];
    let mut d = Destination::new(
        IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2)),
        8443,
    );
    d.forward = ForwardMethod::Masquerade;
    check_request(NEW_DEST_IPV6, msg(IpvsCmd::NewDest, svc, &d));
}

#[test]
fn new_dest_fwmark_service() {
    let svc = vec![
        ServiceAttr::AddressFamily(2),
        ServiceAttr::Fwmark(1),
        ServiceAttr::SchedName(String::new()),
        ServiceAttr::Flags {
            flags: 0,
            mask: u32::MAX,
        },
        ServiceAttr::Timeout(0),
        ServiceAttr::Netmask(u32::MAX),
    ];
    let mut d = dest4(6, 80, ForwardMethod::Route);
    d.weight = 0;
    check_request(NEW_DEST_FWMARK, msg(IpvsCmd::NewDest, svc, &d));
}

#[test]
fn set_dest() {
    let mut d = dest4(2, 8080, ForwardMethod::Masquerade);
    d.weight = 5;
    check_request(SET_DEST, msg(IpvsCmd::SetDest, tcp_80_nest(), &d));
}

#[test]
fn del_dest() {
    let d = dest4(3, 80, ForwardMethod::Route);
    check_request(DEL_DEST, msg(IpvsCmd::DelDest, tcp_80_nest(), &d));
}

#[test]
fn get_dest_dump() {
    let key = ServiceKey::Inet {
        protocol: Protocol::Tcp,
        addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
        port: 80,
    };
    check_request(
        GET_DEST_DUMP,
        IpvsMessage::new(
            IpvsCmd::GetDest,
            vec![IpvsAttr::Service(service_key_attrs(&key))],
        ),
    );
}

#[test]
fn get_dest_dump_fwmark() {
    let key = ServiceKey::Fwmark {
        family: AddressFamily::Inet,
        mark: 1,
    };
    check_request(
        GET_DEST_DUMP_FWMARK,
        IpvsMessage::new(
            IpvsCmd::GetDest,
            vec![IpvsAttr::Service(service_key_attrs(&key))],
        ),
    );
}

/// A reply dest nest, in the kernel's order.
#[allow(clippy::too_many_arguments)]
fn reply_nest(
    addr: [u8; 16],
    port: u16,
    fwd: u32,
    tun: (u8, u16, u16),
    conns: (u32, u32, u32),
    af: u16,
    stats: [u64; 10],
) -> Vec<DestAttr> {
    let s32 = |i: usize| stats[i] as u32;
    vec![
        DestAttr::Addr(addr),
        DestAttr::Port(port),
        DestAttr::FwdMethod(fwd),
        DestAttr::Weight(1),
        DestAttr::TunType(tun.0),
        DestAttr::TunPort(tun.1),
        DestAttr::TunFlags(tun.2),
        DestAttr::UThresh(0),
        DestAttr::LThresh(0),
        DestAttr::ActiveConns(conns.0),
        DestAttr::InactConns(conns.1),
        DestAttr::PersistConns(conns.2),
        DestAttr::AddrFamily(af),
        DestAttr::Stats(vec![
            StatsAttr::Conns(s32(0)),
            StatsAttr::InPkts(s32(1)),
            StatsAttr::OutPkts(s32(2)),
            StatsAttr::InBytes(stats[3]),
            StatsAttr::OutBytes(stats[4]),
            StatsAttr::Cps(s32(5)),
            StatsAttr::InPps(s32(6)),
            StatsAttr::OutPps(s32(7)),
            StatsAttr::InBps(s32(8)),
            StatsAttr::OutBps(s32(9)),
        ]),
        DestAttr::Stats64(vec![
            Stats64Attr::Conns(stats[0]),
            Stats64Attr::InPkts(stats[1]),
            Stats64Attr::OutPkts(stats[2]),
            Stats64Attr::InBytes(stats[3]),
            Stats64Attr::OutBytes(stats[4]),
            Stats64Attr::Cps(stats[5]),
            Stats64Attr::InPps(stats[6]),
            Stats64Attr::OutPps(stats[7]),
            Stats64Attr::InBps(stats[8]),
            Stats64Attr::OutBps(stats[9]),
        ]),
    ]
}

fn reply(nest: Vec<DestAttr>) -> IpvsMessage {
    IpvsMessage::new(IpvsCmd::NewDest, vec![IpvsAttr::Dest(nest)])
}

#[test]
fn dest_reply_gre_with_stats() {
    let stats = [3, 3, 0, 180, 0, 0, 0, 0, 17, 0];
    let nest =
        reply_nest(v4(10, 0, 0, 5), 80, 2, (2, 0, 1), (3, 0, 1), 2, stats);
    let d = dest_from_attrs(&nest, AddressFamily::Inet).unwrap();
    let mut want = dest4(5, 80, ForwardMethod::Tunnel);
    want.tun_type = TunnelType::Gre;
    want.tun_flags = TUN_FLAG_CSUM;
    want.active_conns = 3;
    want.persist_conns = 1;
    want.stats = Stats {
        conns: 3,
        inpkts: 3,
        inbytes: 180,
        inbps: 17,
        ..Stats::default()
    };
    assert_eq!(d, want);
    check_reply(DEST_REPLY_GRE, reply(nest));
}

#[test]
fn dest_reply_gue() {
    let nest =
        reply_nest(v4(10, 0, 0, 4), 80, 2, (1, 6080, 2), (0, 0, 0), 2, [0; 10]);
    let d = dest_from_attrs(&nest, AddressFamily::Inet).unwrap();
    assert_eq!(d.tun_type, TunnelType::Gue);
    assert_eq!(d.tun_port, 6080);
    assert_eq!(d.tun_flags, TUN_FLAG_REMCSUM);
    check_reply(DEST_REPLY_GUE, reply(nest));
}

#[test]
fn dest_reply_ipv6() {
    let nest =
        reply_nest(v6_doc(2), 8443, 0, (0, 0, 0), (0, 0, 0), 10, [0; 10]);
    let d = dest_from_attrs(&nest, AddressFamily::Inet6).unwrap();
    assert_eq!(
        d.addr,
        IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2))
    );
    assert_eq!(d.port, 8443);
    assert_eq!(d.forward, ForwardMethod::Masquerade);
    check_reply(DEST_REPLY_IPV6, reply(nest));
}

#[test]
fn dest_stats64_are_read_as_64_bit() {
    // ipvsadm 1.31 shows only the low 32 bits of these; we do not.
    let big = 123_456_789_012;
    let nest = reply_nest(
        v4(10, 0, 0, 5),
        80,
        2,
        (0, 0, 0),
        (0, 0, 0),
        2,
        [big, big + 1, big + 2, big + 3, big + 4, 5, 6, 7, 8, big + 9],
    );
    let d = dest_from_attrs(&nest, AddressFamily::Inet).unwrap();
    assert_eq!(d.stats.conns, big);
    assert_eq!(d.stats.inpkts, big + 1);
    assert_eq!(d.stats.outpkts, big + 2);
    assert_eq!(d.stats.outbps, big + 9);
}

#[test]
fn dest_family_defaults_to_the_service_family() {
    let mut nest =
        reply_nest(v6_doc(2), 8443, 0, (0, 0, 0), (0, 0, 0), 10, [0; 10]);
    nest.retain(|a| !matches!(a, DestAttr::AddrFamily(_)));
    let d = dest_from_attrs(&nest, AddressFamily::Inet6).unwrap();
    assert_eq!(AddressFamily::of(&d.addr), AddressFamily::Inet6);
    let d = dest_from_attrs(&nest, AddressFamily::Inet).unwrap();
    assert_eq!(d.addr, IpAddr::V4(Ipv4Addr::new(0x20, 0x01, 0x0d, 0xb8)));
}

#[test]
fn dest_reply_requires_what_ipvsadm_requires() {
    let full =
        reply_nest(v4(10, 0, 0, 5), 80, 2, (0, 0, 0), (0, 0, 0), 2, [0; 10]);
    // ADDR .. L_THRESH except the tunnel ones, and the three counts.
    for kind in [0, 1, 2, 3, 7, 8, 9, 10, 11] {
        let mut partial = full.clone();
        partial.remove(kind);
        assert!(
            dest_from_attrs(&partial, AddressFamily::Inet).is_err(),
            "without #{kind}"
        );
    }
    for optional in [4, 5, 6, 12, 13, 14] {
        let mut partial = full.clone();
        partial.remove(optional);
        assert!(dest_from_attrs(&partial, AddressFamily::Inet).is_ok());
    }
}

#[test]
fn dest_round_trips_through_attrs() {
    let mut d = dest4(9, 443, ForwardMethod::Tunnel);
    d.tun_type = TunnelType::Gue;
    d.tun_port = 5555;
    d.tun_flags = TUN_FLAG_CSUM | TUN_FLAG_REMCSUM;
    d.weight = 7;
    d.u_threshold = 9;
    d.l_threshold = 3;
    let mut attrs = dest_attrs(&d);
    attrs.extend([
        DestAttr::ActiveConns(0),
        DestAttr::InactConns(0),
        DestAttr::PersistConns(0),
    ]);
    assert_eq!(dest_from_attrs(&attrs, AddressFamily::Inet6).unwrap(), d);
}
