//! `ccsim serve`: the planner's workbench, a local web page over the
//! scenarios of a folder. It opens a scenario, edits its levers as forms
//! (each edit validated as an overlay by the scenario reader), runs the
//! edited scenario against the one it came from with common random numbers,
//! shows compliance, windows, paid hours, the comparison and the report's
//! plots, saves the edits as an overlay file, and runs `staff` on a window.
//! Every result shows the `ccsim` command that reproduces it.
//!
//! Safety: loopback only unless `--host` says otherwise, and then a token
//! on every request; the Host header is checked on loopback (DNS
//! rebinding), the Origin on every request that changes state; file names
//! are confined to the folder (no separators, no `..`, no symlink leading
//! out, bases of an overlay included); bodies and replications are
//! bounded; runs go through a bounded queue; saves are atomic and refused
//! over a file changed since it was read.

pub mod edit;
pub mod jobs;

use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::experiment;
use crate::report;
use edit::{Edits, FieldError, Opened};
use jobs::{Jobs, Output};

/// Largest request body accepted, bytes (a staffing grid of 7 × 1,440
/// one-minute intervals is about 60 kB).
pub const MAX_BODY: usize = 512 * 1024;
/// Most replications a run or staffing search of the page may ask for.
pub const MAX_REPLICATIONS: u32 = 1000;
/// Jobs that may wait behind the running one.
pub const QUEUE: usize = 2;
/// Replications the page proposes by default: few enough that a semester
/// runs in seconds (the scenario's own count is used when smaller).
pub const DEFAULT_REPLICATIONS: u32 = 20;

const PAGE: &str = include_str!("page.html");
const APP_JS: &str = include_str!("app.js");
const STYLE: &str = include_str!("style.css");

/// How to serve.
#[derive(Debug, Clone)]
pub struct Config {
    /// The scenarios folder.
    pub dir: PathBuf,
    /// Address to listen on.
    pub host: IpAddr,
    /// Port (0: any free port).
    pub port: u16,
    /// Token every request must carry; required off loopback.
    pub token: Option<String>,
}

/// Errors of starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Bad configuration (the message names the flag).
    #[error("{0}")]
    Input(String),
    /// The socket or the runtime could not be set up.
    #[error("{0}")]
    Io(String),
}

struct App {
    dir: PathBuf,
    shown_dir: String,
    token: Option<String>,
    /// Host headers accepted on loopback (`None`: any, a token guards).
    hosts: Option<Vec<String>>,
    jobs: Arc<Jobs>,
    /// Held while a save checks and writes, so that two saves never interleave.
    saving: Mutex<()>,
}

impl App {
    /// Paths of the folder as file names relative to it (an `extends` chain
    /// never leaves it).
    fn relative(&self, paths: &[String]) -> Vec<String> {
        let abs = format!("{}/", self.dir.display());
        paths
            .iter()
            .map(|p| p.strip_prefix(&abs).unwrap_or(p).to_string())
            .collect()
    }

    /// Messages with the folder as given on the command line, not its
    /// absolute path.
    fn shown(&self, lines: &[String]) -> Vec<String> {
        let abs = format!("{}/", self.dir.display());
        let shown = format!("{}/", self.shown_dir.trim_end_matches('/'));
        lines.iter().map(|l| l.replace(&abs, &shown)).collect()
    }
}

/// A bound server: its address, and `run` to serve until the process ends.
pub struct Bound {
    listener: std::net::TcpListener,
    app: Arc<App>,
    /// The address it listens on.
    pub addr: SocketAddr,
}

