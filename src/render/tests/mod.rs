//! Tests of ipvsadm's output formats: whole listings against the reference
//! and against captures of Debian's ipvsadm 1.31 in the project VM (data in
//! `data/`, captured by `tools/capture-*-fixtures.sh`), the `--format
//! table` views, and the smaller writers.

mod connections;
mod formats;
mod listing;
mod names;
mod prometheus;
mod table;
mod vm_captures;

use crate::model::{
    AddressFamily, Destination, ForwardMethod, Protocol, Service, ServiceKey,
};
use crate::render::StatsView;
use crate::render::{
    write_dest, write_save_dest, write_save_service, write_service,
};

/// A TCP, UDP or SCTP service with the default scheduler.
fn inet(p: Protocol, addr: &str, port: u16) -> Service {
    Service::new(ServiceKey::Inet {
        protocol: p,
        addr: addr.parse().unwrap(),
        port,
    })
}

/// A fwmark service with the default scheduler.
fn fwmark(mark: u32, family: AddressFamily) -> Service {
    Service::new(ServiceKey::Fwmark { family, mark })
}

/// A real server with a forwarding method and weight.
fn dest(addr: &str, port: u16, fwd: ForwardMethod, w: i32) -> Destination {
    let mut d = Destination::new(addr.parse().unwrap(), port);
    d.forward = fwd;
    d.weight = w;
    d
}

/// The service and real-server lines of `-L` for `table`, without the
/// version header and titles.
fn listing(
    table: &[(Service, Vec<Destination>)],
    columns: StatsView,
    numeric: bool,
    exact: bool,
) -> String {
    let mut out = Vec::new();
    for (svc, dests) in table {
        write_service(&mut out, svc, columns, numeric, exact).unwrap();
        for d in dests {
            write_dest(&mut out, svc, d, columns, numeric, exact).unwrap();
        }
    }
    String::from_utf8(out).unwrap()
}

/// `-S` output for `table`.
fn save(table: &[(Service, Vec<Destination>)], numeric: bool) -> String {
    let mut out = Vec::new();
    for (svc, dests) in table {
        write_save_service(&mut out, svc, numeric).unwrap();
        for d in dests {
            write_save_dest(&mut out, svc, d, numeric).unwrap();
        }
    }
    String::from_utf8(out).unwrap()
}
