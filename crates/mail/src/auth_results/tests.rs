use super::*;

fn r(method: &str, result: &str, props: &[(&str, &str)]) -> AuthResult {
    AuthResult {
        method: method.into(),
        result: result.into(),
        properties: props
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn parsed(value: &str) -> (String, Vec<AuthResult>) {
    let h = parse_authentication_results(value);
    (h.authserv_id, h.results)
}

// RFC 8601 Appendix B.2: nothing was checked; the header carries a version number.
#[test]
fn rfc8601_b2_none_with_a_version() {
    assert_eq!(
        parsed(" example.org 1; none"),
        ("example.org".into(), vec![])
    );
}

// RFC 8601 Appendix B.3.
#[test]
fn rfc8601_b3_one_spf_result() {
    assert_eq!(
        parsed(" example.com; spf=pass smtp.mailfrom=example.net"),
        (
            "example.com".into(),
            vec![r("spf", "pass", &[("smtp.mailfrom", "example.net")])]
        )
    );
}

// RFC 8601 Appendix B.4: folded over lines, a comment between result and property.
#[test]
fn rfc8601_b4_folded_with_comments() {
    let v = " example.com;\r\n                  auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n                  spf=pass smtp.mailfrom=example.net";
    assert_eq!(
        parsed(v),
        (
            "example.com".into(),
            vec![
                r("auth", "pass", &[("smtp.auth", "sender@example.net")]),
                r("spf", "pass", &[("smtp.mailfrom", "example.net")]),
            ]
        )
    );
    let v = " example.com; iprev=pass\r\n                  policy.iprev=192.0.2.200";
    assert_eq!(
        parsed(v).1,
        vec![r("iprev", "pass", &[("policy.iprev", "192.0.2.200")])]
    );
}

// RFC 8601 Appendix B.6: quoted reasons and `@domain` identities.
#[test]
fn rfc8601_b6_reasons_and_identities() {
    let v = " example.com;\r\n              dkim=pass reason=\"good signature\"\r\n                header.i=@mail-router.example.net;\r\n              dkim=fail reason=\"bad signature\"\r\n                header.i=@newyork.example.com";
    assert_eq!(
        parsed(v).1,
        vec![
            r(
                "dkim",
                "pass",
                &[
                    ("reason", "good signature"),
                    ("header.i", "@mail-router.example.net")
                ]
            ),
            r(
                "dkim",
                "fail",
                &[
                    ("reason", "bad signature"),
                    ("header.i", "@newyork.example.com")
                ]
            ),
        ]
    );
}

// RFC 8601 Appendix B.7: unknown methods are kept as they are.
#[test]
fn rfc8601_b7_unknown_methods_are_kept() {
    let v = " example.com;\r\n          foo=pass bar.baz=blob";
    assert_eq!(parsed(v).1, vec![r("foo", "pass", &[("bar.baz", "blob")])]);
}

#[test]
fn names_are_lowercased_and_values_kept_as_written() {
    let v = " MX.Example.COM; DKIM=Pass Header.D=Example.COM header.b=AbC+/9=";
    assert_eq!(
        parsed(v),
        (
            "mx.example.com".into(),
            vec![r(
                "dkim",
                "pass",
                &[("header.d", "Example.COM"), ("header.b", "AbC+/9=")]
            )]
        )
    );
}

#[test]
fn method_versions_and_cfws_around_the_dot_and_equals_are_tolerated() {
    let v = " example.com (our mx) ; dkim/1 = pass (ok) header (c) . d (c) = example.com";
    assert_eq!(
        parsed(v),
        (
            "example.com".into(),
            vec![r("dkim", "pass", &[("header.d", "example.com")])]
        )
    );
}

#[test]
fn a_quoted_authserv_id_and_quoted_local_parts() {
    let v = r#" "mx.example.com"; spf=pass smtp.mailfrom="first last"@example.com"#;
    assert_eq!(
        parsed(v),
        (
            "mx.example.com".into(),
            vec![r(
                "spf",
                "pass",
                &[("smtp.mailfrom", "first last@example.com")]
            )]
        )
    );
}

#[test]
fn the_dkim_comment_with_key_size_is_skipped() {
    let v = " mx.skydir.test; dkim=pass (2048-bit key) header.d=example.com header.i=@example.com header.s=sel";
    assert_eq!(
        parsed(v).1,
        vec![r(
            "dkim",
            "pass",
            &[
                ("header.d", "example.com"),
                ("header.i", "@example.com"),
                ("header.s", "sel")
            ]
        )]
    );
}

#[test]
fn gmail() {
    let v = " mx.google.com;\r\n       dkim=pass header.i=@example.com header.s=20230601 header.b=Q0x+3/Ab;\r\n       spf=pass (google.com: domain of alice@example.com designates 209.85.220.41 as permitted sender) smtp.mailfrom=alice@example.com;\r\n       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.com";
    assert_eq!(
        parsed(v),
        (
            "mx.google.com".into(),
            vec![
                r(
                    "dkim",
                    "pass",
                    &[
                        ("header.i", "@example.com"),
                        ("header.s", "20230601"),
                        ("header.b", "Q0x+3/Ab")
                    ]
                ),
                r("spf", "pass", &[("smtp.mailfrom", "alice@example.com")]),
                r("dmarc", "pass", &[("header.from", "example.com")]),
            ]
        )
    );
}

// Microsoft 365 writes no authserv-id, no spaces after some semicolons, and `action=`/`reason=`
// without a ptype.
#[test]
fn microsoft_365_without_an_authserv_id() {
    let v = " spf=pass (sender IP is 40.107.22.51)\r\n smtp.mailfrom=contoso.com; dkim=pass (signature was verified)\r\n header.d=contoso.com;dmarc=pass action=none\r\n header.from=contoso.com;compauth=pass reason=100";
    assert_eq!(
        parsed(v),
        (
            String::new(),
            vec![
                r("spf", "pass", &[("smtp.mailfrom", "contoso.com")]),
                r("dkim", "pass", &[("header.d", "contoso.com")]),
                r(
                    "dmarc",
                    "pass",
                    &[("action", "none"), ("header.from", "contoso.com")]
                ),
                r("compauth", "pass", &[("reason", "100")]),
            ]
        )
    );
}

#[test]
fn microsoft_365_unsigned_mail() {
    let v = " spf=none (sender IP is 203.0.113.9) smtp.mailfrom=fabrikam.test; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=fabrikam.test;";
    let (id, results) = parsed(v);
    assert_eq!(id, "");
    assert_eq!(
        results
            .iter()
            .map(|r| (r.method.as_str(), r.result.as_str()))
            .collect::<Vec<_>>(),
        vec![("spf", "none"), ("dkim", "none"), ("dmarc", "none")]
    );
}

// OpenDKIM's comment holds a semicolon; OpenDMARC writes its policy in a comment.
#[test]
fn postfix_with_opendkim_and_opendmarc() {
    let v = " mail.example.org;\r\n\tdkim=pass (2048-bit key; unprotected) header.d=example.com header.i=@example.com header.a=rsa-sha256 header.s=default header.b=XyZ12345;\r\n\tdkim-atps=neutral";
    assert_eq!(
        parsed(v),
        (
            "mail.example.org".into(),
            vec![
                r(
                    "dkim",
                    "pass",
                    &[
                        ("header.d", "example.com"),
                        ("header.i", "@example.com"),
                        ("header.a", "rsa-sha256"),
                        ("header.s", "default"),
                        ("header.b", "XyZ12345")
                    ]
                ),
                r("dkim-atps", "neutral", &[]),
            ]
        )
    );
    assert_eq!(
        parsed(" mail.example.org; dmarc=fail (p=reject dis=none) header.from=example.com").1,
        vec![r("dmarc", "fail", &[("header.from", "example.com")])]
    );
}

#[test]
fn unreadable_items_are_skipped_up_to_the_next_semicolon() {
    let v = " mx.example.com; garbage without equals; =pass; spf=; dkim=pass header.d=a.example; (only a comment); dmarc=fail";
    assert_eq!(
        parsed(v).1,
        vec![
            r("dkim", "pass", &[("header.d", "a.example")]),
            r("dmarc", "fail", &[]),
        ]
    );
}

#[test]
fn unclosed_comments_and_quotes_end_the_header_without_harm() {
    assert_eq!(
        parsed(" mx.example.com; spf=pass (unclosed smtp.mailfrom=x").1,
        vec![r("spf", "pass", &[])]
    );
    assert_eq!(
        parsed(" mx.example.com; dkim=pass reason=\"unclosed").1,
        vec![r("dkim", "pass", &[("reason", "unclosed")])]
    );
    assert_eq!(parsed(""), (String::new(), vec![]));
    assert_eq!(parsed(" ; ; ;"), (String::new(), vec![]));
}

#[test]
fn deeply_nested_comments_do_not_recurse() {
    let v = format!(
        " mx.example.com; spf=pass {}x{} smtp.mailfrom=example.com",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    assert_eq!(
        parsed(&v).1,
        vec![r("spf", "pass", &[("smtp.mailfrom", "example.com")])]
    );
}

#[test]
fn stray_characters_do_not_stop_the_parser() {
    let v = " mx.example.com; spf=pass ) \"q\" = smtp.mailfrom=example.com ;dmarc=pass";
    let results = parsed(v).1;
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].property("smtp.mailfrom"), Some("example.com"));
}
