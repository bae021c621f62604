//! libFuzzer entry for [`ipvsadm_fuzz::restore_reader`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ipvsadm_fuzz::restore_reader(data));
