//! Typed configuration: command-line flags, each with a `PORTICO_*` environment variable
//! (plus `DATABASE_URL`), validated once at start-up with a message that names the setting.
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Portico: a self-hosted API gateway with a web console.
#[derive(Debug, Parser)]
#[command(name = "portico", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Settings for `serve` when no subcommand is given.
    #[command(flatten)]
    pub settings: Settings,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the console, the management API and the gateway (the default).
    Serve(Settings),
    /// Apply database migrations, then exit.
    Migrate(Settings),
}

impl Cli {
    /// The command to run and its settings; no subcommand means `serve`.
    pub fn into_parts(self) -> (Mode, Settings) {
        match self.command {
            None => (Mode::Serve, self.settings),
            Some(Command::Serve(settings)) => (Mode::Serve, settings),
            Some(Command::Migrate(settings)) => (Mode::Migrate, settings),
        }
    }
}

/// What the process does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Serve,
    Migrate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address of the console, the management API and the health endpoints.
    #[arg(long, env = "PORTICO_CONSOLE_ADDR", default_value = "127.0.0.1:3000", value_parser = parse_addr)]
    pub console_addr: SocketAddr,

    /// Address of the gateway that serves published APIs.
    #[arg(long, env = "PORTICO_GATEWAY_ADDR", default_value = "127.0.0.1:8080", value_parser = parse_addr)]
    pub gateway_addr: SocketAddr,

    /// Address of the gateway's HTTPS listener, which serves each bound domain's
    /// certificate by SNI; off when not set.
    #[arg(long, env = "PORTICO_GATEWAY_TLS_ADDR", value_parser = parse_addr)]
    pub gateway_tls_addr: Option<SocketAddr>,

    /// Domain under which every API group gets its subdomain `{group_id}.{suffix}`.
    #[arg(long, env = "PORTICO_SUBDOMAIN_SUFFIX", default_value = "apig.localhost", value_parser = parse_suffix)]
    pub subdomain_suffix: String,

    /// Directory for Portico's own files: the embedded PostgreSQL cluster and key files.
    #[arg(long, env = "PORTICO_DATA_DIR", default_value = "./data", value_parser = parse_data_dir)]
    pub data_dir: PathBuf,

    /// PostgreSQL to use instead of the embedded one, e.g. postgres://user:pass@host/db.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, value_parser = parse_database_url)]
    pub database_url: Option<String>,

    /// Log line format.
    #[arg(
        long,
        env = "PORTICO_LOG_FORMAT",
        default_value = "text",
        value_enum,
        ignore_case = true
    )]
    pub log_format: LogFormat,

    /// Directory holding the console's compiled assets (`pkg/`); defaults to `site/` next to
    /// the binary, or `target/site` in a source checkout.
    #[arg(long, env = "PORTICO_SITE_ROOT")]
    pub site_root: Option<PathBuf>,

    /// Name of the account created on first start.
    #[arg(long, env = "PORTICO_ACCOUNT", default_value = "portico", value_parser = parse_account)]
    pub account: String,

    /// Password of the `admin` user created on first start; generated and logged once if unset.
    #[arg(long, env = "PORTICO_ADMIN_PASSWORD", hide_env_values = true, value_parser = parse_admin_password)]
    pub admin_password: Option<String>,

    /// Key that encrypts stored secrets (64 hex characters). Unset: `<data dir>/master.key`,
    /// created on first start. Every process sharing one database needs the same key.
    #[arg(long, env = "PORTICO_MASTER_KEY", hide_env_values = true, value_parser = parse_master_key)]
    pub master_key: Option<String>,

    /// Minutes without activity after which a console session ends.
    #[arg(long, env = "PORTICO_SESSION_IDLE_MINUTES", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub session_idle_minutes: u32,

    /// Hours after sign-in after which a console session ends, active or not.
    #[arg(long, env = "PORTICO_SESSION_MAX_HOURS", default_value_t = 12,
          value_parser = clap::value_parser!(u32).range(1..=168))]
    pub session_max_hours: u32,

    /// Seconds a request head may take from its first byte to its last, on every listener.
    #[arg(long, env = "PORTICO_HEADER_TIMEOUT", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=600))]
    pub header_timeout: u32,

    /// Seconds a connection may wait for its next request (after it is accepted or its
    /// last answer is sent) before it is closed, on every listener.
    #[arg(long, env = "PORTICO_KEEP_ALIVE_TIMEOUT", default_value_t = 60,
          value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub keep_alive_timeout: u32,

    /// Most connections the gateway holds open at once, across all its ports; more wait
    /// until one closes.
    #[arg(long, env = "PORTICO_GATEWAY_MAX_CONNECTIONS", default_value_t = 4096,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub gateway_max_connections: u32,

    /// Most connections the console listener holds open at once; more wait until one
    /// closes.
    #[arg(long, env = "PORTICO_CONSOLE_MAX_CONNECTIONS", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub console_max_connections: u32,

    /// Most access keys whose signature failures are counted at once (only keys that
    /// exist are counted); past it, further keys share a fixed set of counters.
    #[arg(long, env = "PORTICO_SIGNATURE_FAILURE_KEYS", default_value_t = 100_000,
          value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub signature_failure_keys: u32,

    /// Mark session cookies `Secure` (set when the console is served over HTTPS).
    #[arg(long, env = "PORTICO_SECURE_COOKIES", default_value_t = false, action = clap::ArgAction::Set,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub secure_cookies: bool,
}

