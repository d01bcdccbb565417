//! The host screen: a task keeps reading it (a screen that stops reading is disconnected by
//! the server, as a real projector's would be) and hands the messages over.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use hoithi_loadtest::ws::{Stream, Ws};

pub struct Host {
    tx: SplitSink<Stream, Message>,
    rx: mpsc::UnboundedReceiver<Value>,
}

impl Host {
    pub async fn attach(addr: SocketAddr, cookie: Option<&str>, game: i64) -> anyhow::Result<Host> {
        let mut ws = Ws::connect(addr, cookie).await?;
        ws.send(&json!({"type": "host", "v": 1, "game": game}))
            .await?;
        ws.recv_type("welcome", Duration::from_secs(10))
            .await
            .context("the host screen got no welcome")?;
        let (tx, mut stream) = ws.stream.split();
        let (out, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Some(Ok(frame)) = stream.next().await {
                if let Ok(text) = frame.to_text() {
                    if let Ok(v) = serde_json::from_str::<Value>(text) {
                        if out.send(v).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Ok(Host { tx, rx })
    }

    /// Sends a host command (`start`, `next`…).
    pub async fn command(&mut self, ty: &str) -> anyhow::Result<()> {
        let text = json!({ "type": ty }).to_string();
        self.tx.send(Message::text(text)).await?;
        Ok(())
    }

    /// The next message of type `ty` before `deadline`, skipping others; an `error` fails.
    pub async fn wait_for(&mut self, ty: &str, deadline: Instant) -> anyhow::Result<Value> {
        loop {
            let msg = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .map_err(|_| anyhow::anyhow!("timed out waiting for `{ty}` on the host screen"))?
                .with_context(|| format!("the host screen was closed while waiting for `{ty}`"))?;
            if msg["type"] == ty {
                return Ok(msg);
            }
            if msg["type"] == "error" {
                anyhow::bail!("the host screen got an error while waiting for `{ty}`: {msg}");
            }
        }
    }
}
