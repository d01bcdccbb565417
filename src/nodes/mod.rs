//! What several nodes sharing one PostgreSQL and one Redis need from each other (issue 18;
//! docs/architecture.md, «Several nodes»). Built so far: the room-ownership lease.

pub mod lease;
