//! TLS to PostgreSQL as the database URL asks (`sslmode`, `sslrootcert`), through
//! `Store::open`: against a stand-in server that answers the SSLRequest and, when it offers
//! TLS, shows a certificate of a test CA (always run), and against the test PostgreSQL when
//! `SKYDIR_TEST_DATABASE_URL` is set.

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use skydir_store::testing::{temp_store, test_database_url, with_database};
use skydir_store::{Backend, Kek, KeyringLocation, Store, StoreConfig, StoreError};
use sqlx::{Connection, PgConnection, Row};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The PostgreSQL protocol's SSLRequest: length 8, code 80877103.
const SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 4, 210, 22, 47];

/// A CA written to a PEM file, and a server certificate for `localhost` it signed.
struct Pki {
    _dir: tempfile::TempDir,
    ca_file: PathBuf,
    acceptor: tokio_rustls::TlsAcceptor,
}

fn pki() -> Pki {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "skydir test database CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(cert.der().to_vec())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("db-ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    Pki {
        _dir: dir,
        ca_file,
        acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
    }
}

/// What the stand-in server saw of its one client.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Seen {
    /// The client began with an SSLRequest.
    ssl_request: bool,
    /// Bytes the client sent in clear after the server's answer (a StartupMessage would carry
    /// the user name).
    clear_after_answer: Vec<u8>,
    /// The StartupMessage arrived inside TLS.
    startup_over_tls: bool,
}

/// A server on 127.0.0.1 that answers the SSLRequest with `S` and a TLS handshake when
/// `tls` is given, else with `N`; then reads what the client sends and hangs up.
async fn stand_in(tls: Option<tokio_rustls::TlsAcceptor>) -> (u16, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let record = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let record = Arc::clone(&record);
            let tls = tls.clone();
            tokio::spawn(async move {
                let mut first = [0u8; 8];
                if stream.read_exact(&mut first).await.is_err() {
                    return;
                }
                record.lock().unwrap().ssl_request = first == SSL_REQUEST;
                match tls {
                    None => {
                        let _ = stream.write_all(b"N").await;
                        let mut rest = Vec::new();
                        let _ = tokio::time::timeout(
                            std::time::Duration::from_secs(2),
                            stream.read_to_end(&mut rest),
                        )
                        .await;
                        record.lock().unwrap().clear_after_answer.extend(rest);
                    }
                    Some(acceptor) => {
                        let _ = stream.write_all(b"S").await;
                        let Ok(mut tls) = acceptor.accept(stream).await else {
                            return;
                        };
                        let mut startup = [0u8; 64];
                        if let Ok(n) = tls.read(&mut startup).await {
                            let body = &startup[..n];
                            let user = body.windows(12).any(|w| w == b"user\0skydir\0");
                            record.lock().unwrap().startup_over_tls = user;
                        }
                    }
                }
            });
        }
    });
    (port, seen)
}

fn config(url: String) -> StoreConfig {
    StoreConfig {
        database_url: url,
        keyring: KeyringLocation::PostgresSchema("skydir_keyring".into()),
        kek: Kek::from_bytes([7; 32]),
        max_connections: 1,
    }
}

async fn open(url: String) -> Result<Store, StoreError> {
    tokio::time::timeout(std::time::Duration::from_secs(20), Store::open(config(url)))
        .await
        .expect("the connection attempt ends")
}

