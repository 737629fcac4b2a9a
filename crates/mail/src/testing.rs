//! A test double for the mail relay: [`SmtpSink`], a small but real SMTP server.
//!
//! Tests of the delivery path — here and in the server's integration tests — need something
//! that speaks SMTP on a socket, keeps what it was sent, and can say "later" (451) or "never"
//! (550) on demand so retry logic can be driven. `SmtpSink` implements the subset of RFC 5321 a
//! client needs to deliver (EHLO/HELO, MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET,
//! NOOP, QUIT), listens on `127.0.0.1` on a free port, and stops when dropped.
//!
//! [`SmtpSink::start`] speaks in clear and does not offer STARTTLS, like a relay with TLS
//! turned off. [`SmtpSink::start_tls`] is a relay as skydir expects one: it offers STARTTLS
//! (RFC 3207) with a certificate for `127.0.0.1` and `localhost` signed by a private CA of its
//! own — whose certificate [`SmtpSink::ca_file`] writes, as an operator would hand it to
//! `smtp_ca_file` — and refuses mail before TLS (530). Each [`Received`] message says whether
//! it came over TLS. There is no authentication; the sink is not meant to face a network.

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// The largest message the sink keeps; larger ones are refused with 552.
const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;
/// The longest command line accepted (RFC 5321 §4.5.3.1.4 says 512; clients may add
/// parameters).
const MAX_LINE_BYTES: usize = 4096;

/// One message the sink accepted.
#[derive(Clone, PartialEq, Eq)]
pub struct Received {
    /// The reverse path of `MAIL FROM:<…>` (empty for a bounce's `<>`).
    pub mail_from: String,
    /// The forward paths of every accepted `RCPT TO:<…>`, in order.
    pub rcpt_to: Vec<String>,
    /// The message as sent after `DATA`, dot-unstuffed, with its CRLF line ends.
    pub data: Vec<u8>,
    /// Whether the message came over TLS (after STARTTLS).
    pub tls: bool,
}

impl std::fmt::Debug for Received {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Received")
            .field("rcpt_to", &self.rcpt_to.len())
            .field("data_len", &self.data.len())
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

/// How the sink answers a refused delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `451 4.3.0`: try again later.
    Transient,
    /// `550 5.7.1`: do not try again.
    Permanent,
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    refusals: VecDeque<Refusal>,
}

struct Shared {
    state: Mutex<State>,
    count: watch::Sender<usize>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A running SMTP sink; see the module documentation.
#[derive(Debug)]
pub struct SmtpSink {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
    /// With STARTTLS: the directory holding the CA certificate, and its path.
    ca: Option<(tempfile::TempDir, PathBuf)>,
}

/// The sink's TLS identity: a private CA and a server certificate it signed.
struct Identity {
    ca_pem: String,
    acceptor: TlsAcceptor,
}

/// A fresh CA (`skydir test relay CA`) and a certificate for `127.0.0.1` and `localhost`
/// signed by it.
fn identity() -> io::Result<Identity> {
    let err = |e: rcgen::Error| io::Error::other(e.to_string());
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "skydir test relay CA");
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let ca =
        rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().map_err(err)?)
            .map_err(err)?;
    let key = rcgen::KeyPair::generate().map_err(err)?;
    let mut params =
        rcgen::CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .map_err(err)?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "skydir test relay");
    let cert = params.signed_by(&key, &ca).map_err(err)?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(io::Error::other)?
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(cert.der().to_vec())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
    .map_err(io::Error::other)?;
    Ok(Identity {
        ca_pem: ca.pem(),
        acceptor: TlsAcceptor::from(Arc::new(config)),
    })
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}

impl SmtpSink {
    /// Starts a sink on `127.0.0.1` on a free port that speaks in clear and does not offer
    /// STARTTLS (skydir sends to it only with `smtp_allow_plaintext`).
    pub async fn start() -> io::Result<Self> {
        Self::start_with(None).await
    }

    /// Starts a sink that offers STARTTLS with a certificate of its own CA (see
    /// [`ca_file`](Self::ca_file)) and refuses mail before TLS.
    pub async fn start_tls() -> io::Result<Self> {
        let id = identity()?;
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("relay-ca.pem");
        std::fs::write(&path, id.ca_pem.as_bytes())?;
        let mut sink = Self::start_with(Some(id.acceptor)).await?;
        sink.ca = Some((dir, path));
        Ok(sink)
    }

