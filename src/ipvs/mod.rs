//! The IPVS generic-netlink protocol (placeholder).
