//! An IPVS generic-netlink message: a command and its top-level
//! attributes (the payload after `struct genlmsghdr`; the family has no
//! extra header).

use netlink_packet_core::{
    DecodeError, Emitable, NLA_HEADER_SIZE, Nla, NlaBuffer, NlasIterator,
    ParseableParametrized,
};
use netlink_packet_generic::{GenlFamily, GenlHeader};

use super::attr::{IPVS_CMD_ATTR_DEST, IPVS_CMD_ATTR_SERVICE, IpvsAttr};
use super::cmd::IpvsCmd;
use super::nla::{append_nest, append_nla};

/// `IPVS_GENL_NAME`.
pub const IPVS_GENL_NAME: &str = "IPVS";
/// `IPVS_GENL_VERSION`.
pub const IPVS_GENL_VERSION: u8 = 1;

/// `GENL_HDRLEN`: the genl header before the attributes.
const GENL_HDRLEN: usize = 4;

/// A message of the `IPVS` family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpvsMessage {
    pub cmd: IpvsCmd,
    pub attributes: Vec<IpvsAttr>,
}

impl IpvsMessage {
    pub fn new(cmd: IpvsCmd, attributes: Vec<IpvsAttr>) -> Self {
        IpvsMessage { cmd, attributes }
    }

    /// Appends the attributes to `out` as [`Emitable::emit`] writes them,
    /// in one pass (see [`append_nest`]): the encoder of requests.
    pub fn append_attributes(&self, out: &mut Vec<u8>) {
        for attr in &self.attributes {
            match attr {
                IpvsAttr::Service(v) => append_nest(out, attr, v),
                IpvsAttr::Dest(v) => append_nest(out, attr, v),
                IpvsAttr::Daemon(v) => append_nest(out, attr, v),
                _ => append_nla(out, attr),
            }
        }
    }

    /// Emits the attributes as the kernel does: nests without
    /// `NLA_F_NESTED` (the kernel uses `nla_nest_start_noflag`). The
    /// [`Emitable`] impl instead flags the top-level nests, as libnl does
    /// for requests. `buf` must be at least [`Emitable::buffer_len`] long.
    pub fn emit_kernel_style(&self, buf: &mut [u8]) {
        let attrs: Vec<KernelStyle<'_>> =
            self.attributes.iter().map(KernelStyle).collect();
        attrs.as_slice().emit(buf);
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

/// An attribute emitted with the kernel's unflagged nest type.
struct KernelStyle<'a>(&'a IpvsAttr);

impl Nla for KernelStyle<'_> {
    fn value_len(&self) -> usize {
        self.0.value_len()
    }

    fn kind(&self) -> u16 {
        self.0.plain_kind()
    }

    fn emit_value(&self, buf: &mut [u8]) {
        self.0.emit_value(buf)
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

impl Emitable for IpvsMessage {
    fn buffer_len(&self) -> usize {
        self.attributes.as_slice().buffer_len()
    }

    fn emit(&self, buf: &mut [u8]) {
        self.attributes.as_slice().emit(buf)
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
