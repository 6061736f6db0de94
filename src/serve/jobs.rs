//! The run queue of `ccsim serve`: one worker thread takes jobs (runs,
//! staffing searches) in order from a bounded queue and simulates on the
//! rayon pool, never on the async runtime. A full queue is refused at once
//! (the handler answers 503); a job can be cancelled while it waits or
//! runs (a run stops before its next replication).

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use serde_json::{Value, json};

/// What a finished job produced: its result for the page and, for runs,
/// the report (`report.html`) offered for download.
pub struct Output {
    /// The result as JSON.
    pub result: Value,
    /// The self-contained report.
    pub report_html: Option<String>,
}

/// The work of a job: reads the job's cancel flag and counts its progress.
pub type Work = Box<dyn FnOnce(&Job) -> Result<Option<Output>, String> + Send>;

/// Where a job is.
enum State {
    Queued,
    Running,
    Done(Arc<Output>),
    Failed(String),
    Cancelled,
}

/// A queued, running or finished job.
pub struct Job {
    /// Its number, unique in this server.
    pub id: u64,
    /// "run" or "staff".
    pub kind: &'static str,
    /// Units of work in all (replications); 0 when unknown.
    pub total: u64,
    /// Units done.
    pub done: AtomicU64,
    /// Set by Cancel.
    pub cancel: AtomicBool,
    /// The command line that reproduces it.
    pub command: String,
    state: Mutex<State>,
    created: Instant,
    finished: Mutex<Option<Instant>>,
}

impl Job {
    fn set(&self, s: State) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = s;
        if !matches!(
            *self.state.lock().unwrap_or_else(PoisonError::into_inner),
            State::Queued | State::Running
        ) {
            *self.finished.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
        }
    }

    /// The job's state as JSON for the page.
    pub fn to_json(&self) -> Value {
        let st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let (state, result, error) = match &*st {
            State::Queued => ("queued", Value::Null, Value::Null),
            State::Running => ("running", Value::Null, Value::Null),
            State::Done(o) => ("done", o.result.clone(), Value::Null),
            State::Failed(e) => ("failed", Value::Null, json!(e)),
            State::Cancelled => ("cancelled", Value::Null, Value::Null),
        };
        let end = self
            .finished
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .unwrap_or_else(Instant::now);
        json!({
            "id": self.id,
            "kind": self.kind,
            "state": state,
            "done": self.done.load(Ordering::Relaxed),
            "total": self.total,
            "elapsed_s": (end - self.created).as_secs_f64(),
            "command": self.command,
            "result": result,
            "error": error,
        })
    }

    /// The report of a finished run.
    pub fn report_html(&self) -> Option<Arc<Output>> {
        match &*self.state.lock().unwrap_or_else(PoisonError::into_inner) {
            State::Done(o) if o.report_html.is_some() => Some(o.clone()),
            _ => None,
        }
    }

    /// Whether Cancel was pressed.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// Jobs kept for the page to read, oldest dropped first.
const KEPT: usize = 32;

/// The queue and the jobs it knows.
pub struct Jobs {
    tx: SyncSender<(Arc<Job>, Work)>,
    jobs: Mutex<VecDeque<Arc<Job>>>,
    next: AtomicU64,
    capacity: usize,
}

impl Jobs {
    /// Starts the worker thread with a queue of `capacity` waiting jobs.
    pub fn start(capacity: usize) -> Arc<Jobs> {
        let (tx, rx) = sync_channel(capacity);
        std::thread::Builder::new()
            .name("ccsim-serve-worker".into())
            .spawn(move || worker(&rx))
            .expect("the worker thread starts");
        Arc::new(Jobs {
            tx,
            jobs: Mutex::new(VecDeque::new()),
            next: AtomicU64::new(1),
            capacity,
        })
    }

    /// Queues `work`.
    ///
    /// # Errors
    /// The message of a full queue.
    pub fn submit(
        &self,
        kind: &'static str,
        total: u64,
        command: String,
        work: Work,
    ) -> Result<Arc<Job>, String> {
        let job = Arc::new(Job {
            id: self.next.fetch_add(1, Ordering::Relaxed),
            kind,
            total,
            done: AtomicU64::new(0),
            cancel: AtomicBool::new(false),
            command,
            state: Mutex::new(State::Queued),
            created: Instant::now(),
            finished: Mutex::new(None),
        });
        match self.tx.try_send((job.clone(), work)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                return Err(format!(
                    "the run queue is full ({} runs waiting behind the one running): wait for one to finish, or cancel one, and press Run again",
                    self.capacity
                ));
            }
            Err(TrySendError::Disconnected(_)) => {
                return Err("the worker thread has stopped".into());
            }
        }
        let mut jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        jobs.push_back(job.clone());
        while jobs.len() > KEPT {
            jobs.pop_front();
        }
        Ok(job)
    }

    /// The job numbered `id`, if still kept.
    pub fn get(&self, id: u64) -> Option<Arc<Job>> {
        let jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        jobs.iter().find(|j| j.id == id).cloned()
    }
}

fn worker(rx: &Receiver<(Arc<Job>, Work)>) {
    while let Ok((job, work)) = rx.recv() {
        if job.cancelled() {
            job.set(State::Cancelled);
            continue;
        }
        job.set(State::Running);
        // A bug must not take the server down: the job fails instead.
        let out = catch_unwind(AssertUnwindSafe(|| work(&job)));
        job.set(match out {
            Ok(Ok(Some(o))) if !job.cancelled() => State::Done(Arc::new(o)),
            Ok(Ok(_)) => State::Cancelled,
            Ok(Err(e)) => State::Failed(e),
            Err(_) => State::Failed("internal error (a bug in ccsim): the job stopped".into()),
        });
    }
}
