//! The desired table of `--apply` as JSON: the services view of
//! `schema/ipvsadm-list.schema.json` (what `-L --format json` prints).
//! Counters, connection numbers and the `ipvs` header are ignored; absent
//! attributes take ipvsadm's defaults.

use std::net::{IpAddr, Ipv4Addr};

use super::desired::bad_input;
use super::plan::{Entry, Table};
use crate::error::Result;
use crate::json_value::{self, Value};
use crate::model::{
    AddressFamily, Destination, ForwardMethod, Protocol, Service, ServiceFlags,
    ServiceKey, TunnelType,
};

type Found<T> = std::result::Result<T, String>;

pub fn read(name: &str, text: &[u8]) -> Result<Table> {
    let fail = |what: String| bad_input(format!("{name}: {what}"));
    let doc = json_value::parse(text).map_err(fail)?;
    let services = doc
        .get("services")
        .and_then(Value::as_array)
        .ok_or_else(|| fail("no \"services\" array".to_string()))?;
    let mut table = Table::new();
    for (i, v) in services.iter().enumerate() {
        let at = |what: String| fail(format!("services[{i}]: {what}"));
        let service = service(v).map_err(at)?;
        if table.iter().any(|e: &Entry| e.service.key == service.key) {
            return Err(at("service listed twice".to_string()));
        }
        let mut dests: Vec<Destination> = Vec::new();
        let list = match v.get("destinations") {
            None => &[][..],
            Some(d) => d.as_array().ok_or_else(|| {
                at("\"destinations\" is not an array".to_string())
            })?,
        };
        for (j, d) in list.iter().enumerate() {
            let at = |what: String| at(format!("destinations[{j}]: {what}"));
            let dest = destination(d).map_err(at)?;
            if dests
                .iter()
                .any(|o| o.addr == dest.addr && o.port == dest.port)
            {
                return Err(at("real server listed twice".to_string()));
            }
            dests.push(dest);
        }
        table.push(Entry { service, dests });
    }
    Ok(table)
}

fn service(v: &Value) -> Found<Service> {
    let fwmark = opt(v, "fwmark", Value::as_u64)?;
    let key = match fwmark {
        Some(mark) => {
            let family = match opt(v, "family", Value::as_str)? {
                None | Some("inet") => AddressFamily::Inet,
                Some("inet6") => AddressFamily::Inet6,
                Some(f) => return Err(format!("unknown family {f:?}")),
            };
            let mark = u32::try_from(mark)
                .ok()
                .filter(|m| *m != 0)
                .ok_or("fwmark out of range")?;
            ServiceKey::Fwmark { family, mark }
        }
        None => {
            let protocol = match need(v, "protocol", Value::as_str)? {
                "tcp" => Protocol::Tcp,
                "udp" => Protocol::Udp,
                "sctp" => Protocol::Sctp,
                p => return Err(format!("unknown protocol {p:?}")),
            };
            ServiceKey::Inet {
                protocol,
                addr: address(v)?,
                port: port(v)?,
            }
        }
    };
    let mut svc = Service::new(key);
    if let Some(s) = opt(v, "scheduler", Value::as_str)? {
        svc.scheduler = s.to_string();
    }
    svc.flags = ServiceFlags(match opt(v, "flags", Value::as_u64)? {
        Some(f) => u32::try_from(f).map_err(|_| "flags out of range")?,
        None => flags_from_names(v)?,
    });
    svc.flags.0 &= !ServiceFlags::HASHED;
    svc.timeout = opt(v, "timeout", Value::as_u64)?
        .map(u32::try_from)
        .transpose()
        .map_err(|_| "timeout out of range")?
        .unwrap_or(0);
    svc.netmask = match (key.family(), v.get("netmask")) {
        (_, None | Some(Value::Null)) => key.family().default_netmask(),
        (AddressFamily::Inet, Some(Value::String(s))) => {
            let mask: Ipv4Addr = s.parse().map_err(|_| "bad netmask")?;
            u32::from_ne_bytes(mask.octets())
        }
        (AddressFamily::Inet6, Some(n)) => n
            .as_u64()
            .filter(|p| (1..=128).contains(p))
            .map(|p| p as u32)
            .ok_or("bad netmask")?,
        _ => return Err("bad netmask".to_string()),
    };
    svc.pe_name = opt(v, "pe", Value::as_str)?
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    Ok(svc)
}

