//! The two things every task of a worker shares: the wall clock that crosses processes
//! (microseconds since the Unix epoch, see [`crate::wire`]) and the stop signal.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in wall-clock microseconds since the Unix epoch.
pub fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

/// Resolves once `stop` says so (or its sender is gone: nobody can say go on).
pub async fn stopped(stop: &mut tokio::sync::watch::Receiver<bool>) {
    loop {
        let now = *stop.borrow_and_update();
        if now || stop.changed().await.is_err() {
            return;
        }
    }
}
