//! Who owns a live room when several nodes share one Redis: a lease per room, held by one node
//! at a time, with an expiry so that a dead node's rooms can be taken over (the plan in
//! docs/architecture.md, «Several nodes»; issue 18).
//!
//! A lease is a Redis string `{prefix}owner:{name}` = `{node}/{epoch}` with a `PX` expiry. Every
//! grant takes the next number of `{prefix}owner-epoch:{name}`, which never goes back: a node
//! that was paused past its expiry (a long GC-like stall, a frozen VM) still believes it owns
//! the room, but its epoch is older than the new owner's, so whatever it writes under its epoch
//! can be refused ("fencing"). Renewing and releasing compare the whole value, in a script, so
//! a node can never extend or drop a lease that has passed to another.

use std::time::Duration;

use redis::aio::ConnectionManager;

/// Grants the lease when it is free, or to the node that holds it already (its epoch stays).
/// KEYS: owner, epoch counter. ARGV: node, ttl ms. Returns the epoch, or nil when another
/// node holds it.
const ACQUIRE: &str = r#"
local held = redis.call('GET', KEYS[1])
if held then
  local node, epoch = string.match(held, '^(.*)/(%d+)$')
  if node == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return tonumber(epoch)
  end
  return false
end
local epoch = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '/' .. epoch, 'PX', ARGV[2])
return epoch
"#;

/// Extends the lease only if it is still exactly this grant. KEYS: owner. ARGV: value, ttl ms.
const RENEW: &str = r#"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"#;

/// Drops the lease only if it is still exactly this grant. KEYS: owner. ARGV: value.
const RELEASE: &str = r#"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"#;

/// One grant of a lease: who holds it and under which epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub node: String,
    pub epoch: u64,
}

impl Grant {
    fn value(&self) -> String {
        format!("{}/{}", self.node, self.epoch)
    }

    fn parse(value: &str) -> Option<Grant> {
        let (node, epoch) = value.rsplit_once('/')?;
        Some(Grant {
            node: node.to_owned(),
            epoch: epoch.parse().ok()?,
        })
    }
}

/// The leases of one node.
#[derive(Clone)]
pub struct Leases {
    conn: ConnectionManager,
    prefix: String,
    node: String,
    ttl: Duration,
}

impl Leases {
    /// `node` names this node (unique among the nodes sharing the Redis; no `/` needed, as the
    /// epoch is read after the last one); `ttl` is how long a lease outlives its last renewal.
    pub fn new(conn: ConnectionManager, prefix: &str, node: &str, ttl: Duration) -> Leases {
        Leases {
            conn,
            prefix: prefix.to_owned(),
            node: node.to_owned(),
            ttl,
        }
    }

    pub fn node(&self) -> &str {
        &self.node
    }

    fn key(&self, name: &str) -> String {
        format!("{}owner:{name}", self.prefix)
    }

    fn ttl_ms(&self) -> u64 {
        self.ttl.as_millis().max(1) as u64
    }

    /// Takes the lease of `name` if nobody holds it (a new epoch), or confirms it if this node
    /// does (the same epoch, the expiry pushed back). `None`: another node holds it.
    pub async fn acquire(&self, name: &str) -> redis::RedisResult<Option<Grant>> {
        // EVAL, not EVALSHA: a few short scripts, a call a second per room at most.
        let epoch: Option<u64> = redis::cmd("EVAL")
            .arg(ACQUIRE)
            .arg(2)
            .arg(self.key(name))
            .arg(format!("{}owner-epoch:{name}", self.prefix))
            .arg(&self.node)
            .arg(self.ttl_ms())
            .query_async(&mut self.conn.clone())
            .await?;
        Ok(epoch.map(|epoch| Grant {
            node: self.node.clone(),
            epoch,
        }))
    }

    /// Pushes the expiry back; `false` when the grant is no longer held (expired, or taken
    /// over): the owner must stop acting for the room at once.
    pub async fn renew(&self, name: &str, grant: &Grant) -> redis::RedisResult<bool> {
        let renewed: i64 = redis::cmd("EVAL")
            .arg(RENEW)
            .arg(1)
            .arg(self.key(name))
            .arg(grant.value())
            .arg(self.ttl_ms())
            .query_async(&mut self.conn.clone())
            .await?;
        Ok(renewed == 1)
    }