    async fn start_with(tls: Option<TlsAcceptor>) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            count: watch::channel(0).0,
        });
        let accepting = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = Arc::clone(&accepting);
                let tls = tls.clone();
                tokio::spawn(async move {
                    // A broken connection ends only itself.
                    let _ = session(stream, &shared, tls).await;
                });
            }
        });
        Ok(Self {
            addr,
            shared,
            task,
            ca: None,
        })
    }

    /// The PEM file of the CA that signed the sink's certificate (a STARTTLS sink only): what
    /// an operator would give `smtp_ca_file`. It lives as long as the sink.
    pub fn ca_file(&self) -> Option<&Path> {
        self.ca.as_ref().map(|(_, p)| p.as_path())
    }

    /// The address the sink listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The relay URL for the sink, e.g. `smtp://127.0.0.1:40123` (STARTTLS, unless skydir is
    /// allowed plain text for it).
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Refuses the next `n` deliveries (at the end of `DATA`) as `refusal` says, after any
    /// refusals already queued.
    pub fn refuse_next(&self, n: usize, refusal: Refusal) {
        self.shared
            .lock()
            .refusals
            .extend(std::iter::repeat_n(refusal, n));
    }

    /// Every message accepted so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.shared.lock().received.clone()
    }

    /// Waits until at least `n` messages were accepted or `timeout` passed, and returns every
    /// message accepted so far (fewer than `n` on timeout).
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let mut count = self.shared.count.subscribe();
        let _ = tokio::time::timeout(timeout, count.wait_for(|c| *c >= n)).await;
        self.received()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One SMTP transaction in progress.
#[derive(Default)]
struct Transaction {
    mail_from: Option<String>,
    rcpt_to: Vec<String>,
}

/// How a conversation ended.
enum Ended {
    /// The client quit or hung up.
    Closed,
    /// The client asked for STARTTLS and was told to go ahead.
    StartTls,
}

async fn session(stream: TcpStream, shared: &Shared, tls: Option<TlsAcceptor>) -> io::Result<()> {
    let mut conn = BufReader::new(stream);
    conn.write_all(b"220 skydir-sink ESMTP ready\r\n").await?;
    match converse(&mut conn, shared, tls.is_some(), false).await? {
        Ended::Closed => Ok(()),
        Ended::StartTls => {
            let Some(acceptor) = tls else { return Ok(()) };
            // Anything the client sent after STARTTLS before the handshake would be plain
            // text injected into the TLS session (CVE-2011-0411): drop the connection.
            if !conn.buffer().is_empty() {
                return Ok(());
            }
            let stream = acceptor.accept(conn.into_inner()).await?;
            let mut conn = BufReader::new(stream);
            converse(&mut conn, shared, false, true).await.map(|_| ())
        }
    }
}

/// Answers commands until the client quits or asks for STARTTLS. `offer_tls`: STARTTLS is
/// offered and mail is refused until it is done; `secure`: TLS is up.
async fn converse<S: AsyncRead + AsyncWrite + Unpin>(
    conn: &mut BufReader<S>,
    shared: &Shared,
    offer_tls: bool,
    secure: bool,
) -> io::Result<Ended> {
    let mut tx = Transaction::default();
    let mut line = Vec::new();
    loop {
        line.clear();
        if read_line(conn, &mut line, MAX_LINE_BYTES).await? == 0 {
            return Ok(Ended::Closed);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        let verb = text
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" if offer_tls => {
                b"250-skydir-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-STARTTLS\r\n250 SIZE 67108864\r\n"
            }
            "EHLO" => b"250-skydir-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 67108864\r\n",
            "HELO" => b"250 skydir-sink\r\n",
            "NOOP" => b"250 2.0.0 OK\r\n",
            "STARTTLS" if offer_tls => {
                conn.write_all(b"220 2.0.0 Ready to start TLS\r\n").await?;
                conn.flush().await?;
                return Ok(Ended::StartTls);
            }
            "RSET" => {
                tx = Transaction::default();
                b"250 2.0.0 OK\r\n"
            }
            "QUIT" => {
                conn.write_all(b"221 2.0.0 Bye\r\n").await?;
                conn.flush().await?;
                return Ok(Ended::Closed);
            }
            "MAIL" if offer_tls => b"530 5.7.0 Must issue a STARTTLS command first\r\n",
            "MAIL" => match path_after(text, "MAIL FROM:") {
                Some(from) => {
                    tx = Transaction {
                        mail_from: Some(from),
                        rcpt_to: Vec::new(),
                    };
                    b"250 2.1.0 OK\r\n"
                }
                None => b"501 5.5.4 Syntax: MAIL FROM:<address>\r\n",
            },
            "RCPT" => match (&tx.mail_from, path_after(text, "RCPT TO:")) {
                (None, _) => b"503 5.5.1 MAIL first\r\n",
                (Some(_), Some(to)) if !to.is_empty() => {
                    tx.rcpt_to.push(to);
                    b"250 2.1.5 OK\r\n"
                }
                (Some(_), _) => b"501 5.5.4 Syntax: RCPT TO:<address>\r\n",
            },
            "DATA" if tx.rcpt_to.is_empty() => b"503 5.5.1 RCPT first\r\n",
            "DATA" => {
                conn.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                conn.flush().await?;
                let Some(data) = read_data(conn).await? else {
                    tx = Transaction::default();
                    conn.write_all(b"552 5.3.4 Message too big\r\n").await?;
                    conn.flush().await?;
                    continue;
                };
                let done = std::mem::take(&mut tx);
                deliver(shared, done, data, secure)
            }
            _ => b"500 5.5.2 Command not recognized\r\n",
        };
        conn.write_all(reply).await?;
        conn.flush().await?;
    }
}

