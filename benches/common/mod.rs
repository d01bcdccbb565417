//! What every bench shares: a quick configuration. These benches watch for regressions on a
//! shared 2-core machine, not for the last percent; `--warm-up-time`, `--measurement-time`
//! and `--sample-size` on the command line still override it.

use std::time::Duration;

use criterion::Criterion;

pub fn quick() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20)
        .configure_from_args()
}
