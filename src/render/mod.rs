//! ipvsadm output formats (placeholder).
