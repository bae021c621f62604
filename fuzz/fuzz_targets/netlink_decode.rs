//! libFuzzer entry for [`ipvsadm_fuzz::netlink_decode`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ipvsadm_fuzz::netlink_decode(data));
