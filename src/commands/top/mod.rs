//! `--top`: a live view of services and real servers.

use super::Streams;
use crate::cli::TopRequest;
use crate::client::Client;
use crate::error::{Error, Result};

pub(super) fn run(
    _client: &mut Client,
    _req: &TopRequest,
    _streams: &mut Streams,
) -> Result<u8> {
    Err(Error::invalid("--top is not implemented yet"))
}
