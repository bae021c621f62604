//! `--netns NAME|PATH`: moving the whole process into another network
//! namespace before IPVS is reached, as `ip netns exec` would, but without
//! a second process. The caller's own namespace is never changed.

use std::ffi::OsStr;
use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Where `ip netns add NAME` keeps its namespace files.
const NETNS_RUN_DIR: &str = "/run/netns";

/// The namespace file for a `--netns` value: a value with a `/` is a path
/// (`/proc/PID/ns/net`, a container runtime's file), anything else a name
/// under `/run/netns`.
pub(super) fn namespace_path(value: &[u8]) -> PathBuf {
    let value = Path::new(OsStr::from_bytes(value));
    if value.as_os_str().as_bytes().contains(&b'/') {
        value.to_path_buf()
    } else {
        Path::new(NETNS_RUN_DIR).join(value)
    }
}

/// Enters the network namespace `value` names. Call it while the process
/// is single-threaded and before any socket is opened: `setns` moves the
/// calling thread, which is then the whole process, and `/proc/net` (which
/// follows the thread) shows the new namespace.
pub(super) fn enter(value: &[u8]) -> Result<()> {
    let path = namespace_path(value);
    let fail = |e: std::io::Error| Error::Message {
        message: format!(
            "cannot enter network namespace {}: {}",
            path.display(),
            crate::error::strerror(e.raw_os_error().unwrap_or(libc::EINVAL))
        ),
        status: 2,
    };
    let file = File::open(&path).map_err(fail)?;
    // SAFETY: the descriptor belongs to `file`, open for the whole call;
    // setns only changes the calling thread's network namespace, and the
    // kernel checks that the file is one.
    if unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        return Err(fail(std::io::Error::last_os_error()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::ffi::OsStringExt;

    use super::*;

    #[test]
    fn names_and_paths() {
        let path = |v: &[u8]| namespace_path(v).into_os_string().into_vec();
        assert_eq!(path(b"lb"), b"/run/netns/lb");
        assert_eq!(path(b"/proc/1/ns/net"), b"/proc/1/ns/net");
        assert_eq!(path(b"./x"), b"./x");
        assert_eq!(path(b"n\xff"), b"/run/netns/n\xff");
    }

    #[test]
    fn a_missing_namespace_is_a_clear_error() {
        let e = enter(b"no-such-namespace-for-ipvsadm-tests").unwrap_err();
        assert_eq!(e.exit_status(), 2);
        assert_eq!(
            e.to_string(),
            "cannot enter network namespace \
             /run/netns/no-such-namespace-for-ipvsadm-tests: No such file or \
             directory"
        );
    }

    #[test]
    fn a_file_that_is_no_namespace_is_refused() {
        let e = enter(b"/dev/null").unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot enter network namespace /dev/null: Invalid argument"
        );
    }
}
