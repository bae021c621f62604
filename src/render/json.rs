//! `--format json` documents written to a stream: the services view one
//! service at a time (a listing of any size is never held whole), and the
//! small views in one go. Their shape is the serde types of [`crate::json`].

use std::io::{self, Write};
use std::net::IpAddr;

use crate::json::{
    ConnectionJson, ConnectionsDocument, DaemonJson, DaemonsDocument,
    EndpointJson, IpvsJson, ServiceJson, TimeoutsDocument,
};
use crate::model::{DaemonConfig, Destination, Info, Service, Timeouts};

/// The services view, written as it is read: [`ServicesWriter::begin`]
/// writes `{"ipvs":{...},"services":[`, each [`ServicesWriter::service`]
/// one element, and [`ServicesWriter::finish`] the closing `]}` and a
/// newline. The frame matches `ServicesDocument`'s own serialisation.
pub struct ServicesWriter<'a, W: Write + ?Sized> {
    out: &'a mut W,
    first: bool,
}

impl<'a, W: Write + ?Sized> ServicesWriter<'a, W> {
    pub fn begin(out: &'a mut W, info: &Info) -> io::Result<Self> {
        out.write_all(b"{\"ipvs\":")?;
        serde_json::to_writer(&mut *out, &IpvsJson::from_model(info))?;
        out.write_all(b",\"services\":[")?;
        Ok(ServicesWriter { out, first: true })
    }

    /// One service with its real servers.
    pub fn service(
        &mut self,
        svc: &Service,
        dests: &[Destination],
    ) -> io::Result<()> {
        if !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        let view = ServiceJson::from_model(svc, dests);
        serde_json::to_writer(&mut *self.out, &view)?;
        Ok(())
    }

    pub fn finish(self) -> io::Result<()> {
        self.out.write_all(b"]}\n")
    }
}

/// Writes one whole document and a newline.
fn write_document<T: serde::Serialize>(
    out: &mut dyn Write,
    document: &T,
) -> io::Result<()> {
    serde_json::to_writer(&mut *out, document)?;
    out.write_all(b"\n")
}

/// The timeouts view.
pub fn write_timeouts(out: &mut dyn Write, t: &Timeouts) -> io::Result<()> {
    write_document(out, &TimeoutsDocument::from_model(t))
}

/// The daemons view.
pub fn write_daemons(
    out: &mut dyn Write,
    daemons: &[DaemonConfig],
) -> io::Result<()> {
    let daemons = daemons.iter().map(DaemonJson::from_model).collect();
    write_document(out, &DaemonsDocument { daemons })
}

/// One connection-table entry for the connections view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionEntry {
    pub protocol: String,
    pub client: (IpAddr, u16),
    pub virtual_: (IpAddr, u16),
    pub destination: (IpAddr, u16),
    pub state: String,
    pub expires: u64,
    pub pe_name: Option<String>,
    pub pe_data: Option<String>,
}

impl ConnectionEntry {
    fn to_json(&self) -> ConnectionJson {
        ConnectionJson {
            protocol: self.protocol.clone(),
            client: EndpointJson::new(self.client),
            virtual_: EndpointJson::new(self.virtual_),
            destination: EndpointJson::new(self.destination),
            state: self.state.clone(),
            expires: self.expires,
            pe_name: self.pe_name.clone(),
            pe_data: self.pe_data.clone(),
        }
    }
}

/// The connections view.
pub fn write_connections(
    out: &mut dyn Write,
    entries: &[ConnectionEntry],
) -> io::Result<()> {
    let connections = entries.iter().map(ConnectionEntry::to_json).collect();
    write_document(out, &ConnectionsDocument { connections })
}
