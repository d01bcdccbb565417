//! Clients of the hoithi protocol, shared by the load-test tool and the server's own
//! integration tests: a minimal HTTP/1.1 client and a WebSocket player.

pub mod http;
pub mod ws;
