//! A desired table as restore-format lines: only `-A` and `-a`, each real
//! server after the `-A` of its service, nothing twice.

use std::io::BufRead;

use super::bad_input;
use crate::cli::{self, Command};
use crate::commands::plan::Table;
use crate::commands::restore::LineReader;
use crate::error::Result;

pub(super) fn read(
    argv0: &[u8],
    name: &str,
    input: &mut dyn BufRead,
) -> Result<Table> {
    let mut table = Table::new();
    let mut reader = LineReader::new(input);
    let mut number = 0;
    while let Some(tokens) = reader.next_line()? {
        number += 1;
        if tokens.is_empty() {
            continue;
        }
        let at = |what: &str| bad_input(format!("{name}:{number}: {what}"));
        let command = cli::parse_command_line(argv0, &tokens)
            .map_err(|e| at(&e.to_string()))?;
        if cli::netns_option(&tokens).is_some() {
            return Err(at("--netns cannot be used in a table"));
        }
        match command {
            Command::AddService(service) => {
                table.push_service(service).map_err(at)?;
            }
            Command::AddServer { service, dest } => {
                table.push_dest(&service.key, dest).map_err(at)?;
            }
            _ => return Err(at("only -A and -a lines describe a table")),
        }
    }
    Ok(table)
}