/// Checks the configuration and binds the socket.
///
/// # Errors
/// [`ServeError::Input`] for a missing folder or a non-loopback address
/// without a token; [`ServeError::Io`] when the port cannot be bound.
pub fn bind(cfg: &Config) -> Result<Bound, ServeError> {
    let dir = std::fs::canonicalize(&cfg.dir)
        .ok()
        .filter(|d| d.is_dir())
        .ok_or_else(|| {
            ServeError::Input(format!("--scenarios {}: not a folder", cfg.dir.display()))
        })?;
    if !cfg.host.is_loopback() && cfg.token.as_deref().is_none_or(str::is_empty) {
        return Err(ServeError::Input(format!(
            "--host {}: listening beyond this machine needs --token or --token-file (every request must then carry it)",
            cfg.host
        )));
    }
    let listener = std::net::TcpListener::bind((cfg.host, cfg.port))
        .map_err(|e| ServeError::Io(format!("cannot listen on {}:{}: {e}", cfg.host, cfg.port)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServeError::Io(e.to_string()))?;
    let hosts = cfg.host.is_loopback().then(|| {
        let p = addr.port();
        vec![
            format!("127.0.0.1:{p}"),
            format!("localhost:{p}"),
            format!("[::1]:{p}"),
            format!("{addr}"),
        ]
    });
    let app = Arc::new(App {
        dir,
        shown_dir: cfg.dir.display().to_string(),
        token: cfg.token.clone().filter(|t| !t.is_empty()),
        hosts,
        jobs: Jobs::start(QUEUE),
        saving: Mutex::new(()),
    });
    Ok(Bound {
        listener,
        app,
        addr,
    })
}

impl Bound {
    /// Serves until the process ends, on a tokio runtime of two threads
    /// (simulations run on the rayon pool, not here).
    ///
    /// # Errors
    /// [`ServeError::Io`] when the runtime cannot start or the socket fails.
    pub fn run(self) -> Result<(), ServeError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| ServeError::Io(format!("cannot start the server runtime: {e}")))?;
        let router = router(self.app);
        rt.block_on(async move {
            self.listener
                .set_nonblocking(true)
                .map_err(|e| ServeError::Io(e.to_string()))?;
            let listener = tokio::net::TcpListener::from_std(self.listener)
                .map_err(|e| ServeError::Io(e.to_string()))?;
            axum::serve(listener, router)
                .await
                .map_err(|e| ServeError::Io(e.to_string()))
        })
    }
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/s/{file}", get(page))
        .route(
            "/static/app.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    APP_JS,
                )
            }),
        )
        .route(
            "/static/style.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE) }),
        )
        .route("/api/scenarios", get(list))
        .route("/api/scenario/{file}", get(scenario))
        .route("/api/validate", post(validate))
        .route("/api/run", post(run))
        .route("/api/staff", post(staff))
        .route("/api/save", post(save))
        .route("/api/jobs/{id}", get(job))
        .route("/api/jobs/{id}/cancel", post(cancel))
        .route("/api/jobs/{id}/report.html", get(report_html))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "path", "no such page") })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

/// A refused request: status, the field (or header, or part of the path)
/// at fault, and a message.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    field: String,
    message: String,
    fields: Vec<FieldError>,
}

impl ApiError {
    fn new(status: StatusCode, field: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            field: field.into(),
            message: message.into(),
            fields: Vec::new(),
        }
    }

    fn invalid(fields: Vec<FieldError>) -> ApiError {
        let message = fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("\n");
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            field: fields.first().map_or_else(String::new, |f| f.field.clone()),
            message,
            fields,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": self.message,
            "field": self.field,
            "fields": self.fields.iter().map(FieldError::to_json).collect::<Vec<_>>(),
        });
        (self.status, axum::Json(body)).into_response()
    }
}

fn token_of(req: &Request) -> Option<String> {
    let h = req.headers();
    if let Some(t) = h
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(t.trim().to_string());
    }
    let cookie = h
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("ccsim_token=").map(str::to_string));
    cookie.or_else(|| query_token(req))
}

fn query_token(req: &Request) -> Option<String> {
    req.uri()
        .query()?
        .split('&')
        .find_map(|kv| kv.strip_prefix("token=").map(str::to_string))
}

