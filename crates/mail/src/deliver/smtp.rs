//! Delivery through an SMTP relay with lettre's tokio transport (connection pool, STARTTLS or
//! implicit TLS over rustls with the `ring` provider and the webpki roots).
//!
//! The relay is described by a URL, so one setting (`SKYDIR_SMTP_URL`) says everything:
//! `smtp://host:port` (plain, for a relay on the same host or network),
//! `smtp://host:port?tls=required` (STARTTLS, refused if the relay does not offer it) and
//! `smtps://host:port` (implicit TLS), with `user:password@` when the relay wants a login.
//! A login over plain SMTP is refused unless the relay is on this machine: passwords do not
//! cross the network in clear.
//!
//! Failures are sorted for the retry queue: 4xx replies, unreachable relays, timeouts and
//! setup problems (bad login, missing STARTTLS) are transient — the message waits until the
//! relay or the configuration is fixed — while 5xx replies about the message are permanent.

use crate::error::MailError;
use crate::outbound::mailbox;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::{AsyncSmtpTransport, AsyncSmtpTransportBuilder};
use lettre::{AsyncTransport, Tokio1Executor};
use skydir_core::support::OutboundMail;
use std::fmt;
use std::time::Duration;
use tokio::sync::OnceCell;
use url::{Host, Url};

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// No TLS (`smtp://`): only for a relay on this host or a trusted network.
    Plain,
    /// STARTTLS, required (`smtp://…?tls=required`).
    StartTls,
    /// TLS from the first byte (`smtps://`).
    ImplicitTls,
}

/// An SMTP relay and the pooled connection to it.
pub struct SmtpRelay {
    host: String,
    port: u16,
    security: Security,
    has_login: bool,
    timeout: Duration,
    // Boxed: lettre's builder is large, and `Transport` holds a relay by value.
    builder: Box<AsyncSmtpTransportBuilder>,
    // Built on first use: lettre's pool starts a background task, which needs the runtime.
    transport: OnceCell<AsyncSmtpTransport<Tokio1Executor>>,
}

