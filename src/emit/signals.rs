//! Holding off the signals that end a run (Ctrl-C, `kill`, a closed terminal) while an output
//! folder is staged and swapped in. A signal that arrives meanwhile waits until the folders are
//! whole and the staging folders are gone, then ends the process as it would have: so an
//! interrupted run leaves the old folders or the new ones, and nothing beside them.

/// Signals are held until this is dropped.
pub struct Held {
    #[cfg(unix)]
    previous: libc::sigset_t,
}

/// Blocks SIGINT, SIGTERM, SIGHUP and SIGQUIT for this thread (hfgen has one) until the
/// returned value is dropped. SIGKILL cannot be held: what it leaves, the next run removes
/// (see `swap::remove_stale`).
pub fn hold() -> Held {
    #[cfg(unix)]
    {
        // SAFETY: the sets are initialised by sigemptyset before use, and pthread_sigmask only
        // changes this thread's mask.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
                libc::sigaddset(&mut set, signal);
            }
            let mut previous: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut previous);
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut previous);
            Held { previous }
        }
    }
    #[cfg(not(unix))]
    Held {}
}

impl Drop for Held {
    fn drop(&mut self) {
        // SAFETY: restores the mask saved by `hold`; a signal that came meanwhile is delivered
        // now, with its default action.
        #[cfg(unix)]
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.previous, std::ptr::null_mut());
        }
    }
}
