//! Heavy work off the async workers: parsing, normalizing and checking schemas of up to 1 MiB
//! run on Tokio's blocking threads, at most as many at once as the machine has cores, so that
//! reads keep their latency while large registrations run. Further jobs wait their turn
//! without holding an async worker.

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::{Error, Result};

/// A bounded pool for CPU-heavy jobs.
#[derive(Debug, Clone)]
pub(super) struct Workers {
    turns: Arc<Semaphore>,
}

impl Default for Workers {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Workers {
            turns: Arc::new(Semaphore::new(cores)),
        }
    }
}

impl Workers {
    /// Runs `job` on a blocking thread once a turn is free, and returns what it returns. A
    /// panic in `job` carries on in the caller, as if `job` had run there.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        let _turn = self
            .turns
            .acquire()
            .await
            .map_err(|_| Error::Internal("the pool of heavy work is closed".to_string()))?;
        match tokio::task::spawn_blocking(job).await {
            Ok(done) => Ok(done),
            Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
            Err(err) => Err(Error::Internal(format!("a heavy job ended early: {err}"))),
        }
    }
}
