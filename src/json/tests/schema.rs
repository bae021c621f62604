//! Every view, written with every member it can have, is validated
//! against the schema by a small validator of the keywords the schema
//! uses; the schema must require every member it describes. Since serde
//! writes every field of the types (`null` for an absent one), the types
//! and the schema then hold the same members, both ways.

use std::net::IpAddr;

use serde_json::{Map, Value};

use crate::conntable::Connection;
use crate::json::ServicesDocument;
use crate::model::{
    AddressFamily, DaemonConfig, DaemonState, Destination, ForwardMethod, Info,
    Protocol, Service, ServiceFlags, ServiceKey, Timeouts, TunnelType,
};
use crate::render::json::{self, ServicesWriter};

const SCHEMA: &str = include_str!("../../../schema/ipvsadm-list.schema.json");

fn schema() -> Value {
    serde_json::from_str(SCHEMA).expect("the schema is JSON")
}

/// Checks `doc` against `rule`; the error names the path and the problem.
fn check(
    doc: &Value,
    rule: &Value,
    root: &Value,
    path: &str,
) -> Result<(), String> {
    let rule = rule.as_object().expect("a schema object");
    let fail = |what: String| Err(format!("{path}: {what}"));
    if let Some(Value::String(target)) = rule.get("$ref") {
        let name = target.strip_prefix("#/$defs/").expect("a local $ref");
        return check(doc, &root["$defs"][name], root, path);
    }
    if let Some(Value::Array(choices)) = rule.get("oneOf") {
        let fits = choices
            .iter()
            .filter(|c| check(doc, c, root, path).is_ok())
            .count();
        if fits != 1 {
            return fail(format!("fits {fits} choices of a oneOf: {doc}"));
        }
    }
    if let Some(Value::Array(values)) = rule.get("enum") {
        if !values.contains(doc) {
            return fail(format!("{doc} is not one of {values:?}"));
        }
    }
    if let Some(kind) = rule.get("type") {
        let kinds: Vec<&str> = match kind {
            Value::String(k) => vec![k],
            Value::Array(ks) => ks.iter().filter_map(Value::as_str).collect(),
            _ => panic!("type {kind}"),
        };
        if !kinds.iter().any(|k| has_type(doc, k)) {
            return fail(format!("{doc} is not of type {kinds:?}"));
        }
    }
    for (word, below) in [("minimum", true), ("maximum", false)] {
        if let (Some(limit), Some(n)) = (rule.get(word), number(doc)) {
            let limit = limit.as_f64().expect("a numeric limit");
            if (below && n < limit) || (!below && n > limit) {
                return fail(format!("{doc} is beyond the {word} {limit}"));
            }
        }
    }
    if let Some(Value::String(pattern)) = rule.get("pattern") {
        // The one pattern in the schema: a dotted version number.
        assert_eq!(pattern, "^[0-9]+\\.[0-9]+\\.[0-9]+$");
        let text = doc.as_str().unwrap_or_default();
        let parts: Vec<&str> = text.split('.').collect();
        let digits =
            |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if parts.len() != 3 || !parts.iter().all(digits) {
            return fail(format!("{doc} does not match {pattern}"));
        }
    }
    if let (Some(min), Some(text)) = (rule.get("minLength"), doc.as_str()) {
        if (text.chars().count() as u64) < min.as_u64().expect("a length") {
            return fail(format!("{doc} is too short"));
        }
    }
    if let (Some(items), Some(list)) = (rule.get("items"), doc.as_array()) {
        for (i, item) in list.iter().enumerate() {
            check(item, items, root, &format!("{path}[{i}]"))?;
        }
    }
    if let Some(members) = doc.as_object() {
        check_members(members, rule, root, path)?;
    }
    Ok(())
}

fn check_members(
    members: &Map<String, Value>,
    rule: &Map<String, Value>,
    root: &Value,
    path: &str,
) -> Result<(), String> {
    let empty = Map::new();
    let properties = rule
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for key in rule
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = key.as_str().expect("a key");
        if !members.contains_key(key) {
            return Err(format!("{path}: no member {key:?}"));
        }
    }
    for (key, value) in members {
        match properties.get(key) {
            Some(rule) => check(value, rule, root, &format!("{path}.{key}"))?,
            None if rule.get("additionalProperties")
                == Some(&Value::Bool(false)) =>
            {
                return Err(format!(
                    "{path}: member {key:?} not in the schema"
                ));
            }
            None => {}
        }
    }
    Ok(())
}

fn has_type(doc: &Value, kind: &str) -> bool {
    match kind {
        "object" => doc.is_object(),
        "array" => doc.is_array(),
        "string" => doc.is_string(),
        "integer" => doc.is_u64() || doc.is_i64(),
        "boolean" => doc.is_boolean(),
        "null" => doc.is_null(),
        _ => panic!("type {kind}"),
    }
}

fn number(doc: &Value) -> Option<f64> {
    doc.as_u64()
        .map(|n| n as f64)
        .or_else(|| doc.as_i64().map(|n| n as f64))
}

/// Parses one document the program wrote (one line) and validates it.
fn valid(written: Vec<u8>) -> Result<Value, String> {
    let text = String::from_utf8(written).expect("UTF-8");
    assert!(
        text.ends_with("}\n") && text.matches('\n').count() == 1,
        "{text}"
    );
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    let root = schema();
    check(&doc, &root, &root, "$")?;
    Ok(doc)
}

