//! Wiring: configuration, start-up (database, banks, first account), the server, and graceful
//! shutdown. `main.rs` parses the command line and calls in here; tests call [`start`] on
//! port 0 to run the real thing.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::watch;

mod banner;
mod config;

pub use config::{Config, DatabaseArgs};

use crate::banks;
use crate::engine::{Engine, GameCaps};
use crate::leaderboard::{Leaderboards, MemoryBoards, RedisBoards};
use crate::live_figures::LiveFigures;
use crate::nodes::Cluster;
use crate::rankings::feed::BoardFeed;
use crate::rankings::Rankings;
use crate::storage::{writer, Role, Store};
use crate::transport::serve::{self, total_connections, ServeConfig};
use crate::transport::{self, http::auth::hash_password, AppState, WebConfig};

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
    anyhow::ensure!(
        config.node_name.is_none() || config.redis_url.is_some(),
        "--node-name (HOITHI_NODE_NAME) cần REDIS_URL: các máy chủ trao đổi với nhau qua Redis. \
         / --node-name needs REDIS_URL: the nodes talk to each other through Redis"
    );
    let store = config.database.open().await?;
    // Several nodes: an open game may be another node's, alive; only one node is its judge.
    let interrupted = match config.node_name {
        None => store.interrupt_open_games().await?,
        Some(_) => 0,
    };
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
    if admin_password.is_none() && config.admin_password.is_some() {
        tracing::warn!(
            "--admin-password (HOITHI_ADMIN_PASSWORD) is ignored: this database has accounts \
             already; to set a new password run `hoithi admin reset-password USERNAME`"
        );
    }

    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let nodes = match (&config.node_name, &config.redis_url) {
        (Some(node), Some(url)) => {
            let cluster = Cluster::connect(url, node, shutdown_rx.clone()).await?;
            tracing::info!(node, "one of several nodes");
            tokio::spawn(crate::nodes::orphans::sweep(
                cluster.clone(),
                store.clone(),
                Duration::from_secs(config.orphaned_game_secs),
                shutdown_rx.clone(),
            ));
            Some(cluster)
        }
        _ => None,
    };
    let cluster = nodes
        .clone()
        .map(|c| std::sync::Arc::new(c) as std::sync::Arc<dyn crate::engine::Elsewhere>);
    if config.retention_days > 0 {
        tokio::spawn(purge_daily(
            store.clone(),
            config.retention_days,
            shutdown_rx.clone(),
        ));
    }
    let (writer, writer_task) = writer::spawn(store.clone());
    let feed = BoardFeed::spawn_with_events(rankings.boards().clone(), store.clone());
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
        cluster,
    );
    // Listening first: the pages' join address depends on where (transport/lan.rs).
    let listener = listen(SocketAddr::new(config.bind, config.port))
        .with_context(|| format!("Failed to listen on {}:{}", config.bind, config.port))?;
    let addr = listener.local_addr()?;
    let web = WebConfig {
        web_dir: config.web_dir.clone(),
        banks: config.bank_source(),
        public_url: config.public_url.clone(),
        listen: addr,
        allowed_origins: config.allowed_origins.clone(),
        limits: config.limits.clone(),
        imports: config.imports.clone(),
        banned_words: match &config.banned_words {
            Some(path) => std::fs::read_to_string(path).with_context(|| {
                format!("Failed to read the banned words in {}", path.display())
            })?,
            None => String::new(),
        },
        contest_sweep_every: config.contest_sweep_every,
    };
    let mut state = AppState::new(engine.clone(), rankings, web, shutdown_rx.clone());
    if let (Some(node), Some(url)) = (&config.node_name, &config.redis_url) {
        // Several nodes: the dashboard's live figures are summed over them in Redis.
        let figures = LiveFigures::shared(url, node, shutdown_rx.clone()).await?;
        state = state.with_live_figures(figures);
    }
    let app = transport::router(state);
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
        if let Some(nodes) = nodes {
            // The other nodes' phones get their `bye` and the leases go, so another node may
            // take the games over at once rather than when the leases run out.
            if tokio::time::timeout(Duration::from_secs(5), nodes.wait_closed())
                .await
                .is_err()
            {
                tracing::error!("the games' bridges to the other nodes did not end within 5 s");
            }
        }
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
    let lan = if running.addr.ip().is_unspecified() {
        crate::transport::lan::lan_addresses()
    } else {
        Vec::new()
    };
    for line in banner::lines(running.addr, &lan) {
        println!("{line}");
    }
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

/// Empties games and stage contests older than the retention limit, at start and then once a
/// day.
async fn purge_daily(store: Store, days: u32, mut shutdown: watch::Receiver<bool>) {
    let day = std::time::Duration::from_secs(24 * 3600);
    loop {
        let cutoff = crate::storage::unix_ms() - i64::from(days) * day.as_millis() as i64;
        match store.purge_games_before(cutoff).await {
            Ok(0) => {}
            Ok(games) => tracing::info!(games, days, "old games' players and answers deleted"),
            Err(e) => tracing::error!(error = %e, "deleting old games' data failed"),
        }
        match store.purge_bells_before(cutoff).await {
            Ok(0) => {}
            Ok(contests) => tracing::info!(
                contests,
                days,
                "old stage contests' names and answers deleted"
            ),
            Err(e) => tracing::error!(error = %e, "deleting old stage contests' data failed"),
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
            .upsert_bank(bank, "bundled", "approved", None)
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
pub fn random_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..12)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}
