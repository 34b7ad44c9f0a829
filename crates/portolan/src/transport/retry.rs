//! The one retry loop: every request, download resume and upload resume in the engine
//! goes through [`retry`] with the client's configured [`RetryPolicy`].
//!
//! A caller gives three things: the policy, a closure that makes one attempt (it is told
//! the attempt's number, counting from 1), and a classifier that looks at an attempt's
//! outcome and answers [`Decision::Retry`] (with the wait the server asked for, if it
//! said) or [`Decision::Stop`]. The loop counts attempts against
//! [`RetryPolicy::max_attempts`], waits [`RetryPolicy::delay`] between them (exponential
//! backoff, or `Retry-After` when given, never longer than `max_delay`), and hands back the
//! last outcome, whatever it is: the caller turns a last 429 or a last broken connection
//! into its own error.
//!
//! Why hand-written rather than the `backon` crate: the outcome that decides a retry is
//! often a *successful* HTTP exchange (a 429 or 503 response, whose `Retry-After` sets the
//! wait), not an error, and after the last attempt the caller needs that response back to
//! turn it into its own error. `backon` retries on errors only, so every call site would
//! have to smuggle responses through an error type and back. Several loops also carry
//! state between attempts (an upload session, an offset to resume from, the rounds of the
//! auth handshake). Async closures (`AsyncFnMut`) would let an attempt borrow that state
//! mutably, but their futures are not `Send` when they borrow, which the desktop app's
//! spawned tasks need; so attempts are plain closures returning futures, and state they
//! share lives with the caller. The loop itself is twenty lines.

use std::future::Future;
use std::time::Duration;

use super::RetryPolicy;

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Try again (if the policy allows another attempt), after `after` when the server
    /// said how long to wait, else after the policy's backoff.
    Retry {
        /// The server's `Retry-After`, or `Some(ZERO)` to go again at once.
        after: Option<Duration>,
    },
    /// Keep this outcome.
    Stop,
}

impl Decision {
    /// Retry after the policy's backoff.
    pub const BACKOFF: Decision = Decision::Retry { after: None };
}

/// Run `attempt` until `classify` says stop or the policy's attempts are used up; return
/// the last outcome.
pub async fn retry<T, E, Fut>(
    policy: RetryPolicy,
    mut attempt: impl FnMut(u32) -> Fut,
    mut classify: impl FnMut(&Result<T, E>) -> Decision,
) -> Result<T, E>
where
    Fut: Future<Output = Result<T, E>>,
{
    let mut number = 1;
    loop {
        let outcome = attempt(number).await;
        match classify(&outcome) {
            Decision::Retry { after } if number < policy.max_attempts => {
                let wait = policy.delay(number, after);
                tracing::debug!(
                    attempt = number,
                    wait_ms = wait.as_millis() as u64,
                    "attempt failed; retrying"
                );
                tokio::time::sleep(wait).await;
                number += 1;
            }
            _ => return outcome,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn fast(max_attempts: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(20),
        }
    }

    #[tokio::test]
    async fn stops_at_the_policy_s_attempts_and_returns_the_last_outcome() {
        let calls = AtomicU32::new(0);
        let out: Result<(), u32> = retry(
            fast(4),
            |n| {
                calls.fetch_add(1, Ordering::SeqCst);
                async move { Err(n) }
            },
            |_| Decision::BACKOFF,
        )
        .await;
        assert_eq!(out, Err(4));
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn stop_and_success_end_the_loop() {
        let out: Result<u32, u32> = retry(
            fast(4),
            |n| async move {
                if n < 2 {
                    Err(n)
                } else {
                    Ok(n)
                }
            },
            |r| match r {
                Err(_) => Decision::BACKOFF,
                Ok(_) => Decision::Stop,
            },
        )
        .await;
        assert_eq!(out, Ok(2));
        let out: Result<u32, u32> =
            retry(fast(4), |n| async move { Err(n) }, |_| Decision::Stop).await;
        assert_eq!(out, Err(1));
    }

    #[tokio::test]
    async fn a_server_s_wait_is_honoured_but_capped() {
        let started = std::time::Instant::now();
        let _: Result<(), ()> = retry(
            fast(2),
            |_| async { Err(()) },
            |_| Decision::Retry {
                after: Some(Duration::from_secs(3600)),
            },
        )
        .await;
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(20), "{took:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
}
