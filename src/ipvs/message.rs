//! An IPVS generic-netlink message: a command and its top-level
//! attributes (the payload after `struct genlmsghdr`; the family has no
//! extra header), with the one encoder of requests.

use std::borrow::Cow;

use netlink_packet_core::{
    DecodeError, Emitable, NLA_F_NESTED, NLA_HEADER_SIZE, NlaBuffer,
    NlasIterator, ParseableParametrized,
};
use netlink_packet_generic::{GenlFamily, GenlHeader};

use super::attr::{IPVS_CMD_ATTR_DEST, IPVS_CMD_ATTR_SERVICE, IpvsAttr};
use super::cmd::IpvsCmd;
use super::nla::{append_nest, append_nla};

/// `IPVS_GENL_NAME`.
pub(crate) const IPVS_GENL_NAME: &str = "IPVS";
/// `IPVS_GENL_VERSION`.
pub(crate) const IPVS_GENL_VERSION: u8 = 1;

/// `GENL_HDRLEN`: the genl header before the attributes.
const GENL_HDRLEN: usize = 4;

/// A message of the `IPVS` family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpvsMessage {
    pub cmd: IpvsCmd,
    pub attributes: Vec<IpvsAttr>,
}

/// Something the socket sends: the message it stands for, built when it
/// is written (a restore sends thousands, none kept).
pub(crate) trait IpvsRequest {
    fn message(&self) -> Cow<'_, IpvsMessage>;
}

impl IpvsRequest for IpvsMessage {
    fn message(&self) -> Cow<'_, IpvsMessage> {
        Cow::Borrowed(self)
    }
}

impl IpvsMessage {
    pub fn new(cmd: IpvsCmd, attributes: Vec<IpvsAttr>) -> Self {
        IpvsMessage { cmd, attributes }
    }

    /// Appends the attributes to `out` as libnl (and so ipvsadm) writes
    /// them, top-level nests flagged `NLA_F_NESTED`: the encoder of
    /// requests. Each nest is written in one pass (see `append_nest`).
    pub fn append_attributes(&self, out: &mut Vec<u8>) {
        self.append_with_nest_flag(out, NLA_F_NESTED);
    }

    /// Appends the attributes as the kernel writes them: nests without
    /// `NLA_F_NESTED` (the kernel uses `nla_nest_start_noflag`). For
    /// replies built in tests.
    pub fn append_kernel_style(&self, out: &mut Vec<u8>) {
        self.append_with_nest_flag(out, 0);
    }

    fn append_with_nest_flag(&self, out: &mut Vec<u8>, flag: u16) {
        for attr in &self.attributes {
            let kind = attr.plain_kind() | flag;
            match attr {
                IpvsAttr::Service(v) => append_nest(out, kind, v),
                IpvsAttr::Dest(v) => append_nest(out, kind, v),
                IpvsAttr::Daemon(v) => append_nest(out, kind, v),
                _ => append_nla(out, attr),
            }
        }
    }

    /// The encoded attributes, as [`IpvsMessage::append_attributes`]
    /// writes them.
    fn encoded(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.append_attributes(&mut out);
        out
    }
}

/// An IPVS message as received, its attributes still encoded: listings
/// read replies through it straight into the model, without building an
/// [`IpvsMessage`] first.
#[derive(Debug, Clone, Copy)]
pub struct RawMessage<'a> {
    pub cmd: IpvsCmd,
    /// The encoded top-level attributes.
    pub attributes: &'a [u8],
}

impl<'a> RawMessage<'a> {
    /// Splits a genl payload: the 4-byte genl header, then attributes.
    pub fn new(genl: &'a [u8]) -> Result<Self, DecodeError> {
        let header = GenlHeader::parse(genl)?;
        Ok(RawMessage {
            cmd: IpvsCmd::from(header.cmd),
            attributes: &genl[GENL_HDRLEN..],
        })
    }

    /// The whole message decoded.
    pub fn parse(&self) -> Result<IpvsMessage, DecodeError> {
        let header = GenlHeader {
            cmd: self.cmd.into(),
            version: IPVS_GENL_VERSION,
        };
        IpvsMessage::parse_with_param(self.attributes, header)
    }

    /// The value of the first `IPVS_CMD_ATTR_SERVICE`, if any. Only the
    /// attributes before it are looked at (and must be well formed).
    pub fn service_nest(&self) -> Result<Option<&'a [u8]>, DecodeError> {
        self.first(IPVS_CMD_ATTR_SERVICE)
    }

    /// The value of the first `IPVS_CMD_ATTR_DEST`, if any.
    pub fn dest_nest(&self) -> Result<Option<&'a [u8]>, DecodeError> {
        self.first(IPVS_CMD_ATTR_DEST)
    }

    fn first(&self, kind: u16) -> Result<Option<&'a [u8]>, DecodeError> {
        for nla in NlasIterator::new(self.attributes) {
            let nla = nla?;
            if nla.kind() == kind {
                let len = nla.value_length();
                let at = &nla.into_inner()[NLA_HEADER_SIZE..];
                return Ok(Some(&at[..len]));
            }
        }
        Ok(None)
    }
}

impl GenlFamily for IpvsMessage {
    fn family_name() -> &'static str {
        IPVS_GENL_NAME
    }

    fn command(&self) -> u8 {
        self.cmd.into()
    }

    fn version(&self) -> u8 {
        IPVS_GENL_VERSION
    }
}

/// The bytes of [`IpvsMessage::append_attributes`], for netlink-packet's
/// generic serialisers (`GenlMessage`, `NetlinkMessage`).
impl Emitable for IpvsMessage {
    fn buffer_len(&self) -> usize {
        self.encoded().len()
    }

    fn emit(&self, buf: &mut [u8]) {
        let bytes = self.encoded();
        buf[..bytes.len()].copy_from_slice(&bytes);
    }
}

impl ParseableParametrized<[u8], GenlHeader> for IpvsMessage {
    fn parse_with_param(
        buf: &[u8],
        header: GenlHeader,
    ) -> Result<Self, DecodeError> {
        let cmd = IpvsCmd::from(header.cmd);
        let attributes = NlasIterator::new(buf)
            .map(|nla| {
                nla.and_then(|nla: NlaBuffer<&[u8]>| {
                    IpvsAttr::parse_with_param(&nla, cmd)
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(IpvsMessage { cmd, attributes })
    }
}
