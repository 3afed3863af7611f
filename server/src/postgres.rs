//! The embedded default database: a private PostgreSQL cluster in `<data dir>/postgres`,
//! run from the system's PostgreSQL server binaries and reachable only through a Unix
//! socket inside the data directory.
//!
//! Lifecycle rules:
//! - `start` initialises the cluster on first use and reuses it afterwards.
//! - A file lock on `<data dir>/portico.lock` makes the data directory one process's.
//! - `stop` (also run on drop) shuts PostgreSQL down with a fast shutdown and waits.
//! - A guardian process watches this process and stops the cluster if we die without
//!   stopping it (even by SIGKILL), so no `postgres` process outlives Portico.
//! - When running as root, PostgreSQL runs as an unprivileged system user (`postgres`).
//! - Once `supervise`d, a cluster that dies (killed, out of memory) is started again, with
//!   a backoff between failed attempts, and every restart is logged; the pool reconnects
//!   by itself, and the gateway serves from its snapshot meanwhile.
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{chown, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Database Portico creates for itself inside the cluster.
pub const DATABASE: &str = "portico";
/// The cluster's superuser, authenticated by the socket's file permissions.
const SUPERUSER: &str = "portico";
/// Longest Unix socket path the kernel accepts (`sun_path`, less the terminator).
const MAX_SOCKET_PATH: usize = 107;

#[derive(Debug, thiserror::Error)]
pub enum PostgresError {
    #[error(
        "no PostgreSQL server binaries were found (looked for initdb, pg_ctl and postgres on PATH and in /usr/lib/postgresql/*/bin). \
         Install them (Debian: `apt-get install postgresql`), or set DATABASE_URL to use an existing PostgreSQL server"
    )]
    BinariesMissing,
    #[error("another Portico process is using the data directory {0}; stop it first or choose another --data-dir")]
    DataDirInUse(PathBuf),
    #[error(
        "PostgreSQL runs as the unprivileged user '{user}', which cannot enter {dir} (it is not readable by others). \
         Choose a data directory outside it with --data-dir / PORTICO_DATA_DIR, or set DATABASE_URL"
    )]
    Unreachable { user: String, dir: PathBuf },
    #[error("the socket path {0} is too long for a Unix socket; choose a shorter --data-dir")]
    SocketPathTooLong(PathBuf),
    #[error("{step} failed: {detail}")]
    Step { step: String, detail: String },
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> PostgresError {
    let context = context.into();
    move |source| PostgresError::Io { context, source }
}

/// What to do with the data directory when the owning process exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// Keep the cluster's data (Portico's own data directory).
    Persistent,
    /// Remove the whole data directory once the cluster has stopped (test clusters).
    Ephemeral,
}

/// How often a supervised cluster is looked at.
const SUPERVISE_EVERY: Duration = Duration::from_millis(500);
/// Longest wait between two failed restarts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// A running private PostgreSQL cluster.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    control: Control,
    running: bool,
    /// Set once the cluster is being stopped on purpose: the supervisor leaves it down.
    stopping: Arc<AtomicBool>,
    /// Held for the life of the process: the data directory is ours.
    _lock: File,
}

/// What running the cluster's tools needs, shared with its supervisor.
#[derive(Debug, Clone)]
pub struct Control {
    bin_dir: PathBuf,
    pgdata: PathBuf,
    socket_dir: PathBuf,
    run_as: Option<String>,
    data_dir: PathBuf,
    lifetime: Lifetime,
}

impl std::ops::Deref for EmbeddedPostgres {
    type Target = Control;

    fn deref(&self) -> &Control {
        &self.control
    }
}

