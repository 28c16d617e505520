//! Stop requests for `cargo xtask serve`: SIGTERM, SIGINT and SIGHUP set a
//! flag instead of ending the process at once, so `serve` can stop the
//! wslab-echo and Trunk processes it started before it exits. Without this,
//! a SIGTERM from a process manager (or `kill`) ended the xtask alone and
//! left both children running, holding their ports.
//!
//! Std only: the two C functions come from the C library std already links.

use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);

#[cfg(unix)]
mod sys {
    use super::STOP;
    use std::sync::atomic::Ordering;

    pub const SIGHUP: i32 = 1;
    pub const SIGINT: i32 = 2;
    pub const SIGTERM: i32 = 15;

    unsafe extern "C" {
        fn signal(signum: i32, handler: extern "C" fn(i32)) -> usize;
        fn kill(pid: i32, sig: i32) -> i32;
    }

    /// Only an atomic store: all a signal handler may safely do here.
    extern "C" fn on_signal(_: i32) {
        STOP.store(true, Ordering::SeqCst);
    }

    pub fn install() {
        for sig in [SIGHUP, SIGINT, SIGTERM] {
            // SAFETY: `on_signal` is async-signal-safe (one atomic store)
            // and lives as long as the program.
            unsafe {
                signal(sig, on_signal);
            }
        }
    }

    pub fn terminate(pid: u32) -> bool {
        match i32::try_from(pid) {
            // SAFETY: kill(2) with a child's own pid and SIGTERM.
            Ok(pid) if pid > 0 => unsafe { kill(pid, SIGTERM) == 0 },
            _ => false,
        }
    }
}

/// From now on SIGTERM, SIGINT and SIGHUP only ask to stop ([`requested`]).
pub fn catch_stop_requests() {
    #[cfg(unix)]
    sys::install();
}

/// Whether a stop was asked for since [`catch_stop_requests`].
pub fn requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Asks a child process to stop (SIGTERM: wslab-echo closes its connections
/// with 1001 and exits); false where that could not be sent.
pub fn terminate(pid: u32) -> bool {
    #[cfg(unix)]
    return sys::terminate(pid);
    #[cfg(not(unix))]
    {
        let _ = pid;
        false
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    unsafe extern "C" {
        fn raise(sig: i32) -> i32;
    }

    /// A SIGTERM sent to the process sets the flag and leaves it running.
    #[test]
    fn a_sigterm_becomes_a_stop_request() {
        catch_stop_requests();
        // SAFETY: the handler installed above only sets the flag.
        assert_eq!(unsafe { raise(sys::SIGTERM) }, 0);
        assert!(requested());
    }

    /// A process that is not ours (pid 0 would be our whole group) is
    /// never signalled.
    #[test]
    fn only_a_real_pid_is_signalled() {
        assert!(!terminate(0));
        assert!(!terminate(u32::MAX));
    }
}
