//! The desired table of `--apply`: restore-format `-A` and `-a` lines,
//! each parsed exactly as `-R` parses it, or a JSON document in the
//! services view of `schema/ipvsadm-list.schema.json`.

use std::io::BufRead;

use super::plan::{Entry, Table};
use super::restore::LineReader;
use crate::cli::{self, Command};
use crate::error::{Error, Result};

/// A problem with the desired table: nothing is changed (status 2).
pub fn bad_input(message: String) -> Error {
    Error::Message { message, status: 2 }
}

/// Reads the desired table from `input`; `name` is used in messages.
/// A document whose first non-blank byte is `{` is JSON.
pub fn read(
    argv0: &[u8],
    name: &str,
    input: &mut dyn BufRead,
) -> Result<Table> {
    let mut text = Vec::new();
    input.read_to_end(&mut text)?;
    let first = text.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') {
        return super::desired_json::read(name, &text);
    }
    read_rules(argv0, name, &mut text.as_slice())
}

/// Restore-format lines: only `-A` and `-a`, each real server after the
/// `-A` of its service, nothing twice.
fn read_rules(
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
        let at = |what: String| bad_input(format!("{name}:{number}: {what}"));
        let command = cli::parse_command_line(argv0, &tokens)
            .map_err(|e| at(e.to_string()))?;
        if cli::netns_option(&tokens).is_some() {
            return Err(at("--netns cannot be used in a table".to_string()));
        }
        match command {
            Command::AddService(service) => {
                if table.iter().any(|e| e.service.key == service.key) {
                    return Err(at("service listed twice".to_string()));
                }
                table.push(Entry {
                    service,
                    dests: Vec::new(),
                });
            }
            Command::AddServer { service, dest } => {
                let Some(entry) =
                    table.iter_mut().find(|e| e.service.key == service.key)
                else {
                    return Err(at(
                        "real server of a service without an earlier -A line"
                            .to_string(),
                    ));
                };
                if entry
                    .dests
                    .iter()
                    .any(|d| d.addr == dest.addr && d.port == dest.port)
                {
                    return Err(at("real server listed twice".to_string()));
                }
                entry.dests.push(dest);
            }
            _ => {
                return Err(at(
                    "only -A and -a lines describe a table".to_string()
                ));
            }
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Result<Table> {
        read(b"ipvsadm", "t", &mut text.as_bytes())
    }

    fn message(text: &str) -> String {
        let e = rules(text).unwrap_err();
        assert_eq!(e.exit_status(), 2);
        e.to_string()
    }

    #[test]
    fn saved_rules_are_a_table() {
        let t = rules(
            "-A -t 10.0.0.1:80 -s rr\n\n\
             ipvsadm -a -t 10.0.0.1:80 -r 10.0.2.11:80 -m -w 3\n\
             -A -u 10.0.0.1:53\n",
        )
        .unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].service.scheduler, "rr");
        assert_eq!(t[0].dests[0].weight, 3);
        assert_eq!(t[1].service.scheduler, "wlc");
        assert!(rules("").unwrap().is_empty());
    }

    #[test]
    fn only_additions_in_order_and_once() {
        assert_eq!(
            message("-C\n"),
            "t:1: only -A and -a lines describe a table"
        );
        assert_eq!(
            message("-a -t 10.0.0.1:80 -r 10.0.2.11\n"),
            "t:1: real server of a service without an earlier -A line"
        );
        assert_eq!(
            message("-A -t 10.0.0.1:80\n-A -t 10.0.0.1:80 -s rr\n"),
            "t:2: service listed twice"
        );
        assert_eq!(
            message(
                "-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r 10.0.2.11\n\
                 -a -t 10.0.0.1:80 -r 10.0.2.11 -w 2\n"
            ),
            "t:3: real server listed twice"
        );
        assert_eq!(
            message("-A -t 10.0.0.1:80 -w 1\n"),
            "t:1: Illegal 'weight' option with the 'add-service' command"
        );
        assert_eq!(
            message("-A -t 10.0.0.1:80 --netns x\n"),
            "t:1: --netns cannot be used in a table"
        );
    }
}
