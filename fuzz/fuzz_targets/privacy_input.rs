//! The data-protection doors' parsers of outside input: the `Skydir-Signature` header and body
//! of a connector's callback, webhook URLs and secrets an operator pastes, the tokens of
//! mailed links, and the public request form's fields — reached by anyone on the internet.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skydir_core::privacy::ConnectorSecret;
use skydir_core::privacy::data_request::{RequestKind, check_details};
use skydir_core::privacy::erasure::check_url;
use skydir_core::privacy::inventory::DataCategory;
use skydir_core::privacy::webhook::verify;
use skydir_core::support::verification::token_hash;

fuzz_target!(|data: &[u8]| {
    let secret = ConnectorSecret::parse("fuzz-secret-0123456789abcdef0123456789").unwrap();
    let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
    // Split the input into a header and a body at the first newline.
    let (head, body) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    if let Ok(h) = std::str::from_utf8(head) {
        let _ = verify(&secret, h, body, now);
        let _ = check_url(h);
        let _ = ConnectorSecret::parse(h);
        let _ = token_hash(h);
        let _ = RequestKind::parse(h);
        let _ = DataCategory::parse(h);
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = check_details(s);
    }
});
