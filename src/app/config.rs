//! The server's settings (`hoithi serve`) and the database's (every command that opens one).
//! Each is a flag that also reads an environment variable; its default is written once, on the
//! flag (see [`crate::flags`]).

use std::net::IpAddr;
use std::path::PathBuf;

use anyhow::Context;

use crate::banks;
use crate::storage::Store;

/// Where the database is: every command that opens it takes these two flags, and no others
/// of the server's.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArgs {
    /// Folder for the SQLite database when DATABASE_URL is not set.
    #[arg(long, env = "HOITHI_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// sqlite://FILE or postgres://USER@HOST/DB; default: DATA_DIR/hoithi.db.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

impl DatabaseArgs {
    /// The database's URL (creating the data folder for SQLite).
    pub fn url(&self) -> anyhow::Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir).with_context(|| {
            format!(
                "Failed to create the data folder {}",
                self.data_dir.display()
            )
        })?;
        Ok(Store::sqlite_url(&self.data_dir.join("hoithi.db")))
    }

    /// Opens the database and brings its schema up to date.
    pub async fn open(&self) -> anyhow::Result<Store> {
        Store::open(&self.url()?).await
    }
}

/// Settings of `hoithi serve`; each flag also reads an environment variable.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on; 0.0.0.0 lets phones on the school's Wi-Fi reach the server.
    #[arg(long, env = "HOITHI_BIND", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Port to listen on (0: any free port).
    #[arg(long, env = "HOITHI_PORT", default_value_t = 8080)]
    pub port: u16,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Folder of bank files to load instead of the banks built into the binary.
    #[arg(long, env = "HOITHI_BANKS")]
    pub banks: Option<PathBuf>,
    /// Serve web/ from this folder instead of the built-in copy (for page development).
    #[arg(long, env = "HOITHI_WEB_DIR")]
    pub web_dir: Option<PathBuf>,
    /// The address players are told to open, e.g. http://192.168.1.20:8080.
    #[arg(long, env = "HOITHI_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Other origins allowed to open the WebSocket, comma-separated.
    #[arg(long, env = "HOITHI_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,
    #[command(flatten)]
    pub limits: crate::transport::limits::LimitsConfig,
    #[command(flatten)]
    pub imports: crate::banks::limits::ImportConfig,
    /// A file of extra banned nickname words, one per line.
    #[arg(long, env = "HOITHI_BANNED_WORDS")]
    pub banned_words: Option<PathBuf>,
    /// Redis for the leaderboards (redis://HOST:PORT); default: in-process leaderboards.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,
    /// This node's name when several nodes share one database and one Redis (REDIS_URL
    /// needed): a game is run by the node that opened it, and players may reach it from any
    /// node. Unset: a single node.
    #[arg(long, env = "HOITHI_NODE_NAME")]
    pub node_name: Option<String>,
    /// With several nodes: seconds an open game whose node is gone, and that no phone has come
    /// back to, stays open before it is marked interrupted (as long as an empty room waits).
    #[arg(long, env = "HOITHI_ORPHANED_GAME_SECS", default_value_t = 1800)]
    pub orphaned_game_secs: u64,
    /// Days the players, answers and nicknames of a finished game (and the names and answers of
    /// a Rung chuông vàng contest) are kept (a school year and a bit); 0 keeps them forever.
    #[arg(long, env = "HOITHI_RETENTION_DAYS", default_value_t = 400)]
    pub retention_days: u32,

    /// How often the contest's sweep runs (attempts past their deadline, closed rounds left
    /// without their standings). Not a setting: tests lengthen it to hold a state still.
    #[arg(skip = crate::contest::SWEEP_EVERY)]
    pub contest_sweep_every: std::time::Duration,

    /// Password for the first organizer account "admin" on a new database (default: a random
    /// one, printed once). Ignored, with a warning, once accounts exist: a lost password is
    /// reset with `hoithi admin reset-password`.
    #[arg(long, env = "HOITHI_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
}

impl Config {
    /// The defaults, as `hoithi serve` with no flags and no environment would have them.
    pub fn defaults() -> Config {
        crate::flags::defaults()
    }

    pub(super) fn bank_source(&self) -> banks::Source {
        self.banks
            .clone()
            .map_or(banks::Source::Bundled, banks::Source::Dir)
    }
}
