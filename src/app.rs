//! Wiring: configuration, start-up (database, banks, first account), the server, and graceful
//! shutdown. `main.rs` parses the command line and calls in here; tests call [`start`] on
//! port 0 to run the real thing.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::banks;
use crate::engine::{Engine, GameCaps};
use crate::leaderboard::{Leaderboards, MemoryBoards, RedisBoards};
use crate::rankings::feed::BoardFeed;
use crate::rankings::Rankings;
use crate::storage::{writer, Role, Store};
use crate::transport::serve::{self, total_connections, ServeConfig};
use crate::transport::{self, http::auth::hash_password, AppState, WebConfig};

/// Settings of `hoithi serve`; each flag also reads an environment variable.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on; 0.0.0.0 lets phones on the school's Wi-Fi reach the server.
    #[arg(long, env = "HOITHI_BIND", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Port to listen on (0: any free port).
    #[arg(long, env = "HOITHI_PORT", default_value_t = 8080)]
    pub port: u16,
    /// Folder for the SQLite database when DATABASE_URL is not set.
    #[arg(long, env = "HOITHI_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// sqlite://FILE or postgres://USER@HOST/DB; default: DATA_DIR/hoithi.db.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
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
    /// Days the players, answers and nicknames of a finished game are kept (a school year and a
    /// bit); 0 keeps them forever.
    #[arg(long, env = "HOITHI_RETENTION_DAYS", default_value_t = 400)]
    pub retention_days: u32,

    /// Password for the first organizer account "admin" (default: a random one, printed once).
    #[arg(long, env = "HOITHI_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
}

impl Config {
    /// The defaults, as `hoithi serve` with no flags and no environment would have them.
    pub fn defaults() -> Config {
        Config {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 8080,
            data_dir: PathBuf::from("data"),
            database_url: None,
            banks: None,
            web_dir: None,
            public_url: None,
            allowed_origins: Vec::new(),
            admin_password: None,
            retention_days: 400,
            redis_url: None,
            limits: Default::default(),
            imports: Default::default(),
            banned_words: None,
        }
    }

    fn database_url(&self) -> anyhow::Result<String> {
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

    fn bank_source(&self) -> banks::Source {
        self.banks
            .clone()
            .map_or(banks::Source::Bundled, banks::Source::Dir)
    }
}

/// A running server.
pub struct Running {
    pub addr: SocketAddr,
    pub store: Store,
    /// The first organizer's password, when this start created the account.
    pub admin_password: Option<String>,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Stops the server as SIGTERM does and waits until every accepted write is on disk.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(true);
        self.task.await.context("server task panicked")?
    }
}

/// Starts the server and returns once it is listening.
pub async fn start(config: Config) -> anyhow::Result<Running> {
    let store = Store::open(&config.database_url()?).await?;
    let interrupted = store.interrupt_open_games().await?;
    if interrupted > 0 {
        tracing::warn!(
            games = interrupted,
            "games left open by the previous run were marked interrupted"
        );
    }
    store
        .seed_communes()
        .await
        .context("Failed to load the communes")?;
    load_bundled_banks(&store, &config.bank_source()).await?;
    let rankings = Rankings::new(
        store.clone(),
        leaderboards(config.redis_url.as_deref()).await?,
    );
    if config.redis_url.is_some() {
        // Redis may have restarted empty or be new: the boards are an index of the database.
        let rankings = rankings.clone();
        tokio::spawn(async move {
            if let Err(e) = rebuild_all(&rankings).await {
                tracing::error!(error = %format!("{e:#}"), "rebuilding the leaderboards failed");
            }
        });
    }
    let admin_password = ensure_first_account(&store, config.admin_password.as_deref()).await?;

    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    if config.retention_days > 0 {
        tokio::spawn(purge_daily(
            store.clone(),
            config.retention_days,
            shutdown_rx.clone(),
        ));
    }
    let (writer, writer_task) = writer::spawn(store.clone());
    let feed = BoardFeed::spawn(rankings.boards().clone());
    let engine = Engine::new(
        store.clone(),
        writer,
        feed,
        GameCaps {
            per_account: config.limits.games_per_account,
            total: config.limits.games,
        },
        crate::transport::assets::IMAGE_BASE,
        shutdown_rx.clone(),
    );
    let web = WebConfig {
        web_dir: config.web_dir.clone(),
        banks: config.bank_source(),
        public_url: config.public_url.clone(),
        allowed_origins: config.allowed_origins.clone(),
        limits: config.limits.clone(),
        imports: config.imports.clone(),
        banned_words: match &config.banned_words {
            Some(path) => std::fs::read_to_string(path).with_context(|| {
                format!("Failed to read the banned words in {}", path.display())
            })?,
            None => String::new(),
        },
    };
    let app = transport::router(AppState::new(
        engine.clone(),
        rankings,
        web,
        shutdown_rx.clone(),
    ));
    let listener = listen(SocketAddr::new(config.bind, config.port))
        .with_context(|| format!("Failed to listen on {}:{}", config.bind, config.port))?;
    let addr = listener.local_addr()?;
    let serving = ServeConfig {
        connections_per_address: config.limits.connections_per_address,
        connections: total_connections(config.limits.connections),
        header_read_timeout: config.limits.header_read_timeout(),
        trusted_proxies: config.limits.trusted_proxies.clone(),
    };
    tracing::info!(%addr, connections = serving.connections, "hoithi is listening");

    let stop = shutdown_rx.clone();
    let task = tokio::spawn(async move {
        serve::run(listener, app, serving, stop).await;
        // Rooms say goodbye and queue their last rows; then the writer drains and ends.
        engine.wait_closed().await;
        drop(engine);
        match tokio::time::timeout(Duration::from_secs(30), writer_task).await {
            Ok(_) => tracing::info!("all writes are on disk"),
            Err(_) => tracing::error!("the database writer did not finish within 30 s"),
        }
        Ok(())
    });
    Ok(Running {
        addr,
        store,
        admin_password,
        shutdown: shutdown_tx,
        task,
    })
}

