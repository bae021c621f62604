//! The restore lines that `-S -n` writes for a plain table, read in one
//! pass without the line reader and the option scanner: the fast path of
//! `--apply`'s rules files, which gives what the full reading gives on
//! every line it takes (`tests/usual_line.rs` holds it to that).

use std::net::IpAddr;

use super::address::{self, Endpoint};
use super::command::Command;
use super::value;
use crate::model::{Destination, ForwardMethod, Protocol, Service, ServiceKey};

/// `line` (without its newline) as `-R` reads it, when it is one of the
/// two lines `-S -n` writes for a TCP or UDP service on IPv4, tokens
/// separated by single spaces:
///
/// - `-A -t|-u ADDRESS:PORT -s SCHEDULER`, the scheduler's name in
///   lower-case letters and digits;
/// - `-a -t|-u ADDRESS:PORT -r ADDRESS[:PORT] -g|-m -w WEIGHT`, the
///   weight in decimal digits.
///
/// Addresses are dotted quads as `address::usual_endpoint` reads them.
/// `None` for every other line, and for a line of that shape that is
/// refused: the full reading gives its answer, or its error.
pub fn parse_usual_line(line: &[u8]) -> Option<Command> {
    let mut tokens = line.split(|&b| b == b' ');
    let add_service = match tokens.next()? {
        b"-A" => true,
        b"-a" => false,
        _ => return None,
    };
    let protocol = match tokens.next()? {
        b"-t" => Protocol::Tcp,
        b"-u" => Protocol::Udp,
        _ => return None,
    };
    let Endpoint {
        addr: addr @ IpAddr::V4(_),
        port,
    } = address::usual_endpoint(tokens.next()?)?
    else {
        return None;
    };
    let port = port.unwrap_or(0);
    let key = ServiceKey::Inet {
        protocol,
        addr,
        port,
    };
    let command = if add_service {
        let (b"-s", name) = (tokens.next()?, tokens.next()?) else {
            return None;
        };
        // A name of more than 15 bytes is cut, and `ipvsadm` is a token
        // the line reader drops; a service on port 0 must be persistent.
        let plain = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        if !(1..=15).contains(&name.len())
            || !name.iter().all(plain)
            || name == b"ipvsadm"
            || port == 0
        {
            return None;
        }
        let name = String::from_utf8(name.to_vec()).ok()?;
        Command::AddService(Service::with_scheduler(key, name))
    } else {
        let (b"-r", server) = (tokens.next()?, tokens.next()?) else {
            return None;
        };
        let Endpoint {
            addr: server @ IpAddr::V4(_),
            port: server_port,
        } = address::usual_endpoint(server)?
        else {
            return None;
        };
        let forward = match tokens.next()? {
            b"-g" => ForwardMethod::Route,
            b"-m" => ForwardMethod::Masquerade,
            _ => return None,
        };
        // Direct routing keeps the virtual port.
        let server_port = match forward {
            ForwardMethod::Masquerade => server_port.unwrap_or(port),
            _ => port,
        };
        let (b"-w", weight) = (tokens.next()?, tokens.next()?) else {
            return None;
        };
        let mut dest = Destination::new(server, server_port);
        dest.forward = forward;
        // At most ten digits: a longer spelling (leading zeros) is left
        // to the full reading.
        if weight.len() > 10 {
            return None;
        }
        dest.weight = i32::try_from(value::decimal_digits(weight)?).ok()?;
        // ipvsadm names no scheduler for a real server's service.
        let service = Service::with_scheduler(key, String::new());
        Command::AddServer { service, dest }
    };
    tokens.next().is_none().then_some(command)
}
