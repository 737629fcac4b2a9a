//! Tests of the English check with real sentences: customer messages in English (short,
//! technical, with logs and code) and in German, Spanish, French, Portuguese, Russian,
//! Chinese, Japanese and Korean.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use proptest::prelude::*;

/// Policy: "Support Does Not Include: … Support communication in languages other than
/// English" — messages clearly in another language are noticed.
#[test]
fn clearly_non_english_messages_are_caught() {
    let foreign = [
        // German
        "Hallo, seit heute Morgen funktioniert die Anmeldung über LDAP nicht mehr. Können Sie \
         uns bitte helfen?",
        "Ich habe das Passwort zurückgesetzt, aber der Benutzer kann sich immer noch nicht \
         anmelden.",
        "Die Synchronisierung mit unserem Active Directory ist fehlgeschlagen.",
        // Spanish
        "Hola, no puedo iniciar sesión en la consola de administración desde ayer.",
        "¿Cómo puedo agregar un nuevo usuario al grupo de administradores?",
        "El agente no se conecta con el servidor y los usuarios no pueden entrar.",
        // French
        "Bonjour, je n'arrive pas à me connecter au portail depuis ce matin.",
        "Nos utilisateurs ne peuvent plus s'authentifier avec leur mot de passe.",
        "Le service LDAP ne répond plus, pouvez-vous vérifier de votre côté ?",
        // Portuguese
        "Olá, não consigo acessar o painel de administração desde ontem.",
        "Os usuários da nossa empresa não conseguem fazer login com a senha nova.",
        "O agente está instalado mas o computador não aparece na lista.",
        // Other scripts
        "Здравствуйте, пользователи не могут войти в систему через LDAP.",
        "您好，我们的用户无法通过 LDAP 登录，请帮忙查看。",
        "ユーザーがLDAPでログインできません。確認していただけますか。",
        "안녕하세요, 사용자가 LDAP으로 로그인할 수 없습니다.",
        "Γεια σας, οι χρήστες δεν μπορούν να συνδεθούν.",
    ];
    for text in foreign {
        assert!(!is_probably_english(text), "taken for English: {text}");
    }
}

#[test]
fn english_messages_pass_however_short_or_technical() {
    let english = [
        "",
        "   ",
        "Help!",
        "LDAP down",
        "SSO broken again",
        "OK",
        "Re: ticket #1234",
        "Thanks, that fixed it.",
        "Users cannot log in since this morning.",
        "The LDAP bind fails for all users since the upgrade to 2.5.0. We restarted the agent \
         and checked the service account, but nothing changed.",
        "How do I add a user to a group with the API?",
        "Our RADIUS server rejects every request with Access-Reject after we rotated the secret.",
        "ldap_bind: Invalid credentials (49)",
        "C:\\Windows\\Temp\\skydir-agent.log attached",
        "See /var/log/skydir-agent.log, uid=jdoe,ou=users,o=acme",
        "2026-03-02T16:00:01Z ERROR agent: connect tcp 10.0.0.5:636: i/o timeout",
        "curl -H 'Authorization: Bearer x' https://example.invalid/api/v1/users?limit=10",
        "fn main() { let x = vec![1, 2, 3]; println!(\"{x:?}\"); }",
        "SELECT id, name FROM users WHERE org_id = $1 AND status = 'active';",
        "Error: EACCES permission denied, open '/etc/skydir/agent.conf'",
        "macOS 14.2.1, agent 2.5.0, FileVault on",
        // English with a foreign name, a loanword, or a signature.
        "Our admin Jürgen Müller cannot reset the MFA token for café staff accounts.",
        "The user José Núñez de la Cruz cannot log in to the VPN since Monday.",
        "The sync from the Tokyo office (東京) stopped after the upgrade, all users are affected.",
        "Please check the account of Иван Петров, he is locked out of every resource.",
        "The bind fails for all of our users since the certificate was rotated. We tried \
         restarting the agent and it did not help. Mit freundlichen Grüßen, Hans Müller",
    ];
    for text in english {
        assert!(
            is_probably_english(text),
            "taken for another language: {text}"
        );
    }
}

/// An English message with a pasted localized error keeps going by its prose.
#[test]
fn a_pasted_localized_error_does_not_outweigh_english_prose() {
    let text = "Since this morning the agent fails on every Windows machine in our office with \
                the error below. We have reinstalled it on two machines and rebooted them, but \
                it still fails the same way. Error: Das System kann die angegebene Datei nicht \
                finden.";
    assert!(is_probably_english(text));
}

#[test]
fn one_or_two_foreign_words_are_not_enough_to_refuse() {
    for text in ["Gracias", "Hilfe bitte", "Merci!", "Olá", "Danke"] {
        assert!(is_probably_english(text), "{text}");
    }
}

#[test]
fn prose_words_leave_out_technical_tokens() {
    assert_eq!(prose_word("Hello,").as_deref(), Some("hello"));
    assert_eq!(prose_word("don\u{2019}t").as_deref(), Some("don't"));
    assert_eq!(prose_word("(Grüßen)").as_deref(), Some("grüßen"));
    for technical in [
        "LDAP",
        "macOS",
        "iPhone",
        "2.5.0",
        "uid=jdoe",
        "a/b",
        "C:\\Windows",
        "user@example.com",
        "snake_case",
        "example.com",
        "x1",
        "---",
        "supercalifragilisticexpialidocious",
    ] {
        assert_eq!(prose_word(technical), None, "{technical}");
    }
}

proptest! {
    #[test]
    fn the_check_never_panics_on_any_input(text in any::<String>()) {
        let _ = is_probably_english(&text);
    }

    #[test]
    fn the_check_never_panics_on_wordy_unicode(
        words in proptest::collection::vec("[\\p{L}'’\\-.,!?¿¡ ]{0,12}", 0..40)
    ) {
        let _ = is_probably_english(&words.join(" "));
    }

    #[test]
    fn text_without_letters_is_english(text in "[0-9 .,:;/\\\\=_#@()\\[\\]{}<>+*-]{0,200}") {
        prop_assert!(is_probably_english(&text));
    }
}
