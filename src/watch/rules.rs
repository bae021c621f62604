//! A supervisor file of restore lines (`-A` and `-a`, as `-S` writes them
//! and `--apply` reads them): no checks, so every real server counts as
//! healthy and the loop only keeps the kernel on the file, repairing drift.

use super::config::{Config, ConfigError, Pool, Real};
use crate::commands::read_desired_table;

/// Reads the lines exactly as `--apply` does.
pub(super) fn parse(
    argv0: &[u8],
    name: &str,
    text: &[u8],
) -> Result<Config, ConfigError> {
    let table =
        read_desired_table(argv0, name, &mut &text[..]).map_err(|e| {
            ConfigError {
                file: String::new(),
                line: None,
                message: e.to_string(),
            }
        })?;
    let mut config = Config::new();
    for entry in &table {
        let mut pool = Pool::new(entry.service.clone());
        pool.reals = entry
            .dests
            .iter()
            .map(|d| Real {
                dest: d.clone(),
                check: None,
            })
            .collect();
        config.pools.push(pool);
    }
    Ok(config)
}