impl EmbeddedPostgres {
    /// Initialises (first time) and starts the cluster in `<data_dir>/postgres`, and waits
    /// until it accepts connections. Blocking: call it from a blocking context.
    pub fn start(data_dir: &Path, lifetime: Lifetime) -> Result<Self, PostgresError> {
        let bin_dir = find_bin_dir().ok_or(PostgresError::BinariesMissing)?;
        fs::create_dir_all(data_dir).map_err(io(format!("creating {}", data_dir.display())))?;
        let data_dir = data_dir
            .canonicalize()
            .map_err(io(format!("resolving {}", data_dir.display())))?;
        let lock = lock_data_dir(&data_dir)?;
        let run_as = unprivileged_user()?;
        if let Some(user) = &run_as {
            check_reachable(&data_dir, user)?;
        }
        let owner = run_as.as_deref().map(user_ids).transpose()?;

        let pgdata = data_dir.join("postgres");
        let socket_dir = data_dir.join("run");
        if socket_dir.join(".s.PGSQL.5432").as_os_str().len() > MAX_SOCKET_PATH {
            return Err(PostgresError::SocketPathTooLong(socket_dir));
        }
        for dir in [&pgdata, &socket_dir] {
            fs::create_dir_all(dir).map_err(io(format!("creating {}", dir.display())))?;
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
                .map_err(io(format!("setting permissions of {}", dir.display())))?;
            if let Some((uid, gid)) = owner {
                chown(dir, Some(uid), Some(gid))
                    .map_err(io(format!("handing {} to PostgreSQL", dir.display())))?;
            }
        }

        let mut cluster = EmbeddedPostgres {
            control: Control {
                bin_dir,
                pgdata,
                socket_dir,
                run_as,
                data_dir: data_dir.clone(),
                lifetime,
            },
            running: false,
            stopping: Arc::new(AtomicBool::new(false)),
            _lock: lock,
        };
        if !cluster.pgdata.join("PG_VERSION").exists() {
            cluster.initdb()?;
        }
        cluster.write_settings()?;
        // Only a crashed run of ours can have left a server here (we hold the lock).
        if cluster.pgdata.join("postmaster.pid").exists() {
            let _ = cluster.pg_ctl(&["stop", "-m", "immediate", "-w"]);
        }
        let log = cluster.log();
        File::create(&log).map_err(io(format!("creating {}", log.display())))?;
        if let Some((uid, gid)) = owner {
            chown(&log, Some(uid), Some(gid))
                .map_err(io("handing the PostgreSQL log to PostgreSQL"))?;
        }
        let log_arg = log.to_string_lossy().into_owned();
        cluster
            .pg_ctl(&["start", "-w", "-t", "60", "-l", &log_arg])
            .map_err(|error| match error {
                PostgresError::Step { step, detail } => {
                    let tail = fs::read_to_string(&log).unwrap_or_default();
                    PostgresError::Step {
                        step,
                        detail: format!("{detail}\n{}", last_lines(&tail, 15)),
                    }
                }
                other => other,
            })?;
        cluster.running = true;
        cluster.spawn_guardian()?;
        Ok(cluster)
    }

    /// Watches the cluster from a thread of its own and starts it again whenever it has
    /// died, until `stop`.
    pub fn supervise(&self) -> Result<(), PostgresError> {
        let control = self.control.clone();
        let stopping = self.stopping.clone();
        std::thread::Builder::new()
            .name("postgres-supervisor".to_owned())
            .spawn(move || control.supervise(&stopping))
            .map_err(io("starting the PostgreSQL supervisor"))?;
        Ok(())
    }

    /// Connection URL for `database` over the cluster's socket.
    pub fn url(&self, database: &str) -> String {
        let host = percent_encoding::utf8_percent_encode(
            &self.socket_dir.to_string_lossy(),
            percent_encoding::NON_ALPHANUMERIC,
        )
        .to_string();
        format!("postgres://{SUPERUSER}@localhost/{database}?host={host}")
    }

    /// Stops the cluster (fast shutdown: sessions are ended, data is flushed) and waits.
    pub fn stop(&mut self) -> Result<(), PostgresError> {
        if !self.running {
            return Ok(());
        }
        self.running = false;
        self.stopping.store(true, Ordering::SeqCst);
        self.pg_ctl(&["stop", "-m", "fast", "-w", "-t", "60"])
    }
}

impl Control {
    fn log(&self) -> PathBuf {
        self.data_dir.join("postgres.log")
    }

    /// The postmaster's process id, from its pid file, if that process is alive.
    fn postmaster(&self) -> Option<u32> {
        let text = fs::read_to_string(self.pgdata.join("postmaster.pid")).ok()?;
        let pid: u32 = text.lines().next()?.trim().parse().ok()?;
        let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The state follows the command name in parentheses; a zombie is gone.
        let state = stat.rsplit_once(") ")?.1.chars().next()?;
        (state != 'Z').then_some(pid)
    }

