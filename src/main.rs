//! The `ipvsadm` binary: hands the command line to the library and turns
//! the outcome into an exit status.

fn main() {}
