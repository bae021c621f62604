//! The validated result of parsing one ipvsadm command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::model::{DaemonConfig, Destination, Service, ServiceKey, Timeouts};
pub(crate) use crate::render::{ListView, StatsView};

/// One ipvsadm invocation (or one `-R` line), ready to execute.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `-A`: the complete service to create.
    AddService(Service),
    /// `-E`: the complete replacement service.
    EditService(Service),
    /// `-D`.
    DeleteService(Service),
    /// `-C`.
    Flush,
    /// `-L`/`-l` and plain `ipvsadm`.
    List(ListRequest),
    /// `-a`: the service as ipvsadm would send it, and the new destination.
    AddServer { service: Service, dest: Destination },
    /// `-e`.
    EditServer { service: Service, dest: Destination },
    /// `-d`.
    DeleteServer { service: Service, dest: Destination },
    /// `--set tcp tcpfin udp`.
    SetTimeouts(Timeouts),
    /// `--start-daemon master|backup`.
    StartDaemon(DaemonConfig),
    /// `--stop-daemon master|backup`.
    StopDaemon(DaemonConfig),
    /// `-R`: read commands from stdin.
    Restore,
    /// `-S [-n] [--all-netns]`.
    Save { numeric: bool, all_netns: bool },
    /// `-Z [service]`; `None` zeroes everything.
    Zero(Option<ServiceKey>),
    /// `-h`.
    Help,
    /// `-v`.
    Version,
    /// `--apply FILE [--dry-run] [--atomic]` or `--apply FILE --watch`
    /// (not in ipvsadm).
    Apply(ApplyRequest),
    /// `--top [SERVICE] [--interval SECONDS] [--metrics ADDR:PORT]` (not
    /// in ipvsadm).
    Top(TopRequest),
}

/// How a listing is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// ipvsadm's text, byte for byte.
    #[default]
    Text,
    /// `--format json`: `schema/ipvsadm-list.schema.json`.
    Json,
    /// `--format table`: boxed tables for people (`render::table`).
    Table,
    /// `--format prometheus`: the text exposition format
    /// (`render::prometheus`).
    Prometheus,
}

/// `--top`: the live view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopRequest {
    /// Only this service.
    pub service: Option<ServiceKey>,
    /// Time between refreshes.
    pub interval_ms: u64,
    /// `--all-netns`.
    pub all_netns: bool,
    /// `--metrics ADDR:PORT`: the `--watch` supervisor's metrics endpoint,
    /// read to mark the real servers it reports down.
    pub metrics: Option<SocketAddr>,
}

/// `--apply`: where the desired table comes from and how to apply it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyRequest {
    /// A file name (any bytes), or `-` for stdin.
    pub file: PathBuf,
    pub dry_run: bool,
    pub atomic: bool,
    /// `--watch`: supervise the table (`crate::watch`).
    pub watch: bool,
    /// `--metrics ADDR:PORT` with `--watch`: where to serve metrics.
    pub metrics: Option<SocketAddr>,
}

/// Options of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRequest {
    pub view: ListView,
    pub columns: StatsView,
    /// `-L -t ...`: only this service, no version header.
    pub service: Option<ServiceKey>,
    pub numeric: bool,
    pub exact: bool,
    pub nosort: bool,
    /// `--persistent-conn` (also changes the `-c` layout).
    pub persistent_conn: bool,
    /// `--format` (text unless given).
    pub format: OutputFormat,
    /// `--all-netns`.
    pub all_netns: bool,
}

impl Default for ListRequest {
    /// The listing of a bare `ipvsadm`: every service, names resolved.
    fn default() -> Self {
        ListRequest {
            view: ListView::Services,
            columns: StatsView::Default,
            service: None,
            numeric: false,
            exact: false,
            nosort: false,
            persistent_conn: false,
            format: OutputFormat::Text,
            all_netns: false,
        }
    }
}
