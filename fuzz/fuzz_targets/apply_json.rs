//! libFuzzer entry for [`ipvsadm_fuzz::apply_json`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ipvsadm_fuzz::apply_json(data));
