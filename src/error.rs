//! The one error type of the crate, ipvsadm's message for each failure and
//! the exit status it implies. `main` alone prints errors and exits.

use std::fmt;
use std::io::{self, Write};

/// Exit status of `--apply --atomic` when a change failed and undoing the
/// changes already made failed too, leaving the table part-way (ipvsadm's
/// own statuses are 0, 1, 2 and 255).
pub(crate) const STATUS_UNDO_FAILED: u8 = 3;

/// The library operation a kernel error came from. ipvsadm words the same
/// errno differently depending on it (`ipvs_strerror` in libipvs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Init,
    GetInfo,
    AddService,
    EditService,
    DeleteService,
    Flush,
    Zero,
    AddDest,
    EditDest,
    DeleteDest,
    SetTimeouts,
    StartDaemon,
    StopDaemon,
    GetServices,
    GetService,
    GetDests,
    GetTimeouts,
    GetDaemons,
}

impl Operation {
    /// Listing operations fail with status 1, changes with 255.
    pub fn is_query(self) -> bool {
        matches!(
            self,
            Self::GetInfo
                | Self::GetServices
                | Self::GetService
                | Self::GetDests
                | Self::GetTimeouts
                | Self::GetDaemons
        )
    }
}

/// Everything that can go wrong, each carrying what ipvsadm would print.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A command-line validation error (ipvsadm's `fail(2, ...)`).
    #[error("{0}")]
    Invalid(Text),
    /// The first option is not a command, or could not be parsed.
    #[error("Try `{0} -h' or '{0} --help' for more information.")]
    TryHelp(Text),
    /// An option parsing error after the command (popt's message).
    #[error("{arg}: {reason}")]
    BadOption { arg: Text, reason: &'static str },
    /// The kernel (or the netlink exchange) refused an operation.
    #[error("{}", kernel_message(*op, *errno))]
    Kernel { op: Operation, errno: i32 },
    /// IPVS could not be reached at start-up.
    #[error(
        "Can't initialize ipvs: {}\nAre you sure that IP Virtual Server is \
         built in the kernel or as module?",
        kernel_message(Operation::Init, *errno)
    )]
    Init { errno: i32 },
    /// A failure ipvsadm reports by exit status only (`-L --timeout`,
    /// `-L --daemon` when the query fails).
    #[error("")]
    Silent { status: u8 },
    /// A failure with its own message and status (connection table file
    /// problems and the like).
    #[error("{message}")]
    Message { message: String, status: u8 },
    /// A reply from the kernel that does not decode.
    #[error("{0}")]
    Decode(String),
    #[error("{0}")]
    Io(#[from] io::Error),
}

impl Error {
    /// Exit status ipvsadm uses for this failure.
    pub fn exit_status(&self) -> u8 {
        match self {
            Error::Invalid(_) | Error::Init { .. } => 2,
            Error::TryHelp(_) | Error::BadOption { .. } => 255,
            Error::Kernel { op, .. } => {
                if op.is_query() {
                    1
                } else {
                    255
                }
            }
            Error::Silent { status } | Error::Message { status, .. } => *status,
            Error::Decode(_) | Error::Io(_) => 1,
        }
    }

    /// Writes the message as ipvsadm prints it: the bytes of the command
    /// line it echoes exactly as they were given, even when they are not
    /// UTF-8 (`Display` shows those as U+FFFD).
    pub fn write_message(&self, w: &mut dyn Write) -> io::Result<()> {
        match self {
            Error::Invalid(text) => w.write_all(text.as_bytes()),
            Error::TryHelp(p) => {
                let p = p.as_bytes();
                let parts: [&[u8]; 5] = [
                    b"Try `",
                    p,
                    b" -h' or '",
                    p,
                    b" --help' for more information.",
                ];
                w.write_all(&parts.concat())
            }
            Error::BadOption { arg, reason } => w.write_all(
                &[arg.as_bytes(), b": ", reason.as_bytes()].concat(),
            ),
            other => write!(w, "{other}"),
        }
    }

    /// Whether the error has a message to print on stderr.
    pub fn has_message(&self) -> bool {
        !matches!(self, Error::Silent { .. })
    }

    /// A validation error (exit status 2) with its message.
    pub fn invalid(message: impl Into<Text>) -> Self {
        Error::Invalid(message.into())
    }

    /// A kernel error from a raw errno for an operation.
    pub fn kernel(op: Operation, errno: i32) -> Self {
        Error::Kernel { op, errno }
    }

