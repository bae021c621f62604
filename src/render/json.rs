//! The `--format json` views of a listing, in the shape documented by
//! `schema/ipvsadm-list.schema.json`: numeric addresses, raw counters and
//! every attribute the kernel reports.

use std::io::{self, Write};

use crate::conntable::Connection;
use crate::json::JsonWriter;
use crate::model::{
    AddressFamily, DaemonConfig, Destination, ForwardMethod, Info, Protocol,
    Service, ServiceFlags, ServiceKey, Stats, Timeouts,
};

/// Start of the services view: the `ipvs` header and the opening of the
/// `services` array. Services follow with [`write_service`].
pub fn begin_services(w: &mut JsonWriter, info: &Info) -> io::Result<()> {
    w.begin_object()?;
    w.key("ipvs")?;
    w.begin_object()?;
    let (a, b, c) = info.version_parts();
    w.field_str("version", &format!("{a}.{b}.{c}"))?;
    w.field_u64("conn_tab_size", info.conn_tab_size.into())?;
    w.end_object()?;
    w.key("services")?;
    w.begin_array()
}

/// End of the services view.
pub fn end_services(mut w: JsonWriter) -> io::Result<()> {
    w.end_array()?;
    w.end_object()?;
    w.finish()
}

/// One service with its destinations.
pub fn write_service(
    w: &mut JsonWriter,
    svc: &Service,
    dests: &[Destination],
) -> io::Result<()> {
    w.begin_object()?;
    w.field_str("family", family_name(svc.key.family()))?;
    match svc.key {
        ServiceKey::Inet {
            protocol,
            addr,
            port,
        } => {
            w.key("protocol")?;
            match protocol {
                Protocol::Other(_) => w.null()?,
                p => w.string(p.name())?,
            }
            w.field_str("address", &addr.to_string())?;
            w.field_u64("port", port.into())?;
            w.key("fwmark")?;
            w.null()?;
        }
        ServiceKey::Fwmark { mark, .. } => {
            for key in ["protocol", "address", "port"] {
                w.key(key)?;
                w.null()?;
            }
            w.field_u64("fwmark", mark.into())?;
        }
    }
    w.field_str("scheduler", &svc.scheduler)?;
    w.field_u64("flags", svc.flags.0.into())?;
    w.key("sched_flags")?;
    w.begin_array()?;
    for name in sched_flag_names(svc) {
        w.string(name)?;
    }
    w.end_array()?;
    w.field_bool("persistent", svc.flags.persistent())?;
    w.field_u64("timeout", svc.timeout.into())?;
    w.key("netmask")?;
    match svc.key.family() {
        AddressFamily::Inet => w.string(&svc.netmask_v4().to_string())?,
        AddressFamily::Inet6 => w.number(svc.netmask.into())?,
    }
    w.field_opt_str("pe", svc.pe_name.as_deref())?;
    w.field_bool("one_packet", svc.flags.one_packet())?;
    w.key("stats")?;
    write_stats(w, &svc.stats)?;
    w.key("destinations")?;
    w.begin_array()?;
    for d in dests {
        write_destination(w, d)?;
    }
    w.end_array()?;
    w.end_object()
}

fn write_destination(w: &mut JsonWriter, d: &Destination) -> io::Result<()> {
    w.begin_object()?;
    w.field_str("family", family_name(AddressFamily::of(&d.addr)))?;
    w.field_str("address", &d.addr.to_string())?;
    w.field_u64("port", d.port.into())?;
    w.field_str("forward", forward_name(d.forward))?;
    w.key("weight")?;
    w.signed(d.weight.into())?;
    w.field_u64("u_threshold", d.u_threshold.into())?;
    w.field_u64("l_threshold", d.l_threshold.into())?;
    w.field_u64("active_conns", d.active_conns.into())?;
    w.field_u64("inactive_conns", d.inactive_conns.into())?;
    w.field_u64("persist_conns", d.persist_conns.into())?;
    w.key("tunnel")?;
    if d.forward == ForwardMethod::Tunnel {
        w.begin_object()?;
        w.field_str("type", d.tun_type.name())?;
        w.field_u64("port", d.tun_port.into())?;
        w.field_bool("csum", d.tun_flags & 1 != 0)?;
        w.field_bool("remcsum", d.tun_flags & 2 != 0)?;
        w.end_object()?;
    } else {
        w.null()?;
    }
    w.key("stats")?;
    write_stats(w, &d.stats)?;
    w.end_object()
}

