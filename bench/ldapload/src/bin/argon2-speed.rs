//! `argon2-speed`: milliseconds per Argon2 hash with the Rust `argon2` crate skydir uses, at
//! the parameters given, for comparing with Debian's libargon2 (which slapd's argon2 module
//! links) in `bench/argon2/compare.sh`. Prints one line per variant.

use anyhow::Context;
use argon2::{Algorithm, Argon2, Params, Version};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let args: Vec<u32> = std::env::args()
        .skip(1)
        .map(|a| a.parse::<u32>().context("usage: argon2-speed M_KIB T P N"))
        .collect::<anyhow::Result<_>>()?;
    let [m, t, p, n] = args[..] else {
        anyhow::bail!("usage: argon2-speed M_KIB T P N");
    };
    let params = Params::new(m, t, p, Some(32)).map_err(|e| anyhow::anyhow!("{e}"))?;
    for (name, alg) in [
        ("argon2i", Algorithm::Argon2i),
        ("argon2id", Algorithm::Argon2id),
    ] {
        let a = Argon2::new(alg, Version::V0x13, params.clone());
        let mut out = [0u8; 32];
        let start = Instant::now();
        for _ in 0..n {
            a.hash_password_into(b"bench password", b"saltsaltsaltsalt", &mut out)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        let ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(n.max(1));
        println!("rust-argon2 {name}: {ms:.2} ms/hash");
    }
    Ok(())
}