    fn supervise(&self, stopping: &AtomicBool) {
        let mut backoff = Duration::from_secs(1);
        loop {
            std::thread::sleep(SUPERVISE_EVERY);
            if stopping.load(Ordering::SeqCst) {
                return;
            }
            if self.postmaster().is_some() {
                continue;
            }
            tracing::warn!("the embedded PostgreSQL is not running; starting it again");
            let log = self.log().to_string_lossy().into_owned();
            match self.pg_ctl(&["start", "-w", "-t", "60", "-l", &log]) {
                Ok(()) => {
                    tracing::warn!(
                        pid = self.postmaster(),
                        "the embedded PostgreSQL was restarted"
                    );
                    backoff = Duration::from_secs(1);
                    if let Err(error) = self.spawn_guardian() {
                        tracing::error!(%error, "the restarted PostgreSQL has no guardian");
                    }
                }
                Err(error) => {
                    tracing::error!(%error, retry_in = ?backoff, "the embedded PostgreSQL did not start again");
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    fn initdb(&self) -> Result<(), PostgresError> {
        let pgdata = self.pgdata.to_string_lossy().into_owned();
        let status = self
            .command("initdb")
            .args([
                "-D",
                &pgdata,
                "-U",
                SUPERUSER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
            ])
            .stdout(Stdio::null())
            .output()
            .map_err(io(format!(
                "running initdb from {}",
                self.bin_dir.display()
            )))?;
        if !status.status.success() {
            return Err(PostgresError::Step {
                step: "initdb".to_owned(),
                detail: String::from_utf8_lossy(&status.stderr).into_owned(),
            });
        }
        let mut conf = OpenOptions::new()
            .append(true)
            .open(self.pgdata.join("postgresql.conf"))
            .map_err(io("opening postgresql.conf"))?;
        writeln!(conf, "\n# Written by Portico: listener settings live in portico.conf.\ninclude_if_exists = 'portico.conf'")
            .map_err(io("writing postgresql.conf"))?;
        Ok(())
    }

    /// Listener settings, rewritten at each start so a moved data directory still works.
    fn write_settings(&self) -> Result<(), PostgresError> {
        let socket_dir = self.socket_dir.to_string_lossy().replace('\'', "''");
        let settings = format!(
            "# Written by Portico at each start.\nlisten_addresses = ''\nunix_socket_directories = '{socket_dir}'\nunix_socket_permissions = 0700\n"
        );
        let path = self.pgdata.join("portico.conf");
        fs::write(&path, settings).map_err(io(format!("writing {}", path.display())))?;
        if let Some(user) = &self.run_as {
            let (uid, gid) = user_ids(user)?;
            chown(&path, Some(uid), Some(gid)).map_err(io("handing portico.conf to PostgreSQL"))?;
        }
        Ok(())
    }

    fn pg_ctl(&self, args: &[&str]) -> Result<(), PostgresError> {
        let pgdata = self.pgdata.to_string_lossy().into_owned();
        let output = self
            .command("pg_ctl")
            .args(["-D", &pgdata])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            // Its own process group: a Ctrl-C at the terminal reaches Portico, which then
            // stops PostgreSQL in order, instead of both at once.
            .process_group(0)
            .output()
            .map_err(io("running pg_ctl"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(PostgresError::Step {
                step: format!("pg_ctl {}", args.first().unwrap_or(&"")),
                detail: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            })
        }
    }

    /// A command for one of the server binaries, as the unprivileged user when we are root.
    fn command(&self, program: &str) -> Command {
        let program = self.bin_dir.join(program);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut command = Command::new(system_tool("runuser"));
                command.args(["-u", user, "--"]).arg(program);
                command
            }
            None => Command::new(program),
        };
        command.current_dir(&self.pgdata).env_remove("PGDATA");
        command
    }

    /// Starts a small shell that waits for this process to exit, then stops the cluster if
    /// it is still the one we started, and for ephemeral clusters removes the data directory.
    fn spawn_guardian(&self) -> Result<(), PostgresError> {
        let (data_dir, lifetime) = (&self.data_dir, self.lifetime);
        let pidfile = self.pgdata.join("postmaster.pid");
        let postmaster = fs::read_to_string(&pidfile)
            .ok()
            .and_then(|text| text.lines().next().map(str::to_owned))
            .unwrap_or_default();
        // A process counts as gone once it no longer exists or is a zombie (an init that
        // does not reap would otherwise keep it "alive" forever).
        let script = r#"
            alive() {
                state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
                [ -n "$state" ] && [ "$state" != Z ]
            }
            while alive "$1"; do sleep 1; done
            if [ -n "$3" ] && [ "$(head -n 1 "$2" 2>/dev/null)" = "$3" ]; then
                kill -INT "$3" 2>/dev/null
                while alive "$3"; do sleep 0.1; done
            fi
            if [ "$4" = ephemeral ]; then rm -rf "$5"; fi
        "#;
        let mode = match lifetime {
            Lifetime::Persistent => "persistent",
            Lifetime::Ephemeral => "ephemeral",
        };
        Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg("portico-guardian")
            .arg(std::process::id().to_string())
            .arg(&pidfile)
            .arg(postmaster)
            .arg(mode)
            .arg(data_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(io("starting the PostgreSQL guardian"))?;
        Ok(())
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        if let Err(error) = self.stop() {
            eprintln!("portico: stopping the embedded PostgreSQL failed: {error}");
        }
    }
}

/// A system administration tool (`runuser`, `useradd`): on `PATH`, or in the sbin
/// directories a non-login `PATH` often lacks.
fn system_tool(name: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain(["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

/// The directory holding `initdb`, `pg_ctl` and `postgres`: the first on `PATH` that has
/// all three, else the newest `/usr/lib/postgresql/<version>/bin`.
pub fn find_bin_dir() -> Option<PathBuf> {
    let complete = |dir: &Path| {
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|b| dir.join(b).is_file())
    };
    if let Some(path) = std::env::var_os("PATH") {
        if let Some(dir) = std::env::split_paths(&path).find(|dir| complete(dir)) {
            return Some(dir);
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, dir)| complete(dir))
        .collect();
    versions.sort();
    versions.pop().map(|(_, dir)| dir)
}

fn lock_data_dir(data_dir: &Path) -> Result<File, PostgresError> {
    let path = data_dir.join("portico.lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(format!("opening {}", path.display())))?;
    rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive)
        .map_err(|_| PostgresError::DataDirInUse(data_dir.to_owned()))?;
    Ok(file)
}

/// PostgreSQL refuses to run as root: when we are root, use the `postgres` system user
/// (created by Debian's PostgreSQL packages), creating it if it is missing.
fn unprivileged_user() -> Result<Option<String>, PostgresError> {
    if !rustix::process::geteuid().is_root() {
        return Ok(None);
    }
    const USER: &str = "postgres";
    if user_ids(USER).is_err() {
        let output = Command::new(system_tool("useradd"))
            .args([
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                USER,
            ])
            .output()
            .map_err(io("running useradd"))?;
        if !output.status.success() {
            return Err(PostgresError::Step {
                step: format!("creating the system user '{USER}'"),
                detail: String::from_utf8_lossy(&output.stderr).into_owned(),
            });
        }
    }
    Ok(Some(USER.to_owned()))
}

/// The uid and gid of a user, read from the system's user database.
fn user_ids(user: &str) -> Result<(u32, u32), PostgresError> {
    let id = |flag: &str| -> Result<u32, PostgresError> {
        let output = Command::new("id")
            .arg(flag)
            .arg(user)
            .output()
            .map_err(io("running id"))?;
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .map_err(|_| PostgresError::Step {
                step: format!("looking up user '{user}'"),
                detail: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            })
    };
    Ok((id("-u")?, id("-g")?))
}

/// Every directory above the data directory must let others pass through.
fn check_reachable(data_dir: &Path, user: &str) -> Result<(), PostgresError> {
    for dir in data_dir.ancestors() {
        let mode = fs::metadata(dir)
            .map_err(io(format!("reading {}", dir.display())))?
            .permissions()
            .mode();
        if mode & 0o001 == 0 {
            return Err(PostgresError::Unreachable {
                user: user.to_owned(),
                dir: dir.to_owned(),
            });
        }
    }
    Ok(())
}

fn last_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}
