//! How the log's own threads are scheduled: as batch work, which the request threads are not.
//!
//! A record reaches the writer the moment a request thread submits it. Under Linux's default
//! policy that wakeup preempts the request thread, so on a busy core the writer starts a
//! group with the one or two records queued so far, and every group pays a commit and a sync
//! of its own. Under `SCHED_BATCH` (sched(7): the thread is "mildly disfavored in scheduling
//! decisions" on wakeup) the writer runs when the request threads block or their slice ends,
//! and takes what they queued meanwhile: fewer, larger groups for the same records, and fewer
//! switches between the threads. The thread keeps its share of the CPU and its nice value;
//! only its wakeups stop preempting. On a machine with a core to spare the writer runs there
//! and nothing changes. Measured in `docs/performance.md` ("Issue 20: the log's threads as
//! batch work").

/// Schedules the calling thread as batch work (`SCHED_BATCH`, priority 0: what an
/// unprivileged thread may ask for itself). Where that is refused or unknown the thread goes
/// on as it was: this changes when the writer runs, never what it writes.
pub(super) fn as_batch() {
    #[cfg(target_os = "linux")]
    {
        use preempt_rt::sched::{set_scheduler, Pid, Scheduler, SchedulerParams};
        let batch = set_scheduler(
            Pid::current_thread(),
            Scheduler::SCHED_BATCH,
            SchedulerParams { priority: 0 },
        );
        if let Err(e) = batch {
            tracing::debug!(
                "the decision log's thread stays under the default scheduling policy: {e}"
            );
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use preempt_rt::sched::{get_scheduler, Pid, Scheduler};

    #[test]
    fn a_thread_asks_for_batch_scheduling_and_gets_it() {
        let policy = std::thread::spawn(|| {
            super::as_batch();
            get_scheduler(Pid::current_thread())
        })
        .join()
        .expect("the thread ends");
        assert!(matches!(policy, Ok(Scheduler::SCHED_BATCH)), "{policy:?}");
        // The calling thread is not changed.
        assert!(!matches!(
            get_scheduler(Pid::current_thread()),
            Ok(Scheduler::SCHED_BATCH)
        ));
    }
}
