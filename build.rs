//! Link options of the release binary, for peak RSS: the functions and
//! read-only data that the everyday commands use kept together
//! (link/hot-text.ld, written by tools/hot-text/run.sh), packed relative
//! relocations and 64 KiB segments. GNU ld and LLD read them all. See
//! docs/performance.md, "Peak RSS and the link layout".

fn main() {
    println!("cargo:rerun-if-changed=link/hot-text.ld");
    if std::env::var("PROFILE").as_deref() == Ok("release") {
        let dir = std::env::var("CARGO_MANIFEST_DIR")
            .expect("cargo sets CARGO_MANIFEST_DIR");
        println!("cargo:rustc-link-arg-bins=-Wl,-T,{dir}/link/hot-text.ld");
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
        // Segments aligned to the kernel's fault-around window (64 KiB):
        // the kernel then loads the binary at such a boundary too, and the
        // hot text and data fill the fewest windows, the same in every run.
        println!("cargo:rustc-link-arg-bins=-Wl,-z,max-page-size=0x10000");
    }
}
