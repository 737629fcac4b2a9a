//! `Transport::send` against a real SMTP server (the crate's own `SmtpSink`, with and without
//! STARTTLS) and into the outbox directory.

use crate::common::outbound;
use skydir_core::support::OutboundMail;
use skydir_mail::testing::{Refusal, SmtpSink};
use skydir_mail::{
    Limits, MailError, RelayOptions, Security, SmtpRelay, Transport, outbox_file_name, parse,
    render,
};
use std::path::Path;
use std::time::Duration;

const HOST: &str = "desk.skydir.test";
const WAIT: Duration = Duration::from_secs(10);

/// The transport to `sink` as an operator would configure it: a STARTTLS sink with its CA in
/// `smtp_ca_file`, a plain sink (on this machine) with `smtp_allow_plaintext`.
async fn smtp(sink: &SmtpSink) -> Transport {
    let options = match sink.ca_file() {
        Some(ca) => RelayOptions {
            allow_plaintext: false,
            ca_file: Some(ca.to_path_buf()),
        },
        None => RelayOptions {
            allow_plaintext: true,
            ca_file: None,
        },
    };
    Transport::from_settings(Some(&sink.url()), &options, Path::new("/nonexistent")).unwrap()
}

/// The transport with the defaults: STARTTLS required, the public roots.
fn strict(url: &str) -> Transport {
    Transport::from_settings(
        Some(url),
        &RelayOptions::default(),
        Path::new("/nonexistent"),
    )
    .unwrap()
}

#[tokio::test]
async fn mail_goes_over_starttls_to_a_relay_whose_certificate_the_operators_ca_signs() {
    let sink = SmtpSink::start_tls().await.unwrap();
    let transport = smtp(&sink).await;
    match &transport {
        Transport::Smtp(relay) => {
            assert_eq!(relay.security(), Security::StartTls);
            assert!(relay.trusts_private_ca());
        }
        other => panic!("{other:?}"),
    }
    let mail = outbound();
    let rendered = render(&mail, HOST).unwrap();
    transport.send(&mail, &rendered).await.unwrap();

    let got = sink.wait_for(1, WAIT).await;
    assert_eq!(got.len(), 1);
    // The sink refuses MAIL before STARTTLS, and says the message came over TLS.
    assert!(got[0].tls, "delivered after STARTTLS");
    assert_eq!(got[0].mail_from, "support@desk.skydir.test");
    assert_eq!(got[0].rcpt_to, ["ann@acme.test", "bob@acme.test"]);
    assert_eq!(got[0].data.strip_suffix(b"\r\n"), Some(rendered.as_slice()));
}

#[tokio::test]
async fn a_relay_without_starttls_gets_nothing_in_clear() {
    let sink = SmtpSink::start().await.unwrap();
    let transport = strict(&sink.url());
    let mail = outbound();
    let err = transport
        .send(&mail, &render(&mail, HOST).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::NoStartTls), "{err:?}");
    assert!(
        err.is_transient(),
        "it waits in the queue until the relay is fixed"
    );
    assert!(err.to_string().contains("does not offer STARTTLS"), "{err}");
    // `tls=required` says the same explicitly.
    let err = strict(&format!("{}?tls=required", sink.url()))
        .send(&mail, &render(&mail, HOST).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::NoStartTls), "{err:?}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(sink.received().is_empty(), "nothing went in clear");
}

#[tokio::test]
async fn a_relay_certificate_that_does_not_verify_gets_nothing() {
    let sink = SmtpSink::start_tls().await.unwrap();
    let mail = outbound();
    let rendered = render(&mail, HOST).unwrap();
    // The public roots do not know the sink's private CA.
    let err = strict(&sink.url())
        .send(&mail, &rendered)
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::RelayTls { .. }), "{err:?}");
    assert!(err.is_transient());
    assert!(err.to_string().contains("smtp_ca_file"), "{err}");
    // Nor does another CA.
    let other = SmtpSink::start_tls().await.unwrap();
    let wrong_ca = Transport::from_settings(
        Some(&sink.url()),
        &RelayOptions {
            allow_plaintext: false,
            ca_file: other.ca_file().map(Path::to_path_buf),
        },
        Path::new("/nonexistent"),
    )
    .unwrap();
    let err = wrong_ca.send(&mail, &rendered).await.unwrap_err();
    assert!(matches!(err, MailError::RelayTls { .. }), "{err:?}");
    // A name the certificate is not for fails even with the right CA.
    let wrong_name = Transport::from_settings(
        Some(&format!("smtp://relay.skydir.test:{}", sink.addr().port())),
        &RelayOptions {
            allow_plaintext: false,
            ca_file: sink.ca_file().map(Path::to_path_buf),
        },
        Path::new("/nonexistent"),
    )
    .unwrap();
    assert!(wrong_name.send(&mail, &rendered).await.is_err());
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn plain_text_only_to_a_relay_on_this_machine_when_the_operator_allows_it() {
    let sink = SmtpSink::start().await.unwrap();
    let transport = smtp(&sink).await;
    let mail = outbound();
    let rendered = render(&mail, HOST).unwrap();
    transport.send(&mail, &rendered).await.unwrap();

    let got = sink.wait_for(1, WAIT).await;
    assert_eq!(got.len(), 1);
    assert!(!got[0].tls);
    assert_eq!(got[0].mail_from, "support@desk.skydir.test");
    assert_eq!(got[0].rcpt_to, ["ann@acme.test", "bob@acme.test"]);
    // lettre ends DATA with CRLF.CRLF even after the message's own final CRLF, which adds one
    // empty line at the end.
    assert_eq!(got[0].data.strip_suffix(b"\r\n"), Some(rendered.as_slice()));
    let back = parse(&got[0].data, &Limits::default()).unwrap();
    assert_eq!(back.subject, mail.subject);
    assert_eq!(back.message_id.as_deref(), Some(mail.message_id.as_str()));
}

