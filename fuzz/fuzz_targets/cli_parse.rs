//! libFuzzer entry for [`ipvsadm_fuzz::cli_parse`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ipvsadm_fuzz::cli_parse(data));
