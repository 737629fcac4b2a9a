//! Delivery through an SMTP relay with lettre's tokio transport (connection pool, STARTTLS or
//! implicit TLS over rustls with the `ring` provider).
//!
//! The mail the desk sends carries access reports, breach notices and tickets, so it never
//! crosses a network in clear. The relay is described by a URL (`SKYDIR_SMTP_URL`):
//! `smtp://host:port` speaks STARTTLS and refuses to send when the relay does not offer it
//! (`?tls=required` says the same explicitly), `smtps://host:port` is TLS from the first byte,
//! and `user:password@` logs in — always after TLS is up. The relay's certificate is checked
//! against the public (webpki) roots, or, for a relay with a certificate of a private CA,
//! against the CA certificates of [`RelayOptions::ca_file`] only. Mail goes in clear only to a
//! relay on this machine (127.0.0.1, ::1, localhost) and only when the operator says so
//! ([`RelayOptions::allow_plaintext`], the `smtp_allow_plaintext` setting); for any other host
//! that setting is refused.
//!
//! Failures are sorted for the retry queue: 4xx replies, unreachable relays, timeouts and
//! setup problems (bad login, no STARTTLS, a certificate that does not verify) are transient —
//! the message waits until the relay or the configuration is fixed — while 5xx replies about
//! the message are permanent.

use crate::error::MailError;
use crate::outbound::mailbox;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::transport::smtp::{AsyncSmtpTransport, AsyncSmtpTransportBuilder};
use lettre::{AsyncTransport, Tokio1Executor};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use skydir_core::support::OutboundMail;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::OnceCell;
use url::{Host, Url};

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// No TLS: only to a relay on this machine, with `smtp_allow_plaintext`.
    Plain,
    /// STARTTLS, required (`smtp://`, `smtp://…?tls=required`).
    StartTls,
    /// TLS from the first byte (`smtps://`).
    ImplicitTls,
}

/// What the operator says about the relay besides its URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelayOptions {
    /// Speak to an `smtp://` relay on this machine in clear, without STARTTLS
    /// (`smtp_allow_plaintext`). Refused for a relay that is not on a loopback address.
    pub allow_plaintext: bool,
    /// A PEM file with the certificates of the CA(s) that sign the relay's certificate
    /// (`smtp_ca_file`). When set, only these are trusted for the relay, not the public roots.
    pub ca_file: Option<PathBuf>,
}