impl Settings {
    /// What one listener allows its clients, capped at `connections`.
    pub fn client_limits(&self, connections: u32) -> crate::listen::ClientLimits {
        crate::listen::ClientLimits::new(
            std::time::Duration::from_secs(self.header_timeout.into()),
            std::time::Duration::from_secs(self.keep_alive_timeout.into()),
            connections as usize,
        )
    }

    /// Checks that need more than one setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.console_addr.port() != 0 && self.console_addr == self.gateway_addr {
            return Err(format!(
                "console address and gateway address are both {}: give them different ports (--console-addr / PORTICO_CONSOLE_ADDR, --gateway-addr / PORTICO_GATEWAY_ADDR)",
                self.console_addr
            ));
        }
        if self.session_max_hours * 60 < self.session_idle_minutes {
            return Err(format!(
                "the session idle timeout ({} minutes) is longer than the absolute session lifetime ({} hours): lower PORTICO_SESSION_IDLE_MINUTES or raise PORTICO_SESSION_MAX_HOURS",
                self.session_idle_minutes, self.session_max_hours
            ));
        }
        Ok(())
    }

    /// The master key: the flag, else the key file in the data directory (created once).
    pub fn load_master_key(&self) -> Result<app::services::secrets::MasterKey, String> {
        match &self.master_key {
            Some(hex) => app::services::secrets::MasterKey::from_hex(hex),
            None => {
                std::fs::create_dir_all(&self.data_dir)
                    .map_err(|e| format!("creating {}: {e}", self.data_dir.display()))?;
                app::services::secrets::MasterKey::load_or_create(&self.data_dir.join("master.key"))
            }
        }
    }

    /// Where the console's assets are: the flag, else `site/` beside the binary, else
    /// `target/site` (a source checkout built by cargo-leptos).
    pub fn resolved_site_root(&self) -> PathBuf {
        if let Some(root) = &self.site_root {
            return root.clone();
        }
        let beside_binary = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join("site")))
            .filter(|dir| dir.join("pkg").is_dir());
        beside_binary.unwrap_or_else(|| PathBuf::from("target/site"))
    }
}

fn parse_addr(value: &str) -> Result<SocketAddr, String> {
    value.parse().map_err(|_| {
        format!("'{value}' is not a listen address: write an IP address and a port, such as 127.0.0.1:3000 or [::1]:3000")
    })
}

fn parse_suffix(value: &str) -> Result<String, String> {
    let value = value.trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if value.len() > 200 || !value.contains('.') || !value.split('.').all(label_ok) {
        return Err(format!(
            "'{value}' is not a domain for group subdomains: write at least two labels of letters, digits and hyphens, such as apig.localhost or apis.example.com"
        ));
    }
    Ok(value)
}

fn parse_data_dir(value: &str) -> Result<PathBuf, String> {
    if value.trim().is_empty() {
        return Err("the data directory must not be empty".to_owned());
    }
    let path = PathBuf::from(value);
    if path.exists() && !path.is_dir() {
        return Err(format!("'{value}' exists and is not a directory"));
    }
    Ok(path)
}

fn parse_database_url(value: &str) -> Result<String, String> {
    let scheme_ok = value.starts_with("postgres://") || value.starts_with("postgresql://");
    if !scheme_ok {
        return Err("DATABASE_URL must be a PostgreSQL URL starting with postgres:// or postgresql://, such as postgres://portico:secret@localhost:5432/portico".to_owned());
    }
    Ok(value.to_owned())
}

fn parse_master_key(value: &str) -> Result<String, String> {
    app::services::secrets::MasterKey::from_hex(value)?;
    Ok(value.to_owned())
}

fn parse_account(value: &str) -> Result<String, String> {
    let valid_chars = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let starts_with_letter = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic());
    if !(1..=64).contains(&value.len()) || !valid_chars || !starts_with_letter {
        return Err(format!(
            "'{value}' is not a valid account name: use 1 to 64 letters, digits, hyphens or underscores, starting with a letter"
        ));
    }
    Ok(value.to_owned())
}