/// Equal strings, in a time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Token, Host and Origin checks of every request.
async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_string();
    if let Some(hosts) = app
        .hosts
        .as_ref()
        .filter(|hs| !hs.iter().any(|h| h.eq_ignore_ascii_case(&host)))
    {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "Host",
            format!(
                "Host {host:?} is not this server (open it as http://{})",
                hosts[0]
            ),
        )
        .into_response();
    }
    let mut set_cookie = None;
    if let Some(t) = &app.token {
        match token_of(&req) {
            Some(given) if same(&given, t) => {
                if query_token(&req).is_some() {
                    set_cookie = Some(format!(
                        "ccsim_token={t}; HttpOnly; SameSite=Strict; Path=/"
                    ));
                }
            }
            Some(_) => {
                return ApiError::new(StatusCode::UNAUTHORIZED, "token", "wrong token")
                    .into_response();
            }
            None => {
                return ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "token",
                    "this server needs its token: open the address it printed (with ?token=...), or send Authorization: Bearer TOKEN",
                )
                .into_response();
            }
        }
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let origin = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let ok = origin
            .strip_prefix("http://")
            .is_some_and(|o| !host.is_empty() && o.eq_ignore_ascii_case(&host));
        if !ok {
            let msg = if origin.is_empty() {
                "a request that changes something must carry an Origin header (a browser sends it)"
                    .to_string()
            } else {
                format!("Origin {origin:?} is not this server's page: refused")
            };
            return ApiError::new(StatusCode::FORBIDDEN, "Origin", msg).into_response();
        }
    }
    let mut res = next.run(req).await;
    if let Some(c) = set_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    res.headers_mut().insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    res.headers_mut()
        .insert("x-frame-options", HeaderValue::from_static("DENY"));
    res
}

/// A file of the folder named by the page: a plain `NAME.toml`, no
/// separator, not hidden, and (when it exists) resolving inside the
/// folder: a symlink leading out is refused.
fn confined(app: &App, field: &str, name: &str) -> Result<PathBuf, ApiError> {
    let bad = |m: &str| ApiError::new(StatusCode::BAD_REQUEST, field, format!("{name:?}: {m}"));
    if name.is_empty()
        || name.starts_with('.')
        || name.contains(['/', '\\', '\0', ':'])
        || name.contains("..")
        || Path::new(name).is_absolute()
    {
        return Err(bad(
            "must be a file name of the scenarios folder, without a folder part",
        ));
    }
    if !name.ends_with(".toml") || name.len() > 200 {
        return Err(bad(
            "must be a NAME.toml file name (at most 200 characters)",
        ));
    }
    let path = app.dir.join(name);
    if let Ok(meta) = std::fs::symlink_metadata(&path) {
        let real = std::fs::canonicalize(&path).map_err(|_| bad("cannot be resolved"))?;
        if !real.starts_with(&app.dir) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                field,
                format!("{name:?} leads outside the scenarios folder: refused"),
            ));
        }
        if meta.file_type().is_symlink() && !real.is_file()
            || !meta.file_type().is_symlink() && !meta.is_file()
        {
            return Err(bad("is not a regular file"));
        }
    }
    Ok(path)
}

/// Opens a scenario of the folder; every file of its `extends` chain must
/// be in the folder too.
fn open(app: &App, field: &str, name: &str) -> Result<Opened, ApiError> {
    let path = confined(app, field, name)?;
    if !path.is_file() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            field,
            format!("{name:?}: no such scenario in {}", app.shown_dir),
        ));
    }
    // Walk the chain before the reader follows it.
    let mut next = path.clone();
    for _ in 0..=crate::scenario::overlay::MAX_DEPTH {
        let text = std::fs::read_to_string(&next).unwrap_or_default();
        let Some(ext) = text.parse::<toml::Table>().ok().and_then(|t| {
            t.get("extends")
                .and_then(|e| e.as_str().map(str::to_string))
        }) else {
            break;
        };
        next = next
            .parent()
            .map_or_else(|| PathBuf::from(&ext), |d| d.join(&ext));
        match std::fs::canonicalize(&next) {
            Ok(real) if !real.starts_with(&app.dir) => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    field,
                    format!("{name:?} extends {ext:?}, outside the scenarios folder: refused"),
                ));
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Opened::read(&path, name).map_err(|e| {
        let m = app.shown(&[e.to_string()]).join("");
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, field, m)
    })
}

