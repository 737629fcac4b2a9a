//! Inbound mail parsing — MIME structure, transfer encodings, charsets, encoded words, HTML to
//! text, the Authentication-Results parser, and the core's parsers of what comes out (the
//! sender's address, the attachments' media types): everything the desk runs on a stranger's
//! message before anyone has looked at it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // `skydir_mail::parse` contains mail-parser's debug assertions, which hostile input
        // reaches, with `catch_unwind` (see its source). libfuzzer-sys's panic hook would abort
        // even on those caught panics, so panics raised inside mail-parser are let through to
        // that catch; any other panic still aborts and is reported.
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_mail_parser = info
                .location()
                .is_some_and(|l| l.file().contains("/mail-parser-"));
            if !in_mail_parser {
                abort(info);
            }
        }));
    },
    |data: &[u8]| {
        if let Ok(mail) = skydir_mail::parse(data, &skydir_mail::Limits::default()) {
            if let Some(from) = mail.from.as_deref() {
                let _ = skydir_core::directory::Email::parse(from);
            }
            for a in &mail.attachments {
                let _ = skydir_core::support::MediaType::parse(&a.content_type);
            }
        }
        if let Ok(value) = std::str::from_utf8(data) {
            let _ = skydir_mail::parse_authentication_results(value);
            let _ = skydir_core::directory::Email::parse(value);
            let _ = skydir_core::support::MediaType::parse(value);
        }
    }
);
