//! The signals the supervisor answers: SIGTERM and SIGINT stop it, SIGHUP
//! makes it read its file again. The handlers only set flags, which the
//! loop polls between its steps.

use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);
static RELOAD: AtomicBool = AtomicBool::new(false);

extern "C" fn on_stop(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

extern "C" fn on_reload(_: libc::c_int) {
    RELOAD.store(true, Ordering::SeqCst);
}

/// Installs the handlers.
pub(super) fn install() -> std::io::Result<()> {
    let stop = on_stop as extern "C" fn(libc::c_int) as libc::sighandler_t;
    let reload = on_reload as extern "C" fn(libc::c_int) as libc::sighandler_t;
    for (signal, handler) in [
        (libc::SIGTERM, stop),
        (libc::SIGINT, stop),
        (libc::SIGHUP, reload),
    ] {
        // SAFETY: an all-zero `sigaction` is a valid value of this plain
        // C struct (empty mask, no flags).
        let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
        action.sa_sigaction = handler;
        // SAFETY: `action` is a valid, initialised sigaction; the handler
        // only stores to an atomic, which is async-signal-safe; a null
        // old-action pointer is allowed.
        let rc =
            unsafe { libc::sigaction(signal, &action, std::ptr::null_mut()) };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Whether a stop was asked for.
pub(super) fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Whether a reload was asked for since the last call (clears it).
pub(super) fn take_reload() -> bool {
    RELOAD.swap(false, Ordering::SeqCst)
}
