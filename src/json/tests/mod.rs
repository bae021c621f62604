//! The JSON documents against `schema/ipvsadm-list.schema.json`.

mod schema;