/// Runs until SIGTERM or Ctrl-C, then shuts down gracefully.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let running = start(config).await?;
    if let Some(password) = &running.admin_password {
        println!();
        println!("  Tài khoản quản trị đầu tiên / first organizer account");
        println!("    tên đăng nhập: admin");
        println!("    mật khẩu:      {password}   (chỉ hiện một lần / shown once)");
        println!();
    }
    println!("  hoithi: http://{}/  (người chơi / players)", running.addr);
    println!(
        "          http://{}/admin.html  (giáo viên / teachers)",
        running.addr
    );
    wait_for_signal().await;
    tracing::info!("shutting down");
    running.stop().await
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// Command-line tools that work on the database and the leaderboards without serving.
pub mod tools {
    use std::time::Instant;

    use anyhow::Context;

    use super::{leaderboards, Config};
    use crate::rankings::Rankings;
    use crate::storage::{now_ms, Store};

    async fn open(config: &Config) -> anyhow::Result<Rankings> {
        let store = Store::open(&config.database_url()?).await?;
        store.seed_communes().await?;
        Ok(Rankings::new(
            store,
            leaderboards(config.redis_url.as_deref()).await?,
        ))
    }

    pub async fn rebuild(config: Config, mut contexts: Vec<String>) -> anyhow::Result<()> {
        let rankings = open(&config).await?;
        if contexts.is_empty() {
            contexts = rankings.store().result_contexts().await?;
        }
        for name in contexts {
            let context: crate::domain::context::Context = name
                .parse()
                .with_context(|| format!("{name:?} is not a ranking context"))?;
            let started = Instant::now();
            let n = rankings
                .rebuild(&context)
                .await
                .with_context(|| format!("Failed to rebuild {context}"))?;
            println!(
                "{context}: {n} results, every board rebuilt in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        Ok(())
    }

    pub async fn demo_seed(
        config: Config,
        schools: usize,
        students: usize,
        results: Option<String>,
        share: f64,
        seed: u64,
    ) -> anyhow::Result<()> {
        let rankings = open(&config).await?;
        let store = rankings.store();
        let communes: Vec<String> = store
            .communes()
            .await?
            .into_iter()
            .map(|c| c.code)
            .collect();
        let started = Instant::now();
        let province = crate::demo::province(&communes, schools, students, seed);
        store.upsert_schools(&province.schools).await?;
        let total = province.students.len();
        for (i, chunk) in province.students.chunks(50_000).enumerate() {
            store.upsert_students(chunk).await?;
            // A progress line per 50,000 students: a big roster takes a while.
            eprintln!("students: {}/{total}", ((i + 1) * 50_000).min(total));
        }
        println!(
            "{} schools and {total} students in {:.1} s",
            province.schools.len(),
            started.elapsed().as_secs_f64()
        );
        if let Some(context) = results {
            let rows = crate::demo::results(&province.students, share, seed + 1, now_ms());
            let started = Instant::now();
            store.upsert_results(&context, &rows).await?;
            println!(
                "{} results of {context} stored in {:.1} s",
                rows.len(),
                started.elapsed().as_secs_f64()
            );
            let started = Instant::now();
            rankings.rebuild(&context.parse()?).await?;
            println!(
                "boards of {context} built in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        Ok(())
    }
}

/// Connections the kernel may hold before the server accepts them. The standard 128 overflows
/// when a class of 40 and a province event's thousands press «Vào» in the same second: each
/// dropped SYN costs the phone a 1 s retransmit (the load test saw join p99 ≈ 1.05 s).
/// The kernel caps it at `net.core.somaxconn` (4096 on current Linux).
const LISTEN_BACKLOG: u32 = 4096;

fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // As std's bind does: a restarted server must not wait for old connections' TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Empties games older than the retention limit, at start and then once a day.
async fn purge_daily(store: Store, days: u32, mut shutdown: watch::Receiver<bool>) {
    let day = std::time::Duration::from_secs(24 * 3600);
    loop {
        let cutoff = crate::storage::now_ms() - i64::from(days) * day.as_millis() as i64;
        match store.purge_games_before(cutoff).await {
            Ok(0) => {}
            Ok(games) => tracing::info!(games, days, "old games' players and answers deleted"),
            Err(e) => tracing::error!(error = %e, "deleting old games' data failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(day) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// The leaderboards: Redis when configured (checked to be safe to use), else in-process.
pub async fn leaderboards(redis_url: Option<&str>) -> anyhow::Result<Leaderboards> {
    let Some(url) = redis_url else {
        return Ok(Leaderboards::Memory(MemoryBoards::new()));
    };
    let client = ::redis::Client::open(url).context("Failed to parse REDIS_URL")?;
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .with_context(|| format!("Failed to connect to Redis at {url}"))?;
    let policy: Vec<String> = ::redis::cmd("CONFIG")
        .arg("GET")
        .arg("maxmemory-policy")
        .query_async(&mut conn)
        .await?;
    if let Some(policy) = policy.get(1) {
        // An allkeys-* policy may evict leaderboard keys under memory pressure: boards would
        // silently lose players. Refuse, and say what to set.
        anyhow::ensure!(
            !policy.starts_with("allkeys"),
            "Redis tại {url} có maxmemory-policy {policy}: khi đầy bộ nhớ, Redis có thể xoá \
             khoá của bảng xếp hạng; hãy đặt noeviction. / Redis at {url} has \
             maxmemory-policy {policy}, which may evict leaderboard keys; set it to noeviction \
             (redis-cli CONFIG SET maxmemory-policy noeviction)"
        );
    }
    Ok(Leaderboards::Redis(
        RedisBoards::connect(url, "hoithi:").await?,
    ))
}

/// Rebuilds the boards of every context that has results.
pub async fn rebuild_all(rankings: &Rankings) -> anyhow::Result<usize> {
    let mut total = 0;
    for name in rankings.store().result_contexts().await? {
        match name.parse() {
            Ok(context) => total += rankings.rebuild(&context).await?,
            Err(_) => tracing::warn!(context = %name, "results under a name that is no context"),
        }
    }
    Ok(total)
}

async fn load_bundled_banks(store: &Store, source: &banks::Source) -> anyhow::Result<()> {
    let (banks, issues) = banks::load(source)?;
    for issue in &issues {
        tracing::warn!(%issue, "bank issue");
    }
    for (_, bank) in &banks {
        store
            .upsert_bank(bank, "bundled", "approved")
            .await
            .with_context(|| format!("Failed to store bank {}", bank.id))?;
    }
    tracing::info!(
        banks = banks.len(),
        questions = banks.iter().map(|(_, b)| b.questions.len()).sum::<usize>(),
        "banks loaded"
    );
    Ok(())
}

/// On a new database, creates the organizer account `admin` and returns its password.
async fn ensure_first_account(
    store: &Store,
    password: Option<&str>,
) -> anyhow::Result<Option<String>> {
    if store.count_accounts().await? > 0 {
        return Ok(None);
    }
    let password = password.map(str::to_owned).unwrap_or_else(random_password);
    let created = store
        .create_account(
            "admin",
            "Quản trị viên",
            Role::Organizer,
            None,
            &hash_password(&password)?,
        )
        .await?;
    anyhow::ensure!(
        created != crate::storage::Inserted::Taken,
        "another server created the account admin at the same moment; start again"
    );
    Ok(Some(password))
}

/// 12 characters without look-alikes (no 0/O, 1/l/I), easy to type from a projector.
fn random_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..12)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}
