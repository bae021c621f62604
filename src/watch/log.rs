//! The supervisor's log: one line per transition, timestamped as
//! ldirectord stamps its lines. A `logfile` gets
//! `[Thu Dec  3 19:02:45 2026|watch.cf|1234] message` (opened, appended
//! to and closed for every line, so that log rotation needs no signal);
//! standard error gets `[Thu Dec  3 19:02:45 2026] message`.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::config::Config;
use super::ldirectord::{real_text, virtual_text};
use crate::client::Change;
use crate::model::{Destination, ServiceKey};

/// Where the lines go.
#[derive(Debug, Clone)]
pub(super) struct Log {
    file: Option<PathBuf>,
    /// The configuration file's base name, as ldirectord writes it.
    config_name: String,
}

impl Log {
    /// A log to `file`, or to standard error when `None`.
    pub(super) fn new(file: Option<PathBuf>, config: &Path) -> Self {
        let config_name = config
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Log { file, config_name }
    }

    /// Changes the destination (after a reload).
    pub(super) fn set_file(&mut self, file: Option<PathBuf>) {
        self.file = file;
    }

    /// Writes one line. When the log file cannot be written the line goes
    /// to standard error, as ldirectord does.
    pub(super) fn line(&self, message: &str) {
        let now = timestamp();
        if let Some(path) = &self.file {
            let text = format!(
                "[{now}|{}|{}] {message}\n",
                self.config_name,
                std::process::id()
            );
            let written = OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| f.write_all(text.as_bytes()));
            if written.is_ok() {
                return;
            }
        }
        let _ = std::io::stderr()
            .write_all(format!("[{now}] {message}\n").as_bytes());
    }
}

/// The local time as Perl's `scalar localtime` prints it:
/// `Thu Dec  3 19:02:45 2026`.
pub(super) fn timestamp() -> String {
    // SAFETY: `time` with a null pointer only returns the time.
    let now = unsafe { libc::time(std::ptr::null_mut()) };
    // SAFETY: an all-zero `tm` is a valid value of this plain C struct.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are to live, properly aligned values owned by
    // this frame; `localtime_r` is the thread-safe variant.
    if unsafe { libc::localtime_r(&now, &mut tm) }.is_null() {
        return now.to_string();
    }
    let mut buf = [0u8; 64];
    // SAFETY: the buffer is writable for its whole length, which is
    // passed; the format is a NUL-terminated C string; `tm` was filled in
    // by `localtime_r`.
    let n = unsafe {
        libc::strftime(
            buf.as_mut_ptr().cast(),
            buf.len(),
            c"%a %b %e %H:%M:%S %Y".as_ptr(),
            &tm,
        )
    };
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// The log line of a change made, in ldirectord's words: `Added real
/// server: 10.2.1.242:80 (10.2.0.240:80) (Weight set to 1)`, `Deleted
/// fallback server: ...`, `Quiescent real server: ... (Weight set to 0)`.
pub(super) fn change_line(config: &Config, change: &Change) -> String {
    let fallback = |key: &ServiceKey, d: &Destination| {
        config
            .pool(key)
            .and_then(|p| p.fallback.as_ref())
            .is_some_and(|f| f.addr == d.addr && f.port == d.port)
    };
    let tag = |key: &ServiceKey, d: &Destination| {
        let kind = if fallback(key, d) { "fallback" } else { "real" };
        format!("{kind} server: {} ({})", real_text(d), virtual_text(key))
    };
    match change {
        Change::AddService(s) => {
            format!("Added virtual server: {}", virtual_text(&s.key))
        }
        Change::EditService(s) => {
            format!("Changed virtual server: {}", virtual_text(&s.key))
        }
        Change::DeleteService(s) => {
            format!("Deleted virtual server: {}", virtual_text(&s.key))
        }
        Change::AddDest(s, d) if d.weight == 0 => {
            format!("Readd Quiescent {} (Weight set to 0)", tag(&s.key, d))
        }
        Change::AddDest(s, d) => {
            format!("Added {} (Weight set to {})", tag(&s.key, d), d.weight)
        }
        Change::EditDest(s, d) if d.weight == 0 => {
            format!("Quiescent {} (Weight set to 0)", tag(&s.key, d))
        }
        Change::EditDest(s, d) => {
            format!("Restored {} (Weight set to {})", tag(&s.key, d), d.weight)
        }
        Change::DeleteDest(s, d) => format!("Deleted {}", tag(&s.key, d)),
        other => format!("{other:?}"),
    }
}