/// Services of both kinds and families, and real servers with and
/// without a tunnel, with counters at their limits.
fn services() -> Vec<(Service, Vec<Destination>)> {
    let mut web = Service::new(ServiceKey::Inet {
        protocol: Protocol::Tcp,
        addr: "10.0.0.1".parse().unwrap(),
        port: 80,
    });
    web.flags = ServiceFlags(ServiceFlags::PERSISTENT | ServiceFlags::SCHED1);
    web.scheduler = "sh".into();
    web.pe_name = Some("sip".into());
    web.stats.inbytes = u64::MAX;
    let mut d = Destination::new("10.0.2.11".parse().unwrap(), 80);
    d.forward = ForwardMethod::Masquerade;
    d.stats.outbps = u64::MAX;
    let mut mark = Service::new(ServiceKey::Fwmark {
        family: AddressFamily::Inet6,
        mark: u32::MAX,
    });
    mark.netmask = 64;
    let mut tunnel = Destination::new("2001:db8::1".parse().unwrap(), 0);
    tunnel.forward = ForwardMethod::Tunnel;
    tunnel.tun_type = TunnelType::Gue;
    tunnel.tun_flags = 3;
    let mut other = Service::new(ServiceKey::Inet {
        protocol: Protocol::Other(99),
        addr: "2001:db8::2".parse().unwrap(),
        port: 0,
    });
    other.flags =
        ServiceFlags(ServiceFlags::SCHED_MASK | ServiceFlags::ONEPACKET);
    vec![(web, vec![d]), (mark, vec![tunnel]), (other, Vec::new())]
}

#[test]
fn the_services_view_is_valid_and_has_every_member() {
    let mut buf = Vec::new();
    let mut w = ServicesWriter::begin(&mut buf, &Info::default()).unwrap();
    for (svc, dests) in &services() {
        w.service(svc, dests).unwrap();
    }
    w.finish().unwrap();
    let doc = valid(buf.clone()).unwrap();
    assert_eq!(doc["services"][0]["netmask"], "255.255.255.255");
    assert_eq!(doc["services"][1]["netmask"], "64");
    assert_eq!(doc["services"][0]["stats"]["inbytes"], u64::MAX);
    assert_eq!(doc["services"][0]["sched_flags"][0], "sh-fallback");
    assert_eq!(
        doc["services"][1]["destinations"][0]["tunnel"]["remcsum"],
        true
    );
    // The hand-written frame is what serde writes for the whole document.
    let whole: ServicesDocument = serde_json::from_slice(&buf).unwrap();
    let mut again = serde_json::to_vec(&whole).unwrap();
    again.push(b'\n');
    assert_eq!(
        String::from_utf8(again).unwrap(),
        String::from_utf8(buf).unwrap()
    );
}

#[test]
fn an_empty_services_view_is_valid() {
    let mut buf = Vec::new();
    ServicesWriter::begin(&mut buf, &Info::default())
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(
        String::from_utf8(buf.clone()).unwrap(),
        "{\"ipvs\":{\"version\":\"0.0.0\",\"conn_tab_size\":0},\"services\":[]}\n"
    );
    valid(buf).unwrap();
}

#[test]
fn the_small_views_are_valid() {
    let mut buf = Vec::new();
    json::write_timeouts(&mut buf, &Timeouts::default()).unwrap();
    valid(buf).unwrap();
    let daemon = DaemonConfig {
        state: DaemonState::Backup,
        mcast_ifn: b"eth\xff".to_vec(),
        sync_id: 3,
        sync_maxlen: 1500,
        mcast_group: Some("224.0.0.81".parse().unwrap()),
        mcast_port: 8848,
        mcast_ttl: 1,
    };
    let mut buf = Vec::new();
    json::write_daemons(&mut buf, &[daemon]).unwrap();
    let doc = valid(buf).unwrap();
    assert_eq!(doc["daemons"][0]["mcast_interface"], "eth\u{fffd}");
    let addr: IpAddr = "10.0.0.1".parse().unwrap();
    let entry = Connection {
        protocol: b"TCP".to_vec(),
        client: (addr, 1),
        virtual_: (addr, 2),
        destination: (addr, 3),
        state: b"ESTABLISHED".to_vec(),
        expires: 900,
        pe_name: Some(b"sip".to_vec()),
        pe_data: None,
    };
    let mut buf = Vec::new();
    json::write_connections(&mut buf, &[entry]).unwrap();
    let doc = valid(buf).unwrap();
    assert_eq!(doc["connections"][0]["virtual"]["port"], 2);
}

#[test]
fn the_validator_refuses_what_the_schema_refuses() {
    let root = schema();
    let bad = [
        r#"{"services": []}"#,
        r#"{"ipvs": {"version": "1.2", "conn_tab_size": 0}, "services": []}"#,
        r#"{"timeouts": {"tcp": 1, "tcp_fin": 2, "udp": -3}}"#,
        r#"{"timeouts": {"tcp": 1, "tcp_fin": 2, "udp": 3, "sctp": 4}}"#,
        r#"{"daemons": [{"state": "idle"}]}"#,
    ];
    for text in bad {
        let doc: Value = serde_json::from_str(text).unwrap();
        assert!(check(&doc, &root, &root, "$").is_err(), "{text}");
    }
}

/// Every object the schema describes requires all its members: a listing
/// always writes each of them.
#[test]
fn the_schema_requires_every_member_it_describes() {
    fn walk(node: &Value, path: &str) {
        match node {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    let mut described: Vec<&String> = props.keys().collect();
                    let mut required: Vec<&str> = map["required"]
                        .as_array()
                        .expect("a required list")
                        .iter()
                        .filter_map(Value::as_str)
                        .collect();
                    described.sort();
                    required.sort();
                    assert_eq!(described, required, "{path}");
                    assert_eq!(map["additionalProperties"], false, "{path}");
                }
                for (k, v) in map {
                    walk(v, &format!("{path}/{k}"));
                }
            }
            Value::Array(list) => list.iter().for_each(|v| walk(v, path)),
            _ => {}
        }
    }
    walk(&schema(), "#");
}