fn write_stats(w: &mut JsonWriter, s: &Stats) -> io::Result<()> {
    w.begin_object()?;
    for (key, value) in [
        ("conns", s.conns),
        ("inpkts", s.inpkts),
        ("outpkts", s.outpkts),
        ("inbytes", s.inbytes),
        ("outbytes", s.outbytes),
        ("cps", s.cps),
        ("inpps", s.inpps),
        ("outpps", s.outpps),
        ("inbps", s.inbps),
        ("outbps", s.outbps),
    ] {
        w.field_u64(key, value)?;
    }
    w.end_object()
}

/// The timeouts view.
pub fn write_timeouts(out: &mut dyn Write, t: &Timeouts) -> io::Result<()> {
    let mut w = JsonWriter::new(out);
    w.begin_object()?;
    w.key("timeouts")?;
    w.begin_object()?;
    w.field_u64("tcp", t.tcp.into())?;
    w.field_u64("tcp_fin", t.tcp_fin.into())?;
    w.field_u64("udp", t.udp.into())?;
    w.end_object()?;
    w.end_object()?;
    w.finish()
}

/// The daemons view.
pub fn write_daemons(
    out: &mut dyn Write,
    daemons: &[DaemonConfig],
) -> io::Result<()> {
    let mut w = JsonWriter::new(out);
    w.begin_object()?;
    w.key("daemons")?;
    w.begin_array()?;
    for d in daemons {
        w.begin_object()?;
        w.field_str("state", d.state.name())?;
        // JSON is text: bytes that are not UTF-8 show as U+FFFD.
        w.field_str("mcast_interface", &String::from_utf8_lossy(&d.mcast_ifn))?;
        w.field_u64("syncid", d.sync_id.into())?;
        w.field_u64("sync_maxlen", d.sync_maxlen.into())?;
        let group = d.mcast_group.map(|g| g.to_string());
        w.field_opt_str("mcast_group", group.as_deref())?;
        w.field_u64("mcast_port", d.mcast_port.into())?;
        w.field_u64("mcast_ttl", d.mcast_ttl.into())?;
        w.end_object()?;
    }
    w.end_array()?;
    w.end_object()?;
    w.finish()
}

/// The connections view.
pub fn write_connections(
    out: &mut dyn Write,
    entries: &[Connection],
) -> io::Result<()> {
    let mut w = JsonWriter::new(out);
    w.begin_object()?;
    w.key("connections")?;
    w.begin_array()?;
    for c in entries {
        w.begin_object()?;
        w.field_str("protocol", &String::from_utf8_lossy(&c.protocol))?;
        for (key, (addr, port)) in [
            ("client", c.client),
            ("virtual", c.virtual_),
            ("destination", c.destination),
        ] {
            w.key(key)?;
            w.begin_object()?;
            w.field_str("address", &addr.to_string())?;
            w.field_u64("port", port.into())?;
            w.end_object()?;
        }
        w.field_str("state", &String::from_utf8_lossy(&c.state))?;
        w.field_u64("expires", c.expires.into())?;
        for (key, text) in [("pe_name", &c.pe_name), ("pe_data", &c.pe_data)] {
            let text = text.as_deref().map(String::from_utf8_lossy);
            w.field_opt_str(key, text.as_deref())?;
        }
        w.end_object()?;
    }
    w.end_array()?;
    w.end_object()?;
    w.finish()
}