/// Keeps the message, or refuses it if a refusal is queued; returns the reply.
fn deliver(shared: &Shared, tx: Transaction, data: Vec<u8>, tls: bool) -> &'static [u8] {
    let mut state = shared.lock();
    match state.refusals.pop_front() {
        Some(Refusal::Transient) => b"451 4.3.0 Try again later\r\n",
        Some(Refusal::Permanent) => b"550 5.7.1 Delivery not authorized\r\n",
        None => {
            state.received.push(Received {
                mail_from: tx.mail_from.unwrap_or_default(),
                rcpt_to: tx.rcpt_to,
                data,
                tls,
            });
            let n = state.received.len();
            drop(state);
            shared.count.send_replace(n);
            b"250 2.0.0 OK queued\r\n"
        }
    }
}

/// The `<path>` after `prefix` (compared without case), without its brackets and parameters.
fn path_after(line: &str, prefix: &str) -> Option<String> {
    let head = line.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = line.get(prefix.len()..)?.trim_start();
    let path = rest.strip_prefix('<')?;
    let end = path.find('>')?;
    Some(path.get(..end)?.to_owned())
}

/// Reads one line including its `\n` into `buf`, at most `max` bytes; 0 at end of stream.
async fn read_line<R: AsyncBufReadExt + Unpin>(
    read: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<usize> {
    let mut limited = AsyncReadExt::take(read, u64::try_from(max).unwrap_or(u64::MAX));
    limited.read_until(b'\n', buf).await
}

/// Reads `DATA` up to the line holding a single dot, undoing dot-stuffing (RFC 5321 §4.5.2).
/// `None` when the message was larger than the sink keeps (it is read to its end anyway).
async fn read_data<R: AsyncBufReadExt + Unpin>(read: &mut R) -> io::Result<Option<Vec<u8>>> {
    let mut data = Vec::new();
    let mut too_big = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed during DATA",
            ));
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok((!too_big).then_some(data));
        }
        let content = line.strip_prefix(b".").unwrap_or(&line);
        if data.len() + content.len() > MAX_MESSAGE_BYTES {
            too_big = true;
            data.clear();
        }
        if !too_big {
            data.extend_from_slice(content);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_read_without_brackets_or_parameters() {
        assert_eq!(
            path_after("MAIL FROM:<a@example.com> BODY=8BITMIME", "MAIL FROM:"),
            Some("a@example.com".into())
        );
        assert_eq!(
            path_after("rcpt to: <b@example.com>", "RCPT TO:"),
            Some("b@example.com".into())
        );
        assert_eq!(
            path_after("MAIL FROM:<>", "MAIL FROM:"),
            Some(String::new())
        );
        assert_eq!(path_after("MAIL FROM:a@example.com", "MAIL FROM:"), None);
        assert_eq!(path_after("MAIL", "MAIL FROM:"), None);
    }

    #[tokio::test]
    async fn data_is_dot_unstuffed_and_ends_at_the_lone_dot() {
        let input: &[u8] = b"Subject: x\r\n\r\n..leading dot\r\n.\r\nafter";
        let mut reader = BufReader::new(input);
        let data = read_data(&mut reader).await.unwrap().unwrap();
        assert_eq!(data, b"Subject: x\r\n\r\n.leading dot\r\n");
    }
}
