//! Byte fixtures captured from the real kernel and ipvsadm.