fn family_name(f: AddressFamily) -> &'static str {
    match f {
        AddressFamily::Inet => "inet",
        AddressFamily::Inet6 => "inet6",
    }
}

fn forward_name(f: ForwardMethod) -> &'static str {
    match f {
        ForwardMethod::Masquerade => "masq",
        ForwardMethod::Local => "local",
        ForwardMethod::Tunnel => "tunnel",
        ForwardMethod::Route => "route",
        ForwardMethod::Other(_) => "other",
    }
}

/// Scheduler flag names as ipvsadm spells them for the service's scheduler.
fn sched_flag_names(svc: &Service) -> Vec<&'static str> {
    let names: [&'static str; 3] = match svc.scheduler.as_str() {
        "sh" => ["sh-fallback", "sh-port", "flag-3"],
        "mh" => ["mh-fallback", "mh-port", "flag-3"],
        _ => ["flag-1", "flag-2", "flag-3"],
    };
    [
        ServiceFlags::SCHED1,
        ServiceFlags::SCHED2,
        ServiceFlags::SCHED3,
    ]
    .iter()
    .zip(names)
    .filter(|(bit, _)| svc.flags.0 & **bit != 0)
    .map(|(_, name)| name)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json_value::{self, Value};
    use crate::model::TunnelType;

    const SCHEMA: &str = include_str!("../../schema/ipvsadm-list.schema.json");

    fn keys(v: &Value) -> Vec<String> {
        match v {
            Value::Object(m) => m.iter().map(|(k, _)| k.clone()).collect(),
            _ => panic!("not an object: {v:?}"),
        }
    }

    /// The `required` list of a schema definition.
    fn required(def: &str) -> Vec<String> {
        let schema = json_value::parse(SCHEMA.as_bytes()).unwrap();
        let list = schema
            .get("$defs")
            .and_then(|d| d.get(def))
            .and_then(|d| d.get("required"))
            .and_then(Value::as_array)
            .unwrap();
        list.iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn the_writer_emits_exactly_the_schema_members() {
        let mut svc = Service::new(ServiceKey::Fwmark {
            family: AddressFamily::Inet6,
            mark: 1,
        });
        svc.stats.inbytes = u64::MAX;
        let mut d = Destination::new("2001:db8::1".parse().unwrap(), 0);
        d.forward = ForwardMethod::Tunnel;
        d.tun_type = TunnelType::Gue;
        let mut buf = Vec::new();
        let mut w = JsonWriter::new(&mut buf);
        begin_services(&mut w, &Info::default()).unwrap();
        write_service(&mut w, &svc, &[d]).unwrap();
        end_services(w).unwrap();
        let doc = json_value::parse(&buf).unwrap();
        assert_eq!(keys(&doc), required("servicesView"));
        let s = &doc.get("services").and_then(Value::as_array).unwrap()[0];
        assert_eq!(keys(s), required("service"));
        let stats = s.get("stats").unwrap();
        assert_eq!(keys(stats), required("stats"));
        assert_eq!(
            stats.get("inbytes").and_then(Value::as_u64),
            Some(u64::MAX)
        );
        let dest = &s.get("destinations").and_then(Value::as_array).unwrap()[0];
        assert_eq!(keys(dest), required("destination"));
        assert_eq!(s.get("netmask").and_then(Value::as_u64), Some(128));
    }

    #[test]
    fn small_views_match_the_schema() {
        let mut buf = Vec::new();
        write_timeouts(&mut buf, &Timeouts::default()).unwrap();
        let doc = json_value::parse(&buf).unwrap();
        assert_eq!(keys(&doc), required("timeoutsView"));
        let mut buf = Vec::new();
        write_connections(&mut buf, &[]).unwrap();
        let doc = json_value::parse(&buf).unwrap();
        assert_eq!(keys(&doc), required("connectionsView"));
        let mut buf = Vec::new();
        write_daemons(&mut buf, &[]).unwrap();
        let doc = json_value::parse(&buf).unwrap();
        assert_eq!(keys(&doc), required("daemonsView"));
    }
}
