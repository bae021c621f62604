//! The `ipvsadm` binary: hands the command line to the library and turns
//! the outcome into an exit status.
//!
//! It starts at the C `main`, as ipvsadm does, without the Rust runtime's
//! start-up: that start-up reads `/proc/self/maps` to place a stack guard
//! and installs signal handlers, which cost more than the whole of an
//! empty listing (see README, "Performance"). The C library has already
//! passed the arguments to `std::env` by then. SIGPIPE keeps the
//! disposition it was started with, as for ipvsadm, so a listing into a
//! closed pipe ends as ipvsadm's does.
#![no_main]

use std::io::{self, BufWriter, Write};
use std::os::unix::ffi::OsStringExt;

#[unsafe(no_mangle)]
extern "C" fn main(
    _argc: libc::c_int,
    _argv: *const *const libc::c_char,
) -> libc::c_int {
    // Arguments stay bytes: messages echo them as they were given.
    let mut args = std::env::args_os().map(OsStringExt::into_vec);
    let argv0 = args.next().unwrap_or_else(|| b"ipvsadm".to_vec());
    let args: Vec<Vec<u8>> = args.collect();
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(16 * 1024, stdout.lock());
    let mut err = io::stderr();
    let status = {
        let mut streams = ipvsadm::Streams {
            out: &mut out,
            err: &mut err,
        };
        ipvsadm::run(&argv0, &args, &mut streams)
    };
    let _ = out.flush();
    libc::c_int::from(status)
}
