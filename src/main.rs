//! The `ipvsadm` binary: hands the command line to the library and turns
//! the outcome into an exit status.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args =
        std::env::args_os().map(|a| a.to_string_lossy().into_owned());
    let argv0 = args.next().unwrap_or_else(|| "ipvsadm".to_string());
    let args: Vec<String> = args.collect();
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut err = io::stderr();
    let status = {
        let mut streams = ipvsadm::commands::Streams {
            out: &mut out,
            err: &mut err,
        };
        ipvsadm::commands::run(&argv0, &args, &mut streams)
    };
    let _ = out.flush();
    ExitCode::from(status)
}