/// Text for HTML (attributes are double-quoted), as the report writes it.
fn esc(s: &str) -> String {
    report::document::html_escape(s)
}

/// The `.toml` files of the folder, sorted.
fn files(app: &App) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(&app.dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| confined(app, "file", n).is_ok_and(|p| p.is_file()))
        .collect();
    out.sort();
    out
}

fn listing(app: &App) -> Vec<Value> {
    files(app)
        .into_iter()
        .map(|f| match open(app, "file", &f) {
            Ok(o) => json!({
                "file": f,
                "name": o.scenario().name,
                "description": o.scenario().description,
                "extends": app.relative(&o.scenario().provenance.extends),
                "hash": o.hash,
            }),
            Err(e) => json!({ "file": f, "error": e.message }),
        })
        .collect()
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server",
            "internal error",
        )
    })
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

async fn index(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let list = blocking({
        let app = app.clone();
        move || listing(&app)
    })
    .await?;
    let mut rows = String::new();
    for s in &list {
        let file = s["file"].as_str().unwrap_or_default();
        match s.get("error") {
            Some(e) => {
                let _ = write!(
                    rows,
                    "<tr><td>{}</td><td colspan=2 class=err>{}</td></tr>",
                    esc(file),
                    esc(e.as_str().unwrap_or_default())
                );
            }
            None => {
                let ext = s["extends"]
                    .as_array()
                    .and_then(|a| a.first())
                    .and_then(Value::as_str)
                    .map(|b| format!(" <small>(extends {})</small>", esc(b)))
                    .unwrap_or_default();
                let _ = write!(
                    rows,
                    "<tr><td><a href=\"/s/{}\">{}</a>{ext}</td><td>{}</td><td>{}</td></tr>",
                    esc(file),
                    esc(s["name"].as_str().unwrap_or_default()),
                    esc(s["description"].as_str().unwrap_or_default()),
                    esc(file)
                );
            }
        }
    }
    Ok(html(format!(
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>ccsim workbench</title><link rel=stylesheet href=\"/static/style.css\"></head><body><h1>ccsim workbench</h1><p>Scenarios in <code>{}</code>: open one to change its staffing, opening hours, volumes or routing, run it against itself as it is, and save the changes as an overlay file.</p><table id=scenarios><tr><th>scenario</th><th>description</th><th>file</th></tr>{rows}</table><p class=small>ccsim {}</p></body></html>",
        esc(&app.shown_dir),
        env!("CARGO_PKG_VERSION")
    )))
}

async fn page(
    State(app): State<Arc<App>>,
    UrlPath(file): UrlPath<String>,
) -> Result<Response, ApiError> {
    confined(&app, "file", &file)?;
    Ok(html(
        PAGE.replace("{{FILE}}", &esc(&file))
            .replace("{{VERSION}}", env!("CARGO_PKG_VERSION")),
    ))
}

async fn list(State(app): State<Arc<App>>) -> Result<axum::Json<Value>, ApiError> {
    let l = blocking(move || listing(&app)).await?;
    Ok(axum::Json(json!({ "scenarios": l })))
}

async fn scenario(
    State(app): State<Arc<App>>,
    UrlPath(file): UrlPath<String>,
) -> Result<axum::Json<Value>, ApiError> {
    blocking(move || {
        let o = open(&app, "file", &file)?;
        let mut v = edit::view(o.scenario());
        v["file"] = json!(o.file);
        v["hash"] = json!(o.hash);
        v["warnings"] = json!(app.shown(&o.loaded.warnings));
        v["extends"] = json!(app.relative(&o.scenario().provenance.extends));
        v["folder"] = json!(app.shown_dir);
        v["default_replications"] = json!(o.scenario().run.replications.min(DEFAULT_REPLICATIONS));
        v["suggested_name"] = json!(suggested(&app, &file));
        Ok(axum::Json(v))
    })
    .await?
}

