//! The WebSocket protocol, version 1: the contract with `web/` and `loadtest/`, documented
//! with an example of every message in `docs/protocol.md` (a test decodes each example).
//! Client messages are strict: unknown types and fields are refused. Server messages borrow
//! from the room's state, so a broadcast is serialized once and shared by every connection.

pub mod bell;
mod client;
mod errors;
mod server;

pub use client::{decode, ClientMsg};
pub use errors::ErrorCode;
pub use server::*;

/// The protocol version this server speaks.
pub const VERSION: u32 = 1;

/// Largest frame or message accepted from a client.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024;

/// A serialized server message, cheap to clone into many outboxes.
pub type Text = axum::extract::ws::Utf8Bytes;

/// Serializes a server message once.
pub fn encode(msg: &ServerMsg<'_>) -> Text {
    // Serializing plain structs of strings and numbers cannot fail.
    Text::from(serde_json::to_string(msg).expect("server messages always serialize"))
}

#[cfg(test)]
mod tests;