/// An SMTP relay and the pooled connection to it.
pub struct SmtpRelay {
    host: String,
    port: u16,
    security: Security,
    has_login: bool,
    private_ca: bool,
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
            .field("private_ca", &self.private_ca)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl SmtpRelay {
    /// How long one delivery may take, connection included, unless set otherwise.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

    /// The relay described by `url` (see the module documentation for the forms) with the
    /// operator's `options`. Reads the CA file, if one is named.
    pub fn from_url(url: &str, options: &RelayOptions) -> Result<Self, MailError> {
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
        let mut tls_required = false;
        for (key, value) in parsed.query_pairs() {
            match (key.as_ref(), value.as_ref()) {
                ("tls", "required") => tls_required = true,
                ("tls", _) => {
                    return Err(bad(
                        "tls= accepts only 'required' (STARTTLS, also the default of smtp://); \
                         use smtps:// for implicit TLS",
                    ));
                }
                _ => return Err(bad("the only query parameter is tls=required")),
            }
        }
        if options.allow_plaintext && !is_loopback(&parsed) {
            return Err(bad(&format!(
                "smtp_allow_plaintext is only for a relay on this machine (127.0.0.1, ::1 or \
                 localhost), and {host} is not one: the desk's mail would cross the network in \
                 clear. Remove smtp_allow_plaintext and let the relay offer STARTTLS, or use \
                 smtps://"
            )));
        }
        let (security, default_port) = match (parsed.scheme(), tls_required) {
            ("smtp", true) => (Security::StartTls, 587),
            ("smtp", false) if options.allow_plaintext => (Security::Plain, 25),
            ("smtp", false) => (Security::StartTls, 25),
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
        let private_ca = security != Security::Plain && options.ca_file.is_some();
        if security != Security::Plain {
            let params = tls_parameters(&host, options.ca_file.as_deref())?;
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
            // A login in clear happens only with `allow_plaintext`, i.e. on this machine.
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(Self {
            host,
            port,
            security,
            has_login,
            private_ca,
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

    /// Whether the relay's certificate is checked against the operator's CA file rather than
    /// the public roots.
    pub fn trusts_private_ca(&self) -> bool {
        self.private_ca
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

/// TLS towards `host`: its certificate must chain to the public roots, or — with `ca_file` —
/// to one of the certificates in that file only.
fn tls_parameters(host: &str, ca_file: Option<&Path>) -> Result<TlsParameters, MailError> {
    let mut builder = TlsParameters::builder(host.to_owned());
    if let Some(path) = ca_file {
        builder = builder.certificate_store(CertificateStore::None);
        for cert in read_ca(path)? {
            builder = builder.add_root_certificate(cert);
        }
    } else {
        builder = builder.certificate_store(CertificateStore::WebpkiRoots);
    }
    builder
        .build_rustls()
        .map_err(|_| MailError::InvalidSmtpUrl {
            reason: "TLS cannot be set up for this host name".into(),
        })
}

/// The CA certificates of a PEM file; at least one.
fn read_ca(path: &Path) -> Result<Vec<Certificate>, MailError> {
    let ca = |reason: String| MailError::SmtpCa {
        path: path.to_path_buf(),
        reason,
    };
    let pem = std::fs::read(path).map_err(|e| ca(e.to_string()))?;
    let ders = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ca(format!("it is not a PEM file of certificates ({e})")))?;
    if ders.is_empty() {
        return Err(ca(
            "it holds no certificate (expected -----BEGIN CERTIFICATE----- blocks)".into(),
        ));
    }
    ders.into_iter()
        .map(|der| {
            Certificate::from_der(der.to_vec())
                .map_err(|_| ca("a certificate in it cannot be read".into()))
        })
        .collect()
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
    if let Some(reason) = tls_failure(e) {
        return MailError::RelayTls { reason };
    }
    if e.is_client() {
        let text = e.to_string();
        return if text.contains("STARTTLS") {
            MailError::NoStartTls
        } else if text.contains("non-ascii") {
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

/// What rustls objected to, when the error comes from the TLS handshake (lettre wraps it in an
/// I/O error of a connection error).
fn tls_failure(e: &lettre::transport::smtp::Error) -> Option<String> {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(t) = s.downcast_ref::<rustls::Error>() {
            return Some(t.to_string());
        }
        if let Some(t) = s
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            return Some(t.to_string());
        }
        source = s.source();
    }
    None
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
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn relay(url: &str) -> Result<SmtpRelay, MailError> {
        SmtpRelay::from_url(url, &RelayOptions::default())
    }

    fn plaintext(url: &str) -> Result<SmtpRelay, MailError> {
        SmtpRelay::from_url(
            url,
            &RelayOptions {
                allow_plaintext: true,
                ca_file: None,
            },
        )
    }

    fn reason(r: Result<SmtpRelay, MailError>) -> String {
        match r {
            Err(MailError::InvalidSmtpUrl { reason }) => reason,
            other => format!("unexpected: {other:?}"),
        }
    }

    #[test]
    fn smtp_means_starttls_and_smtps_implicit_tls_with_their_default_ports() {
        let r = relay("smtp://127.0.0.1:2525").unwrap();
        assert_eq!(
            (r.host(), r.port(), r.security()),
            ("127.0.0.1", 2525, Security::StartTls)
        );
        let r = relay("smtp://relay.example.com").unwrap();
        assert_eq!((r.port(), r.security()), (25, Security::StartTls));
        let r = relay("smtp://relay.example.com?tls=required").unwrap();
        assert_eq!((r.port(), r.security()), (587, Security::StartTls));
        let r = relay("smtps://relay.example.com").unwrap();
        assert_eq!((r.port(), r.security()), (465, Security::ImplicitTls));
        assert!(!r.trusts_private_ca());
        let r = relay("smtp://[::1]:25").unwrap();
        assert_eq!(r.host(), "::1");
        assert_eq!(relay("smtp://localhost").unwrap().port(), 25);
    }

    #[test]
    fn plaintext_is_only_for_a_relay_on_this_machine_and_only_when_allowed() {
        for url in [
            "smtp://127.0.0.1:2525",
            "smtp://localhost",
            "smtp://[::1]:25",
            "smtp://127.0.0.2:25",
            "smtp://u:p@127.0.0.1:25",
        ] {
            assert_eq!(plaintext(url).unwrap().security(), Security::Plain, "{url}");
        }
        // An explicit tls=required, or smtps://, keeps TLS even then.
        assert_eq!(
            plaintext("smtp://127.0.0.1:587?tls=required")
                .unwrap()
                .security(),
            Security::StartTls
        );
        assert_eq!(
            plaintext("smtps://localhost").unwrap().security(),
            Security::ImplicitTls
        );
        for url in [
            "smtp://relay.example.com",
            "smtp://10.0.0.25:25",
            "smtp://127.0.0.1.example.com",
            "smtps://relay.example.com",
            "smtp://relay.example.com:587?tls=required",
        ] {
            let why = reason(plaintext(url));
            assert!(
                why.contains("smtp_allow_plaintext is only for a relay on this machine"),
                "{url}: {why}"
            );
        }
    }

    #[test]
    fn logins_are_decoded_and_never_shown() {
        let r = relay("smtps://desk%40example.com:s%3Acret@relay.example.com").unwrap();
        let shown = format!("{r:?}");
        assert!(shown.contains("has_login: true"), "{shown}");
        assert!(!shown.contains("cret"), "{shown}");
        assert!(!shown.contains("desk"), "{shown}");
        // Over STARTTLS a login is fine anywhere: it is sent after TLS is up.
        assert!(relay("smtp://u:p@relay.example.com").is_ok());
    }

    #[test]
    fn unusable_urls_are_refused_with_a_reason() {
        assert!(reason(relay("http://relay.example.com")).contains("scheme"));
        assert!(reason(relay("smtp://relay.example.com?tls=opportunistic")).contains("tls="));
        assert!(reason(relay("smtp://relay.example.com?foo=bar")).contains("query"));
        assert!(reason(relay("smtp://relay.example.com/helo")).contains("path"));
        assert!(reason(relay("smtp://user@relay.example.com:587?tls=required")).contains("both"));
        assert!(reason(relay("not a url")).contains("relative URL"));
        let secret = reason(plaintext("smtp://u:hunter2@relay.example.com"));
        assert!(secret.contains("in clear"), "{secret}");
        assert!(!secret.contains("hunter2"), "{secret}");
    }

    #[test]
    fn a_ca_file_must_hold_certificates() {
        let dir = tempfile::tempdir().unwrap();
        let with = |path: &Path| {
            SmtpRelay::from_url(
                "smtp://relay.example.com",
                &RelayOptions {
                    allow_plaintext: false,
                    ca_file: Some(path.to_path_buf()),
                },
            )
        };
        let missing = dir.path().join("missing.pem");
        match with(&missing) {
            Err(e @ MailError::SmtpCa { .. }) => {
                assert!(e.to_string().contains("missing.pem"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        match with(&empty) {
            Err(e @ MailError::SmtpCa { .. }) => {
                assert!(e.to_string().contains("no certificate"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        let ca = rcgen::generate_simple_self_signed(vec!["relay.example.com".to_string()])
            .unwrap()
            .cert
            .pem();
        let good = dir.path().join("ca.pem");
        std::fs::write(&good, ca).unwrap();
        let r = with(&good).unwrap();
        assert!(r.trusts_private_ca());
        assert_eq!(r.security(), Security::StartTls);
    }
}