#[tokio::test]
async fn sslmode_require_refuses_a_server_without_tls_and_sends_nothing_in_clear() {
    for mode in ["require", "verify-ca", "verify-full"] {
        let (port, seen) = stand_in(None).await;
        let err = open(format!(
            "postgres://skydir@localhost:{port}/skydir?sslmode={mode}"
        ))
        .await
        .unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, StoreError::Tls { .. }), "{mode}: {err:?}");
        assert!(
            text.contains(&format!("sslmode={mode}"))
                && text.contains("does not offer TLS")
                && text.contains(&format!("localhost:{port}")),
            "{text}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let seen = seen.lock().unwrap().clone();
        assert!(seen.ssl_request, "{mode}: the client asked for TLS first");
        assert!(
            !seen.clear_after_answer.windows(6).any(|w| w == b"skydir"),
            "{mode}: the client went on in clear: {seen:?}"
        );
    }
    // Without a mode that requires it, the same server is spoken to in clear (libpq's
    // `prefer`): the test sees the user name go by — which is why the guide says to set one.
    let (port, seen) = stand_in(None).await;
    let err = open(format!("postgres://skydir@localhost:{port}/skydir"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(
        seen.lock()
            .unwrap()
            .clear_after_answer
            .windows(6)
            .any(|w| w == b"skydir"),
        "prefer falls back to clear text"
    );
}

#[tokio::test]
async fn verify_full_trusts_only_the_ca_of_sslrootcert_and_the_servers_name() {
    let ours = pki();
    let other = pki();

    // The right CA and name: the StartupMessage goes inside TLS.
    let (port, seen) = stand_in(Some(ours.acceptor.clone())).await;
    let url = format!(
        "postgres://skydir@localhost:{port}/skydir?sslmode=verify-full&sslrootcert={}",
        ours.ca_file.display()
    );
    assert!(open(url).await.is_err(), "the stand-in is no database");
    assert!(
        seen.lock().unwrap().startup_over_tls,
        "the client verified the certificate and spoke inside TLS"
    );

    // Another CA: refused before anything is sent.
    let (port, seen) = stand_in(Some(ours.acceptor.clone())).await;
    let url = format!(
        "postgres://skydir@localhost:{port}/skydir?sslmode=verify-full&sslrootcert={}",
        other.ca_file.display()
    );
    let err = open(url).await.unwrap_err();
    assert!(matches!(err, StoreError::Tls { .. }), "{err:?}");
    assert!(err.to_string().contains("certificate"), "{err}");
    assert!(!seen.lock().unwrap().startup_over_tls);

    // The right CA but a name the certificate is not for: verify-full refuses, verify-ca
    // (which checks the chain only) goes ahead.
    let (port, seen) = stand_in(Some(ours.acceptor.clone())).await;
    let url = format!(
        "postgres://skydir@127.0.0.1:{port}/skydir?sslmode=verify-full&sslrootcert={}",
        ours.ca_file.display()
    );
    let err = open(url).await.unwrap_err();
    assert!(matches!(err, StoreError::Tls { .. }), "{err:?}");
    assert!(!seen.lock().unwrap().startup_over_tls);
    let (port, seen) = stand_in(Some(ours.acceptor.clone())).await;
    let url = format!(
        "postgres://skydir@127.0.0.1:{port}/skydir?sslmode=verify-ca&sslrootcert={}",
        ours.ca_file.display()
    );
    assert!(open(url).await.is_err());
    assert!(seen.lock().unwrap().startup_over_tls);
}

/// The test PostgreSQL: whether its backends for our connections use TLS, from the server's
/// own `pg_stat_ssl`.
async fn ssl_of_backends(admin_url: &str, db: &str) -> Vec<bool> {
    let mut admin = PgConnection::connect(admin_url).await.unwrap();
    let rows = sqlx::query(
        "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid \
         WHERE a.datname = $1",
    )
    .bind(db)
    .fetch_all(&mut admin)
    .await
    .unwrap();
    let _ = admin.close().await;
    rows.iter().map(|r| r.get::<bool, _>(0)).collect()
}

#[tokio::test]
async fn sslmode_require_against_the_test_postgresql_is_tls_or_a_clear_refusal() {
    let Some(admin_url) = test_database_url() else {
        return;
    };
    let t = temp_store(Backend::Postgres).await.unwrap();
    t.store.close().await;
    let db = t
        .config
        .database_url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let plain_admin = with_param(&admin_url, "sslmode=disable");
    let mut probe = PgConnection::connect(&plain_admin).await.unwrap();
    let server_tls: String = sqlx::query_scalar("SHOW ssl")
        .fetch_one(&mut probe)
        .await
        .unwrap();
    let _ = probe.close().await;

    let url = with_param(&with_database(&admin_url, &db).unwrap(), "sslmode=require");
    let opened = Store::open(StoreConfig {
        database_url: url,
        ..t.config.clone()
    })
    .await;
    if server_tls == "on" {
        let store = opened.expect("sslmode=require opens over TLS");
        store.ping().await.unwrap();
        let ssl = ssl_of_backends(&plain_admin, &db).await;
        assert!(!ssl.is_empty() && ssl.iter().all(|s| *s), "{ssl:?}");
        store.close().await;
        // The same query sees clear text when the URL disables TLS: it can tell them apart.
        let url = with_param(&with_database(&admin_url, &db).unwrap(), "sslmode=disable");
        let store = Store::open(StoreConfig {
            database_url: url,
            ..t.config.clone()
        })
        .await
        .unwrap();
        let ssl = ssl_of_backends(&plain_admin, &db).await;
        assert!(!ssl.is_empty() && ssl.iter().all(|s| !*s), "{ssl:?}");
        store.close().await;
    } else {
        let err = opened.expect_err("sslmode=require refuses a server without TLS");
        assert!(matches!(err, StoreError::Tls { .. }), "{err:?}");
        assert!(err.to_string().contains("does not offer TLS"), "{err}");
    }
    t.cleanup().await.unwrap();
}

/// `url` with `param` added to its query (replacing any sslmode it had).
fn with_param(url: &str, param: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut parts: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("sslmode="))
        .collect();
    parts.push(param);
    format!("{base}?{}", parts.join("&"))
}