/// Flags from `persistent`, `one_packet` and `sched_flags` names.
fn flags_from_names(v: &Value) -> Found<u32> {
    let mut flags = 0;
    if opt(v, "persistent", Value::as_bool)? == Some(true) {
        flags |= ServiceFlags::PERSISTENT;
    }
    if opt(v, "one_packet", Value::as_bool)? == Some(true) {
        flags |= ServiceFlags::ONEPACKET;
    }
    if let Some(names) = v.get("sched_flags").and_then(Value::as_array) {
        for n in names {
            flags |= match n.as_str() {
                Some("flag-1" | "sh-fallback" | "mh-fallback") => {
                    ServiceFlags::SCHED1
                }
                Some("flag-2" | "sh-port" | "mh-port") => ServiceFlags::SCHED2,
                Some("flag-3") => ServiceFlags::SCHED3,
                _ => return Err(format!("unknown scheduler flag {n:?}")),
            };
        }
    }
    Ok(flags)
}

fn destination(v: &Value) -> Found<Destination> {
    let mut d = Destination::new(address(v)?, port(v)?);
    d.forward = match opt(v, "forward", Value::as_str)? {
        None | Some("route") => ForwardMethod::Route,
        Some("masq") => ForwardMethod::Masquerade,
        Some("local") => ForwardMethod::Local,
        Some("tunnel") => ForwardMethod::Tunnel,
        Some(f) => return Err(format!("unknown forward method {f:?}")),
    };
    if let Some(w) = opt(v, "weight", Value::as_i64)? {
        d.weight = i32::try_from(w)
            .ok()
            .filter(|w| *w >= 0)
            .ok_or("weight out of range")?;
    }
    for (key, slot) in [
        ("u_threshold", &mut d.u_threshold),
        ("l_threshold", &mut d.l_threshold),
    ] {
        if let Some(t) = opt(v, key, Value::as_u64)? {
            *slot =
                u32::try_from(t).map_err(|_| format!("{key} out of range"))?;
        }
    }
    if let Some(t) = v.get("tunnel").filter(|t| !t.is_null()) {
        d.tun_type = match opt(t, "type", Value::as_str)? {
            None | Some("ipip") => TunnelType::Ipip,
            Some("gue") => TunnelType::Gue,
            Some("gre") => TunnelType::Gre,
            Some(x) => return Err(format!("unknown tunnel type {x:?}")),
        };
        d.tun_port = opt(t, "port", Value::as_u64)?
            .map(u16::try_from)
            .transpose()
            .map_err(|_| "tunnel port out of range")?
            .unwrap_or(0);
        let bit =
            |key: &str| opt(t, key, Value::as_bool).map(|b| b == Some(true));
        d.tun_flags =
            u16::from(bit("csum")?) | (u16::from(bit("remcsum")?) << 1);
    }
    Ok(d)
}

fn address(v: &Value) -> Found<IpAddr> {
    need(v, "address", Value::as_str)?
        .parse()
        .map_err(|_| "bad address".to_string())
}

fn port(v: &Value) -> Found<u16> {
    u16::try_from(need(v, "port", Value::as_u64)?)
        .map_err(|_| "port out of range".to_string())
}

/// A member that may be absent or null, but has the right type if given.
fn opt<'a, T>(
    v: &'a Value,
    key: &str,
    f: impl Fn(&'a Value) -> Option<T>,
) -> Found<Option<T>> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(x) => f(x).map(Some).ok_or_else(|| format!("bad \"{key}\"")),
    }
}