    /// Gives the lease up (a room that ends); `false` when it was not held any more.
    pub async fn release(&self, name: &str, grant: &Grant) -> redis::RedisResult<bool> {
        let released: i64 = redis::cmd("EVAL")
            .arg(RELEASE)
            .arg(1)
            .arg(self.key(name))
            .arg(grant.value())
            .query_async(&mut self.conn.clone())
            .await?;
        Ok(released == 1)
    }

    /// Who holds the lease of `name` now, if anyone.
    pub async fn holder(&self, name: &str) -> redis::RedisResult<Option<Grant>> {
        let value: Option<String> = redis::cmd("GET")
            .arg(self.key(name))
            .query_async(&mut self.conn.clone())
            .await?;
        Ok(value.as_deref().and_then(Grant::parse))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redis_url() -> String {
        std::env::var("HOITHI_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
    }

    /// Two nodes on one real Redis, under a prefix of this test's own.
    async fn nodes(ttl: Duration) -> (Leases, Leases, String) {
        let client = redis::Client::open(redis_url()).unwrap();
        let conn = ConnectionManager::new(client)
            .await
            .unwrap_or_else(|e| panic!("Redis at {} is needed by these tests: {e}", redis_url()));
        let prefix = format!("hoithi-test-lease-{}:", rand::random::<u64>());
        (
            Leases::new(conn.clone(), &prefix, "node-a", ttl),
            Leases::new(conn, &prefix, "node-b", ttl),
            prefix,
        )
    }

    async fn clean(leases: &Leases, prefix: &str) {
        let mut conn = leases.conn.clone();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{prefix}*"))
            .query_async(&mut conn)
            .await
            .unwrap();
        if !keys.is_empty() {
            let _: () = redis::cmd("DEL")
                .arg(keys)
                .query_async(&mut conn)
                .await
                .unwrap();
        }
    }

    #[tokio::test]
    async fn one_node_holds_a_lease_and_the_other_takes_it_only_after_it_expires() {
        let (a, b, prefix) = nodes(Duration::from_millis(300)).await;
        let first = a.acquire("game-17").await.unwrap().expect("a free lease");
        assert_eq!(first.node, "node-a");
        assert_eq!(b.acquire("game-17").await.unwrap(), None, "held by a");
        assert_eq!(
            a.acquire("game-17").await.unwrap(),
            Some(first.clone()),
            "the holder keeps its epoch"
        );
        assert_eq!(b.holder("game-17").await.unwrap(), Some(first.clone()));
        assert!(a.renew("game-17", &first).await.unwrap());

        // a stops renewing (it died, or stalled): once the lease expires, b takes it over
        // under a newer epoch, and a can neither renew nor release b's lease.
        tokio::time::sleep(Duration::from_millis(450)).await;
        let second = b.acquire("game-17").await.unwrap().expect("expired, free");
        assert_eq!(second.node, "node-b");
        assert!(second.epoch > first.epoch, "{second:?} after {first:?}");
        assert!(!a.renew("game-17", &first).await.unwrap());
        assert!(!a.release("game-17", &first).await.unwrap());
        assert_eq!(a.holder("game-17").await.unwrap(), Some(second.clone()));

        // Released, it is free at once, and the next grant has a newer epoch still.
        assert!(b.release("game-17", &second).await.unwrap());
        assert_eq!(a.holder("game-17").await.unwrap(), None);
        let third = a.acquire("game-17").await.unwrap().unwrap();
        assert!(third.epoch > second.epoch);
        clean(&a, &prefix).await;
    }

    #[tokio::test]
    async fn renewing_keeps_a_lease_past_its_first_expiry_and_leases_are_per_room() {
        let (a, b, prefix) = nodes(Duration::from_millis(300)).await;
        let grant = a.acquire("game-1").await.unwrap().unwrap();
        for _ in 0..4 {
            tokio::time::sleep(Duration::from_millis(150)).await;
            assert!(a.renew("game-1", &grant).await.unwrap());
        }
        assert_eq!(b.acquire("game-1").await.unwrap(), None, "still a's");
        let other = b
            .acquire("game-2")
            .await
            .unwrap()
            .expect("another room is free");
        assert_eq!(other.node, "node-b");
        clean(&a, &prefix).await;
    }

    #[test]
    fn a_grant_reads_back_from_its_value_whatever_the_node_is_called() {
        let g = Grant {
            node: "hoithi/a:8080".into(),
            epoch: 42,
        };
        assert_eq!(Grant::parse(&g.value()), Some(g));
        assert_eq!(Grant::parse("no-epoch"), None);
        assert_eq!(Grant::parse("node/x"), None);
    }
}
