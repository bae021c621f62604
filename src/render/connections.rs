//! `-L -c`: the connection table (read by [`crate::conntable`]) in
//! ipvsadm's columns.

use std::io::{BufRead, Write};
use std::net::IpAddr;

use crate::conntable::{Connection, ConnectionReader};
use crate::error::Error;

use super::names::push_addr_port;
use super::write_left;

/// Writes the titles, then one line per entry of `connections`
/// (`list_conn`).
///
/// An error from the reader (ipvsadm's silent `exit(1)` on a blank line)
/// stops the listing: the caller must still flush what was written.
pub(crate) fn write_connections(
    out: &mut impl Write,
    connections: ConnectionReader<impl BufRead>,
    numeric: bool,
    persistent_conn: bool,
) -> Result<(), Error> {
    out.write_all(b"IPVS connection entries\n")?;
    if persistent_conn {
        writeln!(
            out,
            "pro expire {:<11} {:<18} {:<18} {:<18} {:<16} pe_data",
            "state", "source", "virtual", "destination", "pe name"
        )?;
    } else {
        writeln!(
            out,
            "pro expire {:<11} {:<18} {:<18} destination",
            "state", "source", "virtual"
        )?;
    }
    for conn in connections {
        write_connection(out, &conn?, numeric, persistent_conn)?;
    }
    Ok(())
}

/// One line of the table; the persistence-engine columns only with
/// `--persistent-conn` and when the kernel printed engine data.
fn write_connection(
    out: &mut impl Write,
    conn: &Connection,
    numeric: bool,
    persistent_conn: bool,
) -> std::io::Result<()> {
    let proto = conn.known_protocol();
    let name = |(addr, port): (IpAddr, u16)| {
        let mut s = String::with_capacity(24);
        push_addr_port(&mut s, &addr, port, proto, numeric);
        s
    };
    let cname = name(conn.client);
    let vname = name(conn.virtual_);
    let dname = name(conn.destination);
    let expire = format!("{:02}:{:02}", conn.expires / 60, conn.expires % 60);

    write_left(out, &conn.protocol, 3)?;
    out.write_all(b" ")?;
    write_left(out, expire.as_bytes(), 6)?;
    out.write_all(b" ")?;
    write_left(out, &conn.state, 11)?;
    out.write_all(b" ")?;
    write_left(out, cname.as_bytes(), 18)?;
    out.write_all(b" ")?;
    write_left(out, vname.as_bytes(), 18)?;
    out.write_all(b" ")?;
    match (&conn.pe_name, &conn.pe_data) {
        (Some(pe_name), Some(pe_data)) if persistent_conn => {
            write_left(out, dname.as_bytes(), 16)?;
            out.write_all(b" ")?;
            write_left(out, pe_name, 18)?;
            out.write_all(b" ")?;
            out.write_all(pe_data)?;
        }
        _ => out.write_all(dname.as_bytes())?,
    }
    out.write_all(b"\n")
}
