//! Every name-service lookup the tool makes, through the C library as
//! ipvsadm makes them: forward ones (host and service names to numbers)
//! while reading the command line, reverse ones (numbers to names) while
//! listing. Formatting the answers is left to the callers.

mod forward;
mod reverse;
#[cfg(test)]
mod tests;

pub(crate) use forward::{
    host_to_ipv4, parse_ipv4_strict, parse_ipv6, service_port,
};
#[cfg(test)]
pub(crate) use reverse::seed_host_name;
pub(crate) use reverse::{host_name, service_name};