fn parse_admin_password(value: &str) -> Result<String, String> {
    let length = value.chars().count();
    if !(8..=128).contains(&length) {
        return Err(format!(
            "the admin password must have 8 to 128 characters (it has {length})"
        ));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<(Mode, Settings), String> {
        let cli = Cli::try_parse_from(std::iter::once("portico").chain(args.iter().copied()))
            .map_err(|e| e.to_string())?;
        let (mode, settings) = cli.into_parts();
        settings.validate()?;
        Ok((mode, settings))
    }

    #[test]
    fn defaults_serve_on_loopback() {
        let (mode, settings) = parse(&[]).unwrap();
        assert_eq!(mode, Mode::Serve);
        assert_eq!(settings.console_addr, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(settings.gateway_addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(settings.data_dir, PathBuf::from("./data"));
        assert_eq!(settings.log_format, LogFormat::Text);
        assert_eq!(settings.account, "portico");
        assert_eq!(settings.subdomain_suffix, "apig.localhost");
    }

    #[test]
    fn subdomain_suffix_is_a_domain() {
        let (_, settings) = parse(&["--subdomain-suffix", "APIs.Example.com."]).unwrap();
        assert_eq!(settings.subdomain_suffix, "apis.example.com");
        for bad in ["localhost", "bad_label.com", "-x.com", "a..b"] {
            let error = parse(&[&format!("--subdomain-suffix={bad}")]).unwrap_err();
            assert!(error.contains("apig.localhost"), "{bad}: {error}");
        }
    }

    #[test]
    fn subcommands_take_the_same_settings() {
        let (mode, settings) = parse(&["migrate", "--data-dir", "/tmp/x"]).unwrap();
        assert_eq!(mode, Mode::Migrate);
        assert_eq!(settings.data_dir, PathBuf::from("/tmp/x"));
        let (mode, _) = parse(&["serve", "--log-format", "JSON"]).unwrap();
        assert_eq!(mode, Mode::Serve);
    }

    #[test]
    fn bad_address_names_the_flag_and_the_expected_shape() {
        let error = parse(&["--console-addr", "localhost"]).unwrap_err();
        assert!(error.contains("--console-addr"), "{error}");
        assert!(error.contains("127.0.0.1:3000"), "{error}");
    }

    #[test]
    fn same_address_for_both_listeners_is_refused() {
        let error = parse(&[
            "--console-addr",
            "127.0.0.1:9000",
            "--gateway-addr",
            "127.0.0.1:9000",
        ])
        .unwrap_err();
        assert!(error.contains("different ports"), "{error}");
    }

    #[test]
    fn database_url_must_be_postgres() {
        let error = parse(&["--database-url", "mysql://x"]).unwrap_err();
        assert!(error.contains("postgres://"), "{error}");
        let (_, settings) = parse(&["--database-url", "postgresql://u@h/db"]).unwrap();
        assert_eq!(
            settings.database_url.as_deref(),
            Some("postgresql://u@h/db")
        );
    }

    #[test]
    fn log_format_is_text_or_json() {
        let error = parse(&["--log-format", "xml"]).unwrap_err();
        assert!(error.contains("text") && error.contains("json"), "{error}");
    }

    #[test]
    fn short_admin_password_is_refused() {
        let error = parse(&["--admin-password", "short"]).unwrap_err();
        assert!(error.contains("8 to 128"), "{error}");
    }

    #[test]
    fn account_name_rules() {
        assert!(parse(&["--account", "9lives"])
            .unwrap_err()
            .contains("starting with a letter"));
        assert!(parse(&["--account", "acme corp"]).is_err());
        assert!(parse(&["--account", "acme-corp_1"]).is_ok());
    }

    #[test]
    fn session_limits_are_bounded_and_consistent() {
        assert!(parse(&["--session-idle-minutes", "0"]).is_err());
        let error =
            parse(&["--session-idle-minutes", "600", "--session-max-hours", "2"]).unwrap_err();
        assert!(error.contains("PORTICO_SESSION_MAX_HOURS"), "{error}");
    }

    #[test]
    fn master_key_must_be_32_bytes_of_hex() {
        let error = parse(&["--master-key", "abc"]).unwrap_err();
        assert!(error.contains("64 hexadecimal"), "{error}");
        assert!(parse(&["--master-key", &"0f".repeat(32)]).is_ok());
    }

    #[test]
    fn data_dir_must_not_be_a_file() {
        let file = std::env::current_exe().unwrap();
        let error = parse(&["--data-dir", file.to_str().unwrap()]).unwrap_err();
        assert!(error.contains("not a directory"), "{error}");
    }
}
