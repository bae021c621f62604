//! The views a listing can show, as the command line selects them: which
//! listing, and which columns a service listing has.

/// Which listing `-L` produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListView {
    /// Services and their real servers.
    Services,
    /// `-c`: the connection table.
    Connections,
    /// `--timeout`.
    Timeouts,
    /// `--daemon`.
    Daemons,
}

/// The column set of a service listing, by ipvsadm's priority
/// stats > rate > thresholds > persistent-conn > tun-info > default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsView {
    Default,
    Stats,
    Rate,
    Thresholds,
    PersistentConn,
    TunInfo,
}
