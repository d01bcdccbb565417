//! Redis pub/sub against Redis streams as the bus between nodes (issue 18 asks for the choice
//! to be made with measurements). The bus carries two shapes of message, timed here with each
//! transport, one after the other, against one Redis:
//!
//! - **commands**: a relay's batch of answers for the owner, or an owner's receipts for a
//!   relay: small (`SMALL` bytes) and many, published as fast as they come;
//! - **deliveries**: a question for a node's 16,000 players (its text and the 16,000 connection
//!   numbers: `LARGE` bytes), a few a game.
//!
//! For each: the time from the producer's send to the consumer's read of the same message
//! (both in this process, one clock), p50 / p99 / max, and messages a second. Streams are read
//! as a node would read its own stream (`XREAD BLOCK` from the last id, on a connection of its
//! own) and trimmed (`MAXLEN ~ 10000`) as they would have to be.
//!
//! ```text
//! redis-server --port 6393 --save '' --appendonly no &
//! cargo run --release --example bus_cost -- redis://127.0.0.1:6393
//! ```

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use redis::aio::MultiplexedConnection;

const SMALL: usize = 300;
const LARGE: usize = 160_000;
const SMALL_COUNT: usize = 20_000;
const LARGE_COUNT: usize = 40;
const ROUNDS: usize = 3;

/// A payload of `size` bytes that starts with the send time (µs since `epoch`) and its number.
fn payload(epoch: Instant, n: usize, size: usize) -> Vec<u8> {
    let mut p = format!("{} {n} ", epoch.elapsed().as_micros()).into_bytes();
    p.resize(size, b'x');
    p
}

/// Microseconds from the send time written in `p` to now.
fn latency_us(epoch: Instant, p: &[u8]) -> u64 {
    let sent: u64 = std::str::from_utf8(&p[..p.iter().position(|&b| b == b' ').unwrap()])
        .unwrap()
        .parse()
        .unwrap();
    (epoch.elapsed().as_micros() as u64).saturating_sub(sent)
}

struct Figures {
    latencies: Vec<u64>,
    took: Duration,
}

impl Figures {
    fn line(mut self, what: &str) -> String {
        self.latencies.sort_unstable();
        let n = self.latencies.len();
        let at = |q: f64| self.latencies[((n as f64 * q) as usize).min(n - 1)] as f64 / 1000.0;
        format!(
            "{what:<28} n {n:>6}  p50 {:>8.2} ms  p99 {:>8.2} ms  max {:>8.2} ms  {:>9.0} msg/s",
            at(0.5),
            at(0.99),
            self.latencies[n - 1] as f64 / 1000.0,
            n as f64 / self.took.as_secs_f64()
        )
    }
}

async fn pubsub(client: &redis::Client, count: usize, size: usize) -> Figures {
    let channel = format!("bus-cost:{}", rand::random::<u32>());
    let mut sub = client.get_async_pubsub().await.unwrap();
    sub.subscribe(&channel).await.unwrap();
    let mut publisher = client.get_multiplexed_async_connection().await.unwrap();
    let epoch = Instant::now();
    let reader = tokio::spawn(async move {
        let mut stream = sub.on_message();
        let mut latencies = Vec::with_capacity(count);
        while latencies.len() < count {
            let msg = stream.next().await.expect("the subscription stays open");
            latencies.push(latency_us(epoch, msg.get_payload_bytes()));
        }
        latencies
    });
    let started = Instant::now();
    for n in 0..count {
        let _: i64 = redis::cmd("PUBLISH")
            .arg(&channel)
            .arg(payload(epoch, n, size))
            .query_async(&mut publisher)
            .await
            .unwrap();
    }
    let latencies = reader.await.unwrap();
    Figures {
        latencies,
        took: started.elapsed(),
    }
}

async fn streams(client: &redis::Client, count: usize, size: usize) -> Figures {
    let key = format!("bus-cost:{}", rand::random::<u32>());
    let mut producer = client.get_multiplexed_async_connection().await.unwrap();
    // The reader blocks in XREAD: a connection of its own, as a node's would be.
    let mut reader_conn: MultiplexedConnection =
        client.get_multiplexed_async_connection().await.unwrap();
    let epoch = Instant::now();
    let reader_key = key.clone();
    let reader = tokio::spawn(async move {
        let mut last = "0-0".to_owned();
        let mut latencies = Vec::with_capacity(count);
        while latencies.len() < count {
            let reply: redis::Value = redis::cmd("XREAD")
                .arg("COUNT")
                .arg(512)
                .arg("BLOCK")
                .arg(0)
                .arg("STREAMS")
                .arg(&reader_key)
                .arg(&last)
                .query_async(&mut reader_conn)
                .await
                .unwrap();
            for (id, data) in entries(reply) {
                latencies.push(latency_us(epoch, &data));
                last = id;
            }
        }
        latencies
    });
    let started = Instant::now();
    for n in 0..count {
        let _: String = redis::cmd("XADD")
            .arg(&key)
            .arg("MAXLEN")
            .arg("~")
            .arg(10_000)
            .arg("*")
            .arg("m")
            .arg(payload(epoch, n, size))
            .query_async(&mut producer)
            .await
            .unwrap();
    }
    let latencies = reader.await.unwrap();
    let _: i64 = redis::cmd("DEL")
        .arg(&key)
        .query_async(&mut producer)
        .await
        .unwrap();
    Figures {
        latencies,
        took: started.elapsed(),
    }
}

/// The (id, payload) pairs of an `XREAD` reply with one stream.
fn entries(reply: redis::Value) -> Vec<(String, Vec<u8>)> {
    use redis::Value;
    let streams = match reply {
        Value::Array(streams) => streams,
        Value::Map(pairs) => pairs
            .into_iter()
            .map(|(k, v)| Value::Array(vec![k, v]))
            .collect(),
        other => panic!("XREAD answered {other:?}"),
    };
    let mut out = Vec::new();
    for stream in streams {
        let Value::Array(mut parts) = stream else {
            continue;
        };
        let Some(Value::Array(items)) = parts.pop() else {
            continue;
        };
        for item in items {
            let Value::Array(mut pair) = item else {
                continue;
            };
            let (Some(Value::Array(mut fields)), Some(Value::BulkString(id))) =
                (pair.pop(), pair.pop())
            else {
                continue;
            };
            if let Some(Value::BulkString(data)) = fields.pop() {
                out.push((String::from_utf8(id).unwrap(), data));
            }
        }
    }
    out
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "redis://127.0.0.1:6379".into());
    let client = redis::Client::open(url.as_str()).unwrap();
    for round in 1..=ROUNDS {
        println!("round {round}");
        for (what, count, size) in [
            ("commands", SMALL_COUNT, SMALL),
            ("deliveries", LARGE_COUNT, LARGE),
        ] {
            let label = |t: &str| format!("{t} {what} ({} B)", size);
            println!(
                "  {}",
                pubsub(&client, count, size).await.line(&label("pub/sub"))
            );
            println!(
                "  {}",
                streams(&client, count, size).await.line(&label("stream"))
            );
        }
    }
}