#[tokio::test]
async fn a_451_is_transient_and_the_retry_goes_through() {
    let sink = SmtpSink::start().await.unwrap();
    sink.refuse_next(1, Refusal::Transient);
    let transport = smtp(&sink).await;
    let mail = outbound();
    let rendered = render(&mail, HOST).unwrap();

    let err = transport.send(&mail, &rendered).await.unwrap_err();
    assert!(err.is_transient(), "{err}");
    match &err {
        MailError::Deferred { code, enhanced } => {
            assert_eq!((*code, enhanced.as_deref()), (451, Some("4.3.0")));
        }
        other => panic!("{other:?}"),
    }
    assert!(sink.received().is_empty());

    transport.send(&mail, &rendered).await.unwrap();
    assert_eq!(sink.wait_for(1, WAIT).await.len(), 1);
}

#[tokio::test]
async fn a_550_is_permanent() {
    let sink = SmtpSink::start().await.unwrap();
    sink.refuse_next(1, Refusal::Permanent);
    let transport = smtp(&sink).await;
    let mail = outbound();
    let err = transport
        .send(&mail, &render(&mail, HOST).unwrap())
        .await
        .unwrap_err();
    assert!(!err.is_transient(), "{err}");
    assert!(
        matches!(&err, MailError::Refused { code: 550, enhanced: Some(e) } if e == "5.7.1"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the mail relay refused the message (SMTP 550, 5.7.1)"
    );
}

#[tokio::test]
async fn a_relay_that_is_not_listening_is_transient() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let transport = strict(&format!("smtp://127.0.0.1:{port}"));
    let mail = outbound();
    let err = transport
        .send(&mail, &render(&mail, HOST).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::Unreachable { .. }), "{err:?}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn a_relay_that_never_answers_times_out_as_transient() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hold = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            open.push(s); // accept, then say nothing
        }
    });
    let relay = SmtpRelay::from_url(&format!("smtp://{addr}"), &RelayOptions::default())
        .unwrap()
        .with_timeout(Duration::from_millis(300));
    let transport = Transport::Smtp(relay);
    let mail = outbound();
    let err = transport
        .send(&mail, &render(&mail, HOST).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::Timeout { .. }), "{err:?}");
    assert!(err.is_transient());
    hold.abort();
}

#[tokio::test]
async fn an_address_the_envelope_cannot_carry_is_permanent() {
    let sink = SmtpSink::start().await.unwrap();
    let transport = smtp(&sink).await;
    let mail = OutboundMail {
        to: vec!["nobody".into()],
        ..outbound()
    };
    let err = transport
        .send(&mail, b"Subject: x\r\n\r\nx\r\n")
        .await
        .unwrap_err();
    assert!(
        matches!(err, MailError::InvalidAddress { field: "to", .. }),
        "{err:?}"
    );
    assert!(!err.is_transient());
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn the_outbox_holds_one_readable_file_per_message_and_a_resend_replaces_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("outbox");
    let transport = Transport::from_settings(None, &RelayOptions::default(), &dir).unwrap();
    assert!(matches!(transport, Transport::Outbox(_)));
    let mail = outbound();
    let rendered = render(&mail, HOST).unwrap();

    transport.send(&mail, &rendered).await.unwrap();
    transport.send(&mail, &rendered).await.unwrap();
    let name = outbox_file_name(&mail.message_id);
    assert_eq!(files_in(&dir), std::slice::from_ref(&name));
    let stored = std::fs::read(dir.join(&name)).unwrap();
    assert_eq!(stored, rendered);
    let back = parse(&stored, &Limits::default()).unwrap();
    assert_eq!(back.message_id.as_deref(), Some(mail.message_id.as_str()));

    let other = OutboundMail {
        message_id: "ticket-1042-second@desk.skydir.test".into(),
        ..outbound()
    };
    transport
        .send(&other, &render(&other, HOST).unwrap())
        .await
        .unwrap();
    assert_eq!(files_in(&dir).len(), 2);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join(&name)), 0o600);
    }
}

#[tokio::test]
async fn a_blank_smtp_url_means_the_outbox() {
    let tmp = tempfile::tempdir().unwrap();
    let t = Transport::from_settings(Some("  "), &RelayOptions::default(), tmp.path()).unwrap();
    assert!(matches!(t, Transport::Outbox(p) if p == tmp.path()));
}

#[tokio::test]
async fn an_outbox_that_cannot_be_written_is_transient() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let transport = Transport::from_settings(None, &RelayOptions::default(), &file).unwrap();
    let mail = outbound();
    let err = transport
        .send(&mail, &render(&mail, HOST).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::Outbox { .. }), "{err:?}");
    assert!(err.is_transient());
}