impl fmt::Debug for SmtpRelay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpRelay")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("has_login", &self.has_login)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl SmtpRelay {
    /// How long one delivery may take, connection included, unless set otherwise.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

    /// The relay described by `url` (see the module documentation for the forms).
    pub fn from_url(url: &str) -> Result<Self, MailError> {
        let bad = |reason: &str| MailError::InvalidSmtpUrl {
            reason: reason.to_owned(),
        };
        let parsed = Url::parse(url).map_err(|e| MailError::InvalidSmtpUrl {
            reason: e.to_string(),
        })?;
        let host = match parsed.host() {
            Some(Host::Domain(d)) if !d.is_empty() => d.to_owned(),
            Some(Host::Ipv4(ip)) => ip.to_string(),
            Some(Host::Ipv6(ip)) => ip.to_string(),
            _ => return Err(bad("it names no host")),
        };
        let mut tls = None;
        for (key, value) in parsed.query_pairs() {
            match (key.as_ref(), value.as_ref()) {
                ("tls", "required") => tls = Some(()),
                ("tls", _) => {
                    return Err(bad(
                        "tls= accepts only 'required' (STARTTLS); use smtps:// for implicit TLS",
                    ));
                }
                _ => return Err(bad("the only query parameter is tls=required")),
            }
        }
        let (security, default_port) = match (parsed.scheme(), tls) {
            ("smtp", None) => (Security::Plain, 25),
            ("smtp", Some(())) => (Security::StartTls, 587),
            ("smtps", _) => (Security::ImplicitTls, 465),
            _ => return Err(bad("the scheme must be smtp:// or smtps://")),
        };
        if !matches!(parsed.path(), "" | "/") || parsed.fragment().is_some() {
            return Err(bad("it must not have a path or fragment"));
        }
        let port = parsed.port().unwrap_or(default_port);

        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
            .port(port)
            .timeout(Some(Self::DEFAULT_TIMEOUT));
        if security != Security::Plain {
            let params = TlsParameters::new(host.clone())
                .map_err(|_| bad("TLS cannot be set up for this host name"))?;
            builder = builder.tls(match security {
                Security::ImplicitTls => Tls::Wrapper(params),
                _ => Tls::Required(params),
            });
        }
        let has_login = !parsed.username().is_empty() || parsed.password().is_some();
        if has_login {
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8()
                    .map(|s| s.into_owned())
                    .map_err(|_| bad("the user or password is not valid UTF-8"))
            };
            let user = decode(parsed.username())?;
            let password = decode(parsed.password().unwrap_or(""))?;
            if user.is_empty() || password.is_empty() {
                return Err(bad(
                    "a login needs both user and password (user:password@host)",
                ));
            }
            if security == Security::Plain && !is_loopback(&parsed) {
                return Err(bad(
                    "a password would cross the network in clear; use smtp://…?tls=required or \
                     smtps://",
                ));
            }
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(Self {
            host,
            port,
            security,
            has_login,
            timeout: Self::DEFAULT_TIMEOUT,
            builder: Box::new(builder),
            transport: OnceCell::new(),
        })
    }

    /// The same relay with a different time limit for one delivery.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self.builder = Box::new(self.builder.timeout(Some(timeout)));
        self.transport = OnceCell::new();
        self
    }

    /// The relay's host name or address.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The relay's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// How the connection is protected.
    pub fn security(&self) -> Security {
        self.security
    }

    /// Sends `rendered` with the envelope of `mail`.
    pub(super) async fn send(&self, mail: &OutboundMail, rendered: &[u8]) -> Result<(), MailError> {
        let envelope = envelope(mail)?;
        let transport = self
            .transport
            .get_or_init(|| async { (*self.builder).clone().build() })
            .await;
        match tokio::time::timeout(self.timeout, transport.send_raw(&envelope, rendered)).await {
            Err(_) => Err(MailError::Timeout {
                after: self.timeout,
            }),
            Ok(Err(e)) => Err(classify(&e, self.timeout)),
            Ok(Ok(_)) => Ok(()),
        }
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        // `smtp` is not a scheme the URL standard knows, so IPv4 addresses arrive as names.
        Some(Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost")
                || d.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The SMTP envelope: `mail.from` as the reverse path, `mail.to` as the recipients.
fn envelope(mail: &OutboundMail) -> Result<Envelope, MailError> {
    let from = mailbox(&mail.from, "from", None)?.email;
    let to = mail
        .to
        .iter()
        .enumerate()
        .map(|(i, to)| mailbox(to, "to", Some(i + 1)).map(|m| m.email))
        .collect::<Result<Vec<_>, _>>()?;
    Envelope::new(Some(from), to).map_err(|_| MailError::NoRecipients)
}

/// Sorts lettre's error into the desk's terms, keeping no text that may quote an address.
fn classify(e: &lettre::transport::smtp::Error, timeout: Duration) -> MailError {
    if let Some(code) = e.status() {
        let code_num = code.to_string().parse::<u16>().unwrap_or(0);
        let enhanced = enhanced_status(e);
        return if e.is_transient() {
            MailError::Deferred {
                code: code_num,
                enhanced,
            }
        } else if matches!(code_num, 530 | 534 | 535 | 538) {
            MailError::RelaySetup {
                reason: format!("SMTP {code_num}: login refused or TLS required"),
            }
        } else {
            MailError::Refused {
                code: code_num,
                enhanced,
            }
        };
    }
    if e.is_timeout() {
        return MailError::Timeout { after: timeout };
    }
    if e.is_client() {
        let text = e.to_string();
        return if text.contains("non-ascii") {
            MailError::Unsendable {
                reason: "it needs SMTPUTF8 or 8BITMIME, which the relay does not offer".into(),
            }
        } else {
            MailError::RelaySetup { reason: text }
        };
    }
    if e.is_response() {
        return MailError::Unreachable {
            reason: "the relay's answer could not be read".into(),
        };
    }
    MailError::Unreachable {
        reason: e.to_string(),
    }
}

/// The RFC 3463 enhanced status code (`5.1.1`) at the start of the relay's reply text.
fn enhanced_status(e: &lettre::transport::smtp::Error) -> Option<String> {
    let text = std::error::Error::source(e)?.to_string();
    let first = text.split_whitespace().next()?;
    let parts: Vec<&str> = first.split('.').collect();
    let ok = parts.len() == 3
        && matches!(parts[0], "2" | "4" | "5")
        && parts[1..]
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    ok.then(|| first.to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn reason(url: &str) -> String {
        match SmtpRelay::from_url(url) {
            Err(MailError::InvalidSmtpUrl { reason }) => reason,
            other => format!("unexpected: {other:?}"),
        }
    }

    #[test]
    fn the_three_forms_and_their_default_ports() {
        let r = SmtpRelay::from_url("smtp://127.0.0.1:2525").unwrap();
        assert_eq!(
            (r.host(), r.port(), r.security()),
            ("127.0.0.1", 2525, Security::Plain)
        );
        let r = SmtpRelay::from_url("smtp://relay.example.com?tls=required").unwrap();
        assert_eq!((r.port(), r.security()), (587, Security::StartTls));
        let r = SmtpRelay::from_url("smtps://relay.example.com").unwrap();
        assert_eq!((r.port(), r.security()), (465, Security::ImplicitTls));
        let r = SmtpRelay::from_url("smtp://[::1]:25").unwrap();
        assert_eq!(r.host(), "::1");
        assert_eq!(SmtpRelay::from_url("smtp://localhost").unwrap().port(), 25);
    }

    #[test]
    fn logins_are_decoded_and_never_shown() {
        let r =
            SmtpRelay::from_url("smtps://desk%40example.com:s%3Acret@relay.example.com").unwrap();
        let shown = format!("{r:?}");
        assert!(shown.contains("has_login: true"), "{shown}");
        assert!(!shown.contains("cret"), "{shown}");
        assert!(!shown.contains("desk"), "{shown}");
    }

    #[test]
    fn unusable_urls_are_refused_with_a_reason() {
        assert!(reason("http://relay.example.com").contains("scheme"));
        assert!(reason("smtp://relay.example.com?tls=opportunistic").contains("tls="));
        assert!(reason("smtp://relay.example.com?foo=bar").contains("query"));
        assert!(reason("smtp://relay.example.com/helo").contains("path"));
        assert!(reason("smtp://user@relay.example.com:587?tls=required").contains("both"));
        assert!(reason("smtp://u:p@relay.example.com").contains("in clear"));
        assert!(reason("not a url").contains("relative URL"));
        let secret = reason("smtp://u:hunter2@relay.example.com");
        assert!(!secret.contains("hunter2"));
        // A login over plain SMTP is fine on this machine.
        assert!(SmtpRelay::from_url("smtp://u:p@127.0.0.1:25").is_ok());
        assert!(SmtpRelay::from_url("smtp://u:p@localhost:25").is_ok());
        assert!(SmtpRelay::from_url("smtp://u:p@[::1]:25").is_ok());
        assert!(reason("smtp://u:p@127.0.0.1.example.com").contains("in clear"));
    }
}
