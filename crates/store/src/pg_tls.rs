//! TLS to PostgreSQL, as the database URL's `sslmode` (and `sslrootcert`) ask — libpq's
//! parameters, honoured by sqlx over rustls with the `ring` provider.
//!
//! sqlx does the TLS; this module makes its outcome plain to the operator. With
//! `sslmode=require`, `verify-ca` or `verify-full` a server without TLS, or with a certificate
//! that does not verify, fails the start with [`StoreError::Tls`] naming the server, the mode
//! and the reason — never a silent connection in clear. And a server reached over the network
//! without certificate verification is worth a warning at start: `prefer` and `require`
//! encrypt but do not prove whom they talk to.

use crate::error::StoreError;
use sqlx::postgres::{PgConnectOptions, PgSslMode};
use std::net::IpAddr;

/// The URL's sslmode as libpq writes it.
fn mode_name(mode: PgSslMode) -> &'static str {
    match mode {
        PgSslMode::Disable => "disable",
        PgSslMode::Allow => "allow",
        PgSslMode::Prefer => "prefer",
        PgSslMode::Require => "require",
        PgSslMode::VerifyCa => "verify-ca",
        PgSslMode::VerifyFull => "verify-full",
    }
}

/// `host:port`, or the socket path, for messages (never the user or password).
fn server(opts: &PgConnectOptions) -> String {
    match opts.get_socket() {
        Some(dir) => dir.display().to_string(),
        None => format!("{}:{}", opts.get_host(), opts.get_port()),
    }
}

/// Whether the server is on this machine (a Unix socket or a loopback address).
fn is_local(opts: &PgConnectOptions) -> bool {
    let host = opts.get_host();
    opts.get_socket().is_some()
        || host.starts_with('/')
        || host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// What went wrong connecting: a TLS failure under a mode that requires TLS becomes
/// [`StoreError::Tls`]; anything else stays a database error.
pub(crate) fn connect_error(e: sqlx::Error, opts: &PgConnectOptions) -> StoreError {
    let mode = opts.get_ssl_mode();
    let required = matches!(
        mode,
        PgSslMode::Require | PgSslMode::VerifyCa | PgSslMode::VerifyFull
    );
    let reason = match &e {
        sqlx::Error::Tls(inner) => {
            let text = inner.to_string();
            Some(if text.contains("does not support TLS") {
                "the server does not offer TLS".to_string()
            } else {
                text
            })
        }
        sqlx::Error::Io(io) => io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            .map(|t| format!("the server's certificate was not accepted ({t})")),
        _ => None,
    };
    match reason {
        Some(reason) if required => StoreError::Tls {
            server: server(opts),
            mode: mode_name(mode),
            reason,
        },
        _ => StoreError::Database(e),
    }
}

/// Logs a warning when the server is reached over the network without verifying its
/// certificate (any sslmode but `verify-ca` and `verify-full`).
pub(crate) fn warn_if_unverified(opts: &PgConnectOptions) {
    let mode = opts.get_ssl_mode();
    if is_local(opts) || matches!(mode, PgSslMode::VerifyCa | PgSslMode::VerifyFull) {
        return;
    }
    tracing::warn!(
        server = %server(opts),
        sslmode = mode_name(mode),
        "PostgreSQL is reached over the network without verifying its certificate; add \
         sslmode=verify-full&sslrootcert=<CA file> to the database URL"
    );
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn opts(url: &str) -> PgConnectOptions {
        PgConnectOptions::from_str(url).unwrap()
    }

    #[test]
    fn only_a_tls_failure_under_a_mode_that_requires_tls_is_a_tls_error() {
        let none = || sqlx::Error::Tls("server does not support TLS".into());
        let e = connect_error(
            none(),
            &opts("postgres://u@db.example.com/x?sslmode=require"),
        );
        let text = e.to_string();
        assert!(matches!(e, StoreError::Tls { .. }), "{e:?}");
        assert!(text.contains("db.example.com:5432"), "{text}");
        assert!(text.contains("sslmode=require"), "{text}");
        assert!(text.contains("does not offer TLS"), "{text}");
        assert!(text.contains("nothing was sent in clear"), "{text}");
        let e = connect_error(
            none(),
            &opts("postgres://u@db.example.com/x?sslmode=prefer"),
        );
        assert!(matches!(e, StoreError::Database(_)), "{e:?}");
        let e = connect_error(
            sqlx::Error::PoolTimedOut,
            &opts("postgres://u@db.example.com/x?sslmode=verify-full"),
        );
        assert!(matches!(e, StoreError::Database(_)), "{e:?}");
    }

    #[test]
    fn local_servers_are_recognised() {
        assert!(is_local(&opts("postgres://u@127.0.0.1/x")));
        assert!(is_local(&opts("postgres://u@localhost/x")));
        assert!(is_local(&opts("postgres://u@[::1]/x")));
        assert!(is_local(&opts(
            "postgres://u@db.example.com/x?host=/var/run/postgresql"
        )));
        assert!(!is_local(&opts("postgres://u@db.example.com/x")));
        assert!(!is_local(&opts("postgres://u@10.1.2.3/x")));
    }
}
