//! Clients of the hoithi protocol, shared by the load-test tool and the server's own
//! integration tests: an HTTP/1.1 client (hyper's client connection) and a WebSocket player.

pub mod http;
pub mod ws;