/// A free file name for the edited copy of `file`.
fn suggested(app: &App, file: &str) -> String {
    let stem = file.trim_end_matches(".toml");
    (1..100)
        .map(|n| {
            if n == 1 {
                format!("{stem}-edited.toml")
            } else {
                format!("{stem}-edited-{n}.toml")
            }
        })
        .find(|f| !app.dir.join(f).exists())
        .unwrap_or_else(|| format!("{stem}-edited.toml"))
}

/// Reads a JSON body; a bad one is refused naming the field.
fn body<T: for<'de> Deserialize<'de>>(bytes: &Bytes) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        ApiError::new(
            StatusCode::BAD_REQUEST,
            if path == "." { "body" } else { &path },
            format!(
                "{}: {}",
                if path == "." { "body" } else { &path },
                e.inner()
            ),
        )
    })
}

/// What every request about an edited scenario carries.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EditRequest {
    /// The opened file.
    file: String,
    /// The levers moved.
    #[serde(default)]
    edits: Edits,
    /// File name the edits are (or will be) saved as.
    #[serde(default)]
    name: Option<String>,
    /// Replications and seed of a run.
    #[serde(default)]
    replications: Option<u32>,
    #[serde(default)]
    seed: Option<u64>,
    /// `staff`: the group, weekdays and window.
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    days: Option<String>,
    #[serde(default)]
    window: Option<String>,
    /// `save`: replace an existing file, whose hash as read by the page is `target_hash`.
    #[serde(default)]
    overwrite: bool,
    #[serde(default)]
    target_hash: Option<String>,
    /// `save`: the hash of the opened file as the page read it.
    #[serde(default)]
    hash: Option<String>,
}

/// The edited scenario of a request: the opened file, the overlay's
/// file name, text and changes, and the validated result.
struct Edited {
    opened: Opened,
    name: String,
    text: String,
    changes: Vec<String>,
    loaded: crate::scenario::Loaded,
}

fn edited(app: &App, r: &EditRequest) -> Result<Edited, ApiError> {
    let opened = open(app, "file", &r.file)?;
    let name = match &r.name {
        Some(n) if !n.trim().is_empty() => n.trim().to_string(),
        _ => suggested(app, &r.file),
    };
    confined(app, "name", &name)?;
    let stem = name.trim_end_matches(".toml");
    let (text, changes) = edit::overlay(&opened, &r.edits, stem).map_err(ApiError::invalid)?;
    let loaded = edit::validate(&opened, &name, &text, &r.edits).map_err(ApiError::invalid)?;
    Ok(Edited {
        opened,
        name,
        text,
        changes,
        loaded,
    })
}

fn shell_word(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The commands that reproduce what the page does with these edits.
fn commands(app: &App, e: &Edited, reps: u32, seed: u64) -> Value {
    let p = |f: &str| shell_word(&format!("{}/{f}", app.shown_dir.trim_end_matches('/')));
    let base = p(&e.opened.file);
    let flags = format!("--replications {reps} --seed {seed}");
    if e.changes.is_empty() {
        return json!({
            "run": format!("ccsim run {base} {flags}"),
            "report": format!("ccsim report {base} --no-staff {flags} -o report"),
        });
    }
    let alt = p(&e.name);
    json!({
        "save": format!("the overlay below, saved as {alt} (the Save button writes it)"),
        "run": format!("ccsim run {alt} {flags}"),
        "compare": format!("ccsim compare {base} {alt} {flags}"),
        "report": format!("ccsim report {base} {alt} --no-staff {flags} -o report"),
    })
}

fn run_settings(e: &Edited, r: &EditRequest) -> Result<(u32, u64), ApiError> {
    let reps = r.replications.unwrap_or_else(|| {
        e.opened
            .scenario()
            .run
            .replications
            .min(DEFAULT_REPLICATIONS)
    });
    if !(2..=MAX_REPLICATIONS).contains(&reps) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "replications",
            format!("replications = {reps}: must be from 2 to {MAX_REPLICATIONS} on this page"),
        ));
    }
    Ok((reps, r.seed.unwrap_or(e.opened.scenario().run.seed)))
}

