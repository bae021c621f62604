//! What the watch/ tests (`watch.rs`) and the benchmark's supervisor
//! scenarios (`benches/compare/supervise.rs`, which includes this file)
//! share: issue 14's classic ldirectord.cf, ldirectord unpacked into the
//! guest, the two busybox web servers of `watch-net.sh`'s network and
//! Debian's listing of the load balancer's table.

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::exec;

pub(crate) const NET_SCRIPT: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/kernel/watch-net.sh");
pub(crate) const DEBS: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/target/ldirectord-debs");
pub(crate) const WORK: &str = "/tmp/ipvsadm-watch";
pub(crate) const REFERENCE: &str = "/usr/sbin/ipvsadm";
/// Where ldirectord's packages are unpacked in the guest.
pub(crate) const UNPACKED: &str = "/tmp/ldirectord-root";

/// Issue 14's configuration, verbatim but for `autoreload`'s edits.
pub(crate) fn classic(
    scheduler: &str,
    weight: &str,
    quiescent: &str,
) -> String {
    format!(
        "checktimeout=3\ncheckinterval=1\nautoreload=yes\n\
         quiescent={quiescent}\n\n\
         virtual=10.2.0.240:80\n\
         \x20       servicename=Web Site\n\
         \x20       comment=Test load balanced web site\n\
         \x20       real=10.2.1.242:80 masq{weight}\n\
         \x20       real=10.2.1.243:80 masq\n\
         \x20       fallback=127.0.0.1:80 masq\n\
         \x20       service=http\n\
         \x20       scheduler={scheduler}\n\
         \x20       protocol=tcp\n\
         \x20       checktype=negotiate\n\
         \x20       checkport=80\n\
         \x20       request=\"index.html\"\n\
         \x20       receive=\"debian11\"\n"
    )
}

/// Unpacks ldirectord and its Perl modules into the guest's root (its
/// overlays are writable; the host's Perl is used).
pub(crate) fn install_ldirectord() -> Result<(), String> {
    if Path::new("/usr/sbin/ldirectord").exists() {
        return Ok(());
    }
    let entries = fs::read_dir(DEBS).map_err(|e| {
        format!("{DEBS}: {e} (run scripts/deps.sh's ensure_ldirectord_debs)")
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".deb")
            || name.starts_with("perl")
            || name.starts_with("libperl")
        {
            continue;
        }
        let path = entry.path().to_string_lossy().into_owned();
        exec::must("dpkg-deb", &["-x", &path, UNPACKED])?;
    }
    // `/` itself is read-only; the overlay below it is not.
    exec::must("cp", &["-a", &format!("{UNPACKED}/usr/."), "/usr/"])?;
    if Path::new("/usr/sbin/ldirectord").exists() {
        Ok(())
    } else {
        Err(format!("no ldirectord package in {DEBS}"))
    }
}

/// The two web servers, started and stopped by the steps.
pub(crate) struct Web {
    servers: [Option<Child>; 2],
}

impl Web {
    pub(crate) fn new() -> Self {
        Web {
            servers: [None, None],
        }
    }

    pub(crate) fn dir(i: usize) -> String {
        format!("{WORK}/www{}", i + 1)
    }

    pub(crate) fn content(&self, i: usize, text: &str) -> Result<(), String> {
        fs::create_dir_all(Self::dir(i)).map_err(|e| e.to_string())?;
        fs::write(format!("{}/index.html", Self::dir(i)), text)
            .map_err(|e| e.to_string())
    }

    pub(crate) fn start(&mut self, i: usize) -> Result<(), String> {
        self.stop(i);
        let ns = format!("wrs{}", i + 1);
        let dir = Self::dir(i);
        let child = Command::new("ip")
            .args([
                "netns", "exec", &ns, "busybox", "httpd", "-f", "-p", "80",
                "-h", &dir,
            ])
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start httpd: {e}"))?;
        self.servers[i] = Some(child);
        Ok(())
    }

    /// Both servers, each serving `debian11 rsN`.
    pub(crate) fn start_both(&mut self) -> Result<(), String> {
        for i in 0..2 {
            self.content(i, &format!("debian11 rs{}\n", i + 1))?;
            self.start(i)?;
        }
        Ok(())
    }

    pub(crate) fn stop(&mut self, i: usize) {
        if let Some(mut child) = self.servers[i].take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub(crate) fn stop_all(&mut self) {
        self.stop(0);
        self.stop(1);
    }

    /// Sends `signal` (`STOP`, `CONT`) to server `i`'s httpd: stopped, it
    /// still completes connections (the kernel's backlog) but never
    /// answers. (The benchmark's.)
    #[allow(dead_code)]
    pub(crate) fn signal(&self, i: usize, signal: &str) -> Result<(), String> {
        let child = self.servers[i].as_ref().ok_or("server not running")?;
        exec::must("kill", &[&format!("-{signal}"), &child.id().to_string()])
            .map(drop)
    }
}

/// Debian's `ipvsadm -Ln` in the load balancer's namespace.
pub(crate) fn table() -> Result<String, String> {
    let out = crate::netns::within("wlb", || {
        exec::run(REFERENCE, "ipvsadm", &["-Ln".to_string()], None)
    })
    .map_err(|e| format!("cannot enter wlb: {e}"))??;
    Ok(out.stdout_text())
}

/// A real server's row in `ipvsadm -Ln` (no traffic: no connections).
pub(crate) fn row(server: &str, weight: u32) -> String {
    format!(
        "  -> {server:<28} {:<7} {weight:<6} {:<10} {:<10}\n",
        "Masq", 0, 0
    )
}

/// The classic service with the real servers `rows` ((address, weight)).
pub(crate) fn service(scheduler: &str, rows: &[(&str, u32)]) -> String {
    service_at("10.2.0.240:80", scheduler, rows)
}

/// The TCP service `vip` with the real servers `rows`.
pub(crate) fn service_at(
    vip: &str,
    scheduler: &str,
    rows: &[(&str, u32)],
) -> String {
    let mut text = format!("TCP  {vip} {scheduler}\n");
    for (server, weight) in rows {
        text.push_str(&row(server, *weight));
    }
    text
}

/// The table without ipvsadm's three header lines.
pub(crate) fn body() -> Result<String, String> {
    Ok(table()?.lines().skip(3).map(|l| format!("{l}\n")).collect())
}

/// Waits until the table (without its header) is `want` at two looks a
/// second apart, or `limit` passes; the last table on failure.
pub(crate) fn reach(want: &str, limit: Duration) -> Result<(), String> {
    let start = Instant::now();
    loop {
        let left = limit.saturating_sub(start.elapsed());
        appears(want, left, Duration::from_secs(1), |t| t)?;
        thread::sleep(Duration::from_secs(1));
        if body()? == want {
            return Ok(());
        }
    }
}

/// Looks at the table (without its header, through `view`) `every` so
/// often until it is `want`, or `limit` passes (the last table on
/// failure); the moment just after the look that saw it.
pub(crate) fn appears(
    want: &str,
    limit: Duration,
    every: Duration,
    view: fn(String) -> String,
) -> Result<Instant, String> {
    let start = Instant::now();
    loop {
        let now = view(body()?);
        if now == want {
            return Ok(Instant::now());
        }
        if start.elapsed() > limit {
            return Err(format!("wanted:\n{want}got:\n{now}"));
        }
        thread::sleep(every);
    }
}
