//! `--format json` documents written to a stream: the services view one
//! service at a time (a listing of any size is never held whole), and the
//! small views in one go. Their shape is the serde types of [`crate::json`].

use std::io::{self, Write};

use crate::conntable::Connection;
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
pub(crate) fn write_timeouts(
    out: &mut dyn Write,
    t: &Timeouts,
) -> io::Result<()> {
    write_document(out, &TimeoutsDocument::from_model(t))
}

/// The daemons view.
pub(crate) fn write_daemons(
    out: &mut dyn Write,
    daemons: &[DaemonConfig],
) -> io::Result<()> {
    let daemons = daemons.iter().map(DaemonJson::from_model).collect();
    write_document(out, &DaemonsDocument { daemons })
}

/// The connections view.
pub(crate) fn write_connections(
    out: &mut dyn Write,
    entries: &[Connection],
) -> io::Result<()> {
    let connections = entries.iter().map(connection_json).collect();
    write_document(out, &ConnectionsDocument { connections })
}

/// One connection-table entry as JSON; bytes that are not UTF-8 show as
/// U+FFFD, since JSON is text.
fn connection_json(c: &Connection) -> ConnectionJson {
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    ConnectionJson {
        protocol: text(&c.protocol),
        client: EndpointJson::new(c.client),
        virtual_: EndpointJson::new(c.virtual_),
        destination: EndpointJson::new(c.destination),
        state: text(&c.state),
        expires: c.expires.into(),
        pe_name: c.pe_name.as_deref().map(text),
        pe_data: c.pe_data.as_deref().map(text),
    }
}