async fn validate(
    State(app): State<Arc<App>>,
    bytes: Bytes,
) -> Result<axum::Json<Value>, ApiError> {
    let r: EditRequest = body(&bytes)?;
    blocking(move || {
        let e = edited(&app, &r)?;
        let (reps, seed) = run_settings(&e, &r)?;
        let mut v = edit::view(&e.loaded.scenario);
        v["overlay"] = json!(e.text);
        v["changes"] = json!(e.changes);
        v["name_file"] = json!(e.name);
        v["warnings"] = json!(app.shown(&e.loaded.warnings));
        v["commands"] = commands(&app, &e, reps, seed);
        v["base_paid_hours"] = json!(crate::cost::summary(e.opened.scenario()).paid_hours);
        Ok(axum::Json(v))
    })
    .await?
}

fn queued(job: Result<Arc<jobs::Job>, String>) -> Result<Response, ApiError> {
    match job {
        Ok(j) => Ok((StatusCode::ACCEPTED, axum::Json(j.to_json())).into_response()),
        Err(m) => Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "queue", m)),
    }
}

async fn run(State(app): State<Arc<App>>, bytes: Bytes) -> Result<Response, ApiError> {
    let r: EditRequest = body(&bytes)?;
    let app2 = app.clone();
    let e = blocking(move || edited(&app2, &r).and_then(|e| run_settings(&e, &r).map(|s| (e, s))))
        .await??;
    let (e, (reps, seed)) = e;
    let cmds = commands(&app, &e, reps, seed);
    let command = cmds
        .get("compare")
        .or_else(|| cmds.get("run"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let report_command = cmds["report"].as_str().unwrap_or_default().to_string();
    let changed = !e.changes.is_empty();
    let mut scenarios = vec![e.opened.scenario().clone()];
    let mut files = vec![format!("{}/{}", app.shown_dir, e.opened.file)];
    if changed {
        scenarios.push(e.loaded.scenario.clone());
        files.push(format!("{}/{}", app.shown_dir, e.name));
    }
    let total = u64::from(reps) * scenarios.len() as u64;
    let changes = e.changes.clone();
    let overlay = e.text.clone();
    let work: jobs::Work = Box::new(move |job| {
        let started = std::time::Instant::now();
        let Some(outs) =
            experiment::simulate_until(&scenarios, reps, seed, Some(&job.done), &job.cancel)
        else {
            return Ok(None);
        };
        let sim_s = started.elapsed().as_secs_f64();
        let summaries: Vec<_> = outs.into_iter().map(|o| o.summary).collect();
        let cmp =
            (summaries.len() > 1).then(|| crate::compare::compare(&summaries[0], &summaries[1..]));
        let report_html = write_report(&summaries, &files, cmp.as_ref(), &report_command)?;
        let figures = figures(&report_html);
        let result = json!({
            "replications": reps,
            "seed": seed,
            "version": env!("CARGO_PKG_VERSION"),
            "simulation_s": sim_s,
            "changes": changes,
            "overlay": overlay,
            "base": summary_view(&summaries[0]),
            "edited": summaries.get(1).map(summary_view),
            "comparison": cmp.as_ref().map(report::compare::render_table),
            "figures": figures,
            "report_command": report_command,
        });
        Ok(Some(Output {
            result,
            report_html: Some(report_html),
        }))
    });
    queued(app.jobs.submit("run", total, command, work))
}

/// The report of a run, written to a private temporary folder and read
/// back whole (the page offers it for download and shows its plots).
fn write_report(
    summaries: &[crate::stats::Summary],
    files: &[String],
    cmp: Option<&crate::compare::Comparison>,
    command: &str,
) -> Result<String, String> {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ccsim-serve-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot write the report: {e}"))?;
    let input = report::document::ReportInput {
        runs: files
            .iter()
            .zip(summaries)
            .map(|(file, summary)| report::document::ReportRun { file, summary })
            .collect(),
        comparison: cmp,
        requirements: None,
        staff_note: None,
        generated: report::document::utc_timestamp(std::time::SystemTime::now()),
        command: command.to_string(),
    };
    let out = report::document::write_report(&dir, &input)
        .map_err(|e| e.to_string())
        .and_then(|f| std::fs::read_to_string(f.html).map_err(|e| e.to_string()));
    let _ = std::fs::remove_dir_all(&dir);
    out
}

/// The `<figure>` elements (inline SVG plots) of a report page.
fn figures(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<figure>") {
        let Some(j) = rest[i..].find("</figure>") else {
            break;
        };
        out.push(rest[i..i + j + "</figure>".len()].to_string());
        rest = &rest[i + j..];
    }
    out
}

fn compliance_json(c: &[crate::stats::summary::Compliance]) -> Vec<Value> {
    c.iter()
        .map(|c| {
            json!({
                "indicator": c.indicator,
                "kpi": c.kpi.name(),
                "call_type": c.call_type,
                "mean": c.value.mean,
                "value": report::fmt_estimate(c.kpi, &c.value),
                "target": if c.kpi.is_share() {
                    format!("{} {:.2}%", c.direction, c.target * 100.0)
                } else {
                    format!("{} {}", c.direction, c.target)
                },
                "status": c.status.label(),
                "p_met": c.met_share,
            })
        })
        .collect()
}

/// Compliance, windows and paid hours of one summary, for the page.
fn summary_view(s: &crate::stats::Summary) -> Value {
    json!({
        "scenario": s.scenario,
        "replications": s.replications,
        "seed": s.seed,
        "services": s.services.iter().map(|e| json!({
            "name": e.name,
            "compliance": compliance_json(&e.compliance),
            "windows": e.windows.iter().map(|w| json!({
                "name": w.name,
                "service_level": w.kpis.get(crate::stats::Kpi::ServiceLevel).map(|k| k.mean),
                "compliance": compliance_json(&w.compliance),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "cost": {
            "paid_agent_hours": s.cost.paid_agent_hours,
            "fte": s.cost.fte,
            "cost": s.cost.cost,
            "currency": s.cost.currency,
        },
    })
}

async fn staff(State(app): State<Arc<App>>, bytes: Bytes) -> Result<Response, ApiError> {
    use crate::optimize::{self, Selection, staff};
    let r: EditRequest = body(&bytes)?;
    let app2 = app.clone();
    let (e, reps, seed, g, sel, r) = blocking(move || {
        let e = edited(&app2, &r)?;
        let (reps, seed) = run_settings(&e, &r)?;
        let sc = &e.loaded.scenario;
        let group = r.group.clone().unwrap_or_default();
        let g = optimize::find_group(sc, &group)
            .map_err(|err| ApiError::new(StatusCode::BAD_REQUEST, "group", err.to_string()))?;
        let sel = Selection::parse(sc, r.days.as_deref(), r.window.as_deref()).map_err(|err| {
            let field = if err.to_string().starts_with("--days") {
                "days"
            } else {
                "window"
            };
            ApiError::new(StatusCode::BAD_REQUEST, field, err.to_string())
        })?;
        staff::require_targets(sc, &[g]).map_err(|err| {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "group", err.to_string())
        })?;
        Ok::<_, ApiError>((e, reps, seed, g, sel, r))
    })
    .await??;
    let target = if e.changes.is_empty() {
        &e.opened.file
    } else {
        &e.name
    };
    let mut command = format!(
        "ccsim staff {} --group {}",
        shell_word(&format!("{}/{target}", app.shown_dir.trim_end_matches('/'))),
        shell_word(&e.loaded.scenario.groups[g].name)
    );
    if let Some(d) = &r.days {
        let _ = write!(command, " --days {}", shell_word(d));
    }
    if let Some(w) = &r.window {
        let _ = write!(command, " --window {}", shell_word(w));
    }
    let _ = write!(command, " --replications {reps} --seed {seed}");
    let sc = e.loaded.scenario;
    let work: jobs::Work = Box::new(move |job| {
        let label = sel
            .as_ref()
            .map_or_else(|| "every interval".to_string(), |s| s.label.clone());
        let opts = staff::StaffOptions {
            groups: vec![sc.groups[g].name.clone()],
            replications: Some(reps),
            seed: Some(seed),
            only: sel,
            ..staff::StaffOptions::default()
        };
        let res = staff::run(&sc, &opts).map_err(|e| e.to_string())?;
        if job.cancelled() {
            return Ok(None);
        }
        let result = json!({
            "group": sc.groups[g].name,
            "staffing": res.staffed.groups[g].staffing,
            "answer": report::staffing::staff_answer(&res, &label),
            "table": report::staffing::staff_table(&res),
            "paid_hours": res.agent_hours,
            "input_paid_hours": res.input_agent_hours,
        });
        Ok(Some(Output {
            result,
            report_html: None,
        }))
    });
    queued(app.jobs.submit("staff", 0, command, work))
}

async fn save(State(app): State<Arc<App>>, bytes: Bytes) -> Result<Response, ApiError> {
    let r: EditRequest = body(&bytes)?;
    blocking(move || {
        let e = edited(&app, &r)?;
        let conflict = |field: &str, m: String| ApiError::new(StatusCode::CONFLICT, field, m);
        if r.hash.as_deref().is_some_and(|h| h != e.opened.hash) {
            return Err(conflict(
                "file",
                format!(
                    "{} changed on disk since this page opened it: reload the page (your edits are relative to the old version)",
                    e.opened.file
                ),
            ));
        }
        let target = confined(&app, "name", &e.name)?;
        let in_chain = e.name == e.opened.file
            || e.opened.scenario().provenance.extends.iter().any(|b| {
                Path::new(b)
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy() == e.name)
            });
        if in_chain {
            return Err(conflict(
                "name",
                format!(
                    "{}: the edits extend this file; saving over it would make it extend itself. Choose a new name",
                    e.name
                ),
            ));
        }
        let _lock = app.saving.lock().unwrap_or_else(PoisonError::into_inner);
        if let Ok(current) = std::fs::read(&target) {
            if !r.overwrite {
                return Err(conflict(
                    "name",
                    format!("{} exists: tick 'replace' to overwrite it, or choose another name", e.name),
                ));
            }
            if r.target_hash.as_deref() != Some(edit::hash(&current).as_str()) {
                return Err(conflict(
                    "name",
                    format!(
                        "{} changed since this page last read it (another tab or an editor saved it): not overwritten; open it to see the other version",
                        e.name
                    ),
                ));
            }
        } else if std::fs::symlink_metadata(&target).is_ok() {
            return Err(conflict("name", format!("{} exists and is not a readable file", e.name)));
        }
        crate::io::write_atomic(&target, e.text.as_bytes())
            .map_err(|err| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "name", format!("cannot write {}: {err}", e.name)))?;
        Ok((
            StatusCode::CREATED,
            axum::Json(json!({
                "saved": e.name,
                "hash": edit::hash(e.text.as_bytes()),
                "url": format!("/s/{}", e.name),
                "changes": e.changes,
            })),
        )
            .into_response())
    })
    .await?
}

fn job_of(app: &App, id: &str) -> Result<Arc<jobs::Job>, ApiError> {
    id.parse::<u64>()
        .ok()
        .and_then(|id| app.jobs.get(id))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "id",
                format!("no job {id:?} (finished jobs are kept for a while only)"),
            )
        })
}

async fn job(
    State(app): State<Arc<App>>,
    UrlPath(id): UrlPath<String>,
) -> Result<axum::Json<Value>, ApiError> {
    Ok(axum::Json(job_of(&app, &id)?.to_json()))
}

async fn cancel(
    State(app): State<Arc<App>>,
    UrlPath(id): UrlPath<String>,
) -> Result<axum::Json<Value>, ApiError> {
    let j = job_of(&app, &id)?;
    j.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    Ok(axum::Json(j.to_json()))
}

async fn report_html(
    State(app): State<Arc<App>>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, ApiError> {
    let j = job_of(&app, &id)?;
    let out = j.report_html().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "id",
            "this job has no report (not a finished run)",
        )
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"report.html\"",
            ),
        ],
        out.report_html.clone().unwrap_or_default(),
    )
        .into_response())
}
