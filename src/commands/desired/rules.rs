//! A desired table as restore-format lines: only `-A` and `-a`, each real
//! server after the `-A` of its service, nothing twice.

use super::bad_input;
use crate::cli::{self, Command};
use crate::commands::plan::Table;
use crate::commands::restore::LineReader;
use crate::error::Result;

/// Reads the table of `text`, each line as `-R` reads it: the lines in
/// the spelling `-S -n` writes through [`cli::parse_usual_line`], every
/// other line with the line reader and the full option parser.
pub(super) fn read(argv0: &[u8], name: &str, text: &[u8]) -> Result<Table> {
    let mut table = Table::new();
    let mut rest = text;
    let mut number = 0;
    while !rest.is_empty() {
        number += 1;
        let end = rest.iter().position(|&b| b == b'\n');
        let (line, next) = rest.split_at(end.map_or(rest.len(), |at| at + 1));
        rest = next;
        let at = |what: &str| bad_input(format!("{name}:{number}: {what}"));
        let usual = line.strip_suffix(b"\n").and_then(cli::parse_usual_line);
        let command = match usual {
            Some(command) => command,
            None => {
                let mut reader = LineReader::with_capacity(line, line.len());
                let Some(tokens) = reader.next_line()? else {
                    continue;
                };
                if tokens.is_empty() {
                    continue;
                }
                let command = cli::parse_command_line(argv0, &tokens)
                    .map_err(|e| at(&e.to_string()))?;
                if cli::netns_option(&tokens).is_some() {
                    return Err(at("--netns cannot be used in a table"));
                }
                command
            }
        };
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
