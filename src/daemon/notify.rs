//! systemd's notify protocol, by hand (a datagram to `$NOTIFY_SOCKET`): READY, RELOADING,
//! STOPPING, STATUS, and watchdog pings. Outside systemd (no socket) every call is a no-op.

use std::time::Duration;

/// Sends one notification; failures are logged, never fatal (the daemon works without systemd).
pub fn notify(state: &str) {
    #[cfg(unix)]
    {
        use std::os::unix::net::UnixDatagram;
        let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
            return;
        };
        let sock = match UnixDatagram::unbound() {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "cannot create the notify socket");
                return;
            }
        };
        let bytes = path.as_encoded_bytes();
        let result = if let Some(abstract_name) = bytes.strip_prefix(b"@") {
            abstract_send(&sock, abstract_name, state)
        } else {
            sock.send_to(state.as_bytes(), &path).map(|_| ())
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "cannot notify systemd");
        }
    }
}

#[cfg(target_os = "linux")]
fn abstract_send(
    sock: &std::os::unix::net::UnixDatagram,
    name: &[u8],
    state: &str,
) -> std::io::Result<()> {
    use std::os::linux::net::SocketAddrExt;
    let addr = std::os::unix::net::SocketAddr::from_abstract_name(name)?;
    sock.send_to_addr(state.as_bytes(), &addr).map(|_| ())
}

#[cfg(all(unix, not(target_os = "linux")))]
fn abstract_send(_: &std::os::unix::net::UnixDatagram, _: &[u8], _: &str) -> std::io::Result<()> {
    Err(std::io::Error::other("abstract sockets are Linux-only"))
}

/// How often to ping the watchdog: half of `$WATCHDOG_USEC`, when systemd asks for pings.
pub fn watchdog_interval() -> Option<Duration> {
    let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.parse().ok()?;
    if let Some(pid) = std::env::var("WATCHDOG_PID")
        .ok()
        .and_then(|p| p.parse::<u32>().ok())
    {
        if pid != std::process::id() {
            return None;
        }
    }
    (usec > 0).then(|| Duration::from_micros(usec / 2))
}

/// `RELOADING=1` must carry the monotonic clock (systemd ≥ 253 checks it).
pub fn reloading() {
    #[cfg(unix)]
    {
        // SAFETY: clock_gettime writes into the timespec we own.
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
        let usec = ts.tv_sec as u64 * 1_000_000 + ts.tv_nsec as u64 / 1_000;
        notify(&format!("RELOADING=1\nMONOTONIC_USEC={usec}"));
    }
}