    /// The errno a failure is reported with when it has to be turned into a
    /// kernel-style error (libipvs maps non-kernel failures to EINVAL).
    pub fn errno(&self) -> i32 {
        match self {
            Error::Kernel { errno, .. } | Error::Init { errno } => *errno,
            _ => libc::EINVAL,
        }
    }
}

/// Message text that may hold bytes that are not UTF-8: the parts of a
/// command line or `-R` line an error echoes, kept as they were given.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Text(Vec<u8>);

impl Text {
    /// The pieces of a message joined: fixed text and echoed bytes.
    pub fn join(parts: &[&[u8]]) -> Self {
        Text(parts.concat())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&String::from_utf8_lossy(&self.0), f)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(s.into_bytes())
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(s.as_bytes().to_vec())
    }
}

impl From<&[u8]> for Text {
    fn from(b: &[u8]) -> Self {
        Text(b.to_vec())
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// ipvsadm's text for an errno after a given operation (libipvs
/// `ipvs_strerror`), falling back to the C library's `strerror`.
pub(crate) fn kernel_message(op: Operation, errno: i32) -> String {
    use Operation::*;
    let specific = match (op, errno) {
        (AddService, libc::EEXIST) => Some("Service already exists"),
        (AddService | EditService, libc::ENOENT) => {
            Some("Scheduler or persistence engine not found")
        }
        (EditService | DeleteService | Zero, libc::ESRCH) => {
            Some("No such service")
        }
        (AddDest | EditDest | DeleteDest, libc::ESRCH) => {
            Some("Service not defined")
        }
        (AddDest, libc::EEXIST) => Some("Destination already exists"),
        (EditDest | DeleteDest, libc::ENOENT) => Some("No such destination"),
        (StartDaemon, libc::EEXIST) => Some("Daemon has already run"),
        (StopDaemon, libc::ESRCH) => Some("No daemon is running"),
        (GetDests | GetService, libc::ESRCH) => Some("No such service"),
        (_, libc::EPERM) => Some("Permission denied (you must be root)"),
        (_, libc::EINVAL) => Some(
            "Invalid operation.  Possibly wrong module version, address not \
             unicast, ...",
        ),
        (_, libc::ENOPROTOOPT) => Some("Protocol not available"),
        (_, libc::ENOMEM) => Some("Memory allocation problem"),
        (_, libc::EOPNOTSUPP) => Some("Operation not supported with IPv6"),
        (_, libc::EAFNOSUPPORT) => {
            Some("Operation not supported with specified address family")
        }
        (_, libc::EMSGSIZE) => Some("Module is wrong version"),
        _ => None,
    };
    match specific {
        Some(text) => text.to_string(),
        None => strerror(errno),
    }
}

/// The C library's text for an errno (`strerror_r`), as ipvsadm prints it
/// through `strerror`: glibc's "Unknown error N" for a number it does not
/// know.
pub(crate) fn strerror(errno: i32) -> String {
    // glibc's longest message is well under 100 bytes; a longer one is
    // cut, still NUL-terminated.
    let mut buf = [0u8; 256];
    // SAFETY: `buf` is writable for `buf.len()` bytes for the duration of
    // the call; the XSI `strerror_r` (glibc's `__xpg_strerror_r`, which the
    // libc crate binds) writes at most that many bytes, NUL included, and
    // keeps no pointer to it.
    unsafe {
        libc::strerror_r(errno, buf.as_mut_ptr().cast(), buf.len());
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strerror_is_the_c_librarys_text() {
        assert_eq!(strerror(libc::ENOENT), "No such file or directory");
        assert_eq!(strerror(libc::EPERM), "Operation not permitted");
        assert_eq!(strerror(4242), "Unknown error 4242");
        assert_eq!(strerror(-1), "Unknown error -1");
    }

    #[test]
    fn messages_follow_the_operation() {
        assert_eq!(
            kernel_message(Operation::AddService, libc::EEXIST),
            "Service already exists"
        );
        assert_eq!(
            kernel_message(Operation::AddDest, libc::ESRCH),
            "Service not defined"
        );
        assert_eq!(
            kernel_message(Operation::DeleteService, libc::ESRCH),
            "No such service"
        );
        assert_eq!(
            kernel_message(Operation::AddDest, libc::ERANGE),
            "Numerical result out of range"
        );
    }

    #[test]
    fn exit_status_by_kind() {
        assert_eq!(Error::Invalid("x".into()).exit_status(), 2);
        assert_eq!(Error::TryHelp("ipvsadm".into()).exit_status(), 255);
        assert_eq!(Error::kernel(Operation::GetService, 3).exit_status(), 1);
        assert_eq!(Error::kernel(Operation::AddService, 17).exit_status(), 255);
    }
}