fn need<'a, T>(
    v: &'a Value,
    key: &str,
    f: impl Fn(&'a Value) -> Option<T>,
) -> Found<T> {
    opt(v, key, f)?.ok_or_else(|| format!("missing \"{key}\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::JsonWriter;
    use crate::model::{Info, Stats};
    use crate::render::json as view;

    fn sample() -> Table {
        let mut web = Service::new(ServiceKey::Inet {
            protocol: Protocol::Tcp,
            addr: "2001:db8::1".parse().unwrap(),
            port: 443,
        });
        web.scheduler = "sh".into();
        web.flags =
            ServiceFlags(ServiceFlags::PERSISTENT | ServiceFlags::SCHED2);
        web.timeout = 600;
        web.netmask = 64;
        let mut mark = Service::new(ServiceKey::Fwmark {
            family: AddressFamily::Inet,
            mark: 7,
        });
        mark.netmask = u32::from_ne_bytes([255, 255, 255, 0]);
        mark.pe_name = Some("sip".into());
        let mut d1 = Destination::new("2001:db8::11".parse().unwrap(), 443);
        d1.forward = ForwardMethod::Masquerade;
        d1.weight = 3;
        d1.u_threshold = 10;
        d1.l_threshold = 2;
        let mut d2 = Destination::new("10.0.2.12".parse().unwrap(), 0);
        d2.forward = ForwardMethod::Tunnel;
        d2.tun_type = TunnelType::Gue;
        d2.tun_port = 6080;
        d2.tun_flags = 2;
        vec![
            Entry {
                service: web,
                dests: vec![d1],
            },
            Entry {
                service: mark,
                dests: vec![d2],
            },
        ]
    }

    #[test]
    fn a_json_listing_reads_back_as_the_same_table() {
        let table = sample();
        let mut buf = Vec::new();
        let mut w = JsonWriter::new(&mut buf);
        view::begin_services(&mut w, &Info::default()).unwrap();
        for e in &table {
            let mut svc = e.service.clone();
            svc.flags.0 |= ServiceFlags::HASHED;
            svc.stats = Stats {
                conns: u64::MAX,
                ..Stats::default()
            };
            view::write_service(&mut w, &svc, &e.dests).unwrap();
        }
        view::end_services(w).unwrap();
        assert_eq!(read("t", &buf).unwrap(), table);
    }

    #[test]
    fn a_hand_written_table_takes_defaults() {
        let t = read(
            "t",
            br#"{"services":[{"protocol":"udp","address":"10.0.0.1","port":53,
                "persistent":true,"sched_flags":["flag-1"],
                "destinations":[{"address":"10.0.2.11","port":53}]}]}"#,
        )
        .unwrap();
        let s = &t[0].service;
        assert_eq!(s.scheduler, "wlc");
        assert_eq!(s.flags.0, ServiceFlags::PERSISTENT | ServiceFlags::SCHED1);
        assert_eq!(s.netmask, 0xffff_ffff);
        assert_eq!(t[0].dests[0].forward, ForwardMethod::Route);
        assert_eq!(t[0].dests[0].weight, 1);
    }

    #[test]
    fn bad_tables_name_the_place() {
        let msg =
            |doc: &str| read("t", doc.as_bytes()).unwrap_err().to_string();
        assert_eq!(msg("[]"), "t: no \"services\" array");
        assert_eq!(
            msg(r#"{"services":[{"protocol":"tcp","address":"x","port":1}]}"#),
            "t: services[0]: bad address"
        );
        assert_eq!(
            msg(
                r#"{"services":[{"fwmark":1,"destinations":[{"address":"10.0.0.1","port":70000}]}]}"#
            ),
            "t: services[0]: destinations[0]: port out of range"
        );
        assert_eq!(
            msg(r#"{"services":[{"fwmark":1},{"fwmark":1}]}"#),
            "t: services[1]: service listed twice"
        );
        assert!(msg("{").starts_with("t: expected"));
    }
}
