//! `--netns NAME|PATH`: moving the whole process into another network
//! namespace before IPVS is reached, as `ip netns exec` would, but without
//! a second process. The caller's own namespace is never changed.
//!
//! `--all-netns`: the namespaces to visit ([`all_namespaces`]) and a way
//! there and back ([`Origin`]): the thread enters each in turn, opens its
//! netlink socket there (a socket stays in the namespace it was opened
//! in) and returns to the namespace it started in.

use std::ffi::OsStr;
use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crate::client::Client;
use crate::error::{Error, Result};

/// Where `ip netns add NAME` keeps its namespace files.
const NETNS_RUN_DIR: &str = "/run/netns";

/// Where Docker keeps the namespace files of its containers and networks.
const DOCKER_NETNS_DIR: &str = "/run/docker/netns";

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

/// One namespace of `--all-netns`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Namespace {
    /// How it is named in listings: "" for the caller's own, the name for
    /// one under `/run/netns`, the path for any other.
    pub label: String,
    /// Its file; `None` for the caller's own.
    pub path: Option<PathBuf>,
}

/// The namespaces `--all-netns` covers: the caller's own, then those of
/// `/run/netns` and `/run/docker/netns` (when present) by name. A file
/// that is the caller's namespace, or one already listed, is left out
/// (same device and inode); a file that is no namespace stays, so that
/// entering it fails visibly.
pub(super) fn all_namespaces() -> Vec<Namespace> {
    let mut seen = Vec::new();
    if let Ok(meta) = std::fs::metadata("/proc/thread-self/ns/net") {
        seen.push(identity(&meta));
    }
    let mut namespaces = vec![Namespace {
        label: String::new(),
        path: None,
    }];
    for dir in [NETNS_RUN_DIR, DOCKER_NETNS_DIR] {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut names: Vec<_> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        names.sort();
        for name in names {
            let path = Path::new(dir).join(&name);
            if let Ok(meta) = std::fs::metadata(&path) {
                let id = identity(&meta);
                if meta.is_file() && seen.contains(&id) {
                    continue;
                }
                seen.push(id);
            }
            let label = if dir == NETNS_RUN_DIR {
                name.to_string_lossy().into_owned()
            } else {
                path.to_string_lossy().into_owned()
            };
            namespaces.push(Namespace {
                label,
                path: Some(path),
            });
        }
    }
    namespaces
}

fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

/// The namespace the thread started in, held open to return to.
pub(super) struct Origin(File);

impl Origin {
    pub(super) fn open() -> Result<Origin> {
        let path = "/proc/thread-self/ns/net";
        File::open(path).map(Origin).map_err(|e| Error::Message {
            message: format!(
                "cannot open {path}: {}",
                crate::error::strerror(
                    e.raw_os_error().unwrap_or(libc::EINVAL)
                )
            ),
            status: 2,
        })
    }

    /// Moves the thread into `ns` (nothing for the caller's own).
    pub(super) fn enter(&self, ns: &Namespace) -> Result<()> {
        match &ns.path {
            Some(path) => enter(path.as_os_str().as_bytes()),
            None => Ok(()),
        }
    }

    /// Runs `f` with a client in `ns`: the caller's own `client`, or one
    /// opened inside `ns`. The inner result is the namespace's (it failed,
    /// the others go on); the outer error is fatal (the thread could not
    /// return to its namespace).
    pub(super) fn visit<T>(
        &self,
        ns: &Namespace,
        client: &mut Client,
        f: impl FnOnce(&mut Client) -> Result<T>,
    ) -> Result<Result<T>> {
        if ns.path.is_none() {
            return Ok(f(client));
        }
        if let Err(e) = self.enter(ns) {
            return Ok(Err(e));
        }
        let r = Client::connect().and_then(|mut c| f(&mut c));
        self.back()?;
        Ok(r)
    }

    /// Moves the thread back where it started.
    pub(super) fn back(&self) -> Result<()> {
        // SAFETY: the descriptor belongs to `self.0`, open for the whole
        // call; setns only changes the calling thread's namespace.
        if unsafe { libc::setns(self.0.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
            let e = std::io::Error::last_os_error();
            return Err(Error::Message {
                message: format!(
                    "cannot return to the original network namespace: {}",
                    crate::error::strerror(
                        e.raw_os_error().unwrap_or(libc::EINVAL)
                    )
                ),
                status: 2,
            });
        }
        Ok(())
    }
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
    fn the_callers_namespace_comes_first_and_once() {
        let all = all_namespaces();
        assert_eq!(all[0].label, "");
        assert_eq!(all[0].path, None);
        assert_eq!(all.iter().filter(|n| n.path.is_none()).count(), 1);
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
