//! A small check that a customer's message is written in English.
//!
//! The provider's support policy does not include "Support communication in languages other
//! than English". The desk therefore needs to notice a message that is clearly not English —
//! and must not refuse an English one because it is short, full of jargon, or mostly a pasted
//! log. [`is_probably_english`] is deliberately lopsided: it says "not English" only on clear
//! evidence and "English" otherwise.
//!
//! How it decides:
//! 1. **Script.** Letters outside the Latin script (Cyrillic, Greek, Arabic, Hebrew, Chinese,
//!    Japanese, Korean, Thai, Devanagari, …) are counted, a Chinese, Japanese or Korean
//!    character as three letters since each carries about a word. When they outweigh the
//!    Latin letters of the prose words (and there are at least four), the text is not English.
//! 2. **Common words.** Only prose words count: tokens of letters alone, without digits,
//!    inner dots, slashes, `=`, `@`, `_` or brackets (so no paths, URLs, e-mail addresses,
//!    identifiers, log keys or code), not in capitals (acronyms like LDAP, SSO) and not in
//!    camel case. Each is looked up in short lists of very common English, German, Spanish,
//!    French and Portuguese words; words spelt the same in English and another language
//!    ("in", "also", "was", "no", "a", "me", …) are in no list. Words with accents typical of
//!    those languages (ä, ß, é, ç, ñ, ã, …), French elisions (`l'`, `n'`, `qu'`) and the
//!    Spanish `¿ ¡` add to the evidence against English.
//! 3. **Verdict.** Not English when the strongest other language has at least two words
//!    speaking for it and more than twice as many as English has; English otherwise.
//!
//! Limits: other Latin-script languages (Italian, Dutch, Polish, …) are caught only by their
//! accents or when they share function words with the listed ones; a message of one or two
//! foreign words ("Gracias", "Hilfe bitte") reads as English; a short foreign sentence
//! followed by a long English log, or an English message quoting a long localized error,
//! goes by the majority. The result is a hint for routing, never a reason to drop a message.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Very common words, one list per language, separated by spaces.
const ENGLISH: &str = "\
    the and or but is are be been being were have has had do does did not to of for with from \
    by at it its this that these those there here i we you he she they my our your their us \
    them can cannot could would should when what which who how why where if then than after \
    before because please thanks thank hello hi any all some only just now since still again \
    into out up about get getting got able unable trying tried working work works every each \
    same other new one way need help issue anyone someone something nothing everything while";

const GERMAN: &str = "\
    der die das und ist nicht ich wir mit ein eine einen einem dem den des auf für bei wenn \
    kann können bitte habe haben sich werden wird nach noch auch aber oder mein meine unser \
    unsere keine kein danke hallo funktioniert geht seit zu von vom zum zur im sind hier jetzt \
    leider benutzer anmeldung fehler mehr nur wie warum uns sehr schon immer heute dass ob \
    gibt freundlichen grüßen gruß";

const SPANISH: &str = "\
    el la los las que de del al y en es está están por para con una un pero cuando hola \
    gracias puedo tengo funciona mi mis nuestro nuestra usuario usuarios contraseña se lo su \
    sus muy ayuda porque como desde hay sin sobre también ya cuenta sesión iniciar saludos \
    favor nos";

const FRENCH: &str = "\
    le la les des du de est et je nous vous une un pas pour avec dans sur ne mon ma mes notre \
    nos ce cette qui que bonjour merci il elle sont ai avons peux pouvons fonctionne marche \
    depuis aussi mais utilisateur utilisateurs mot passe connexion au aux plus très être avoir \
    fait cordialement compte votre vos sans comment";

const PORTUGUESE: &str = "\
    o os um uma não é está estão para com meu minha nosso nossa que de do da dos das em na nas \
    e olá obrigado obrigada quando mas consigo funciona usuário usuários senha acessar ajuda \
    porque também ele ela você vocês eu isso este esta conta desde sem pelo pela \
    atenciosamente";

/// Accented letters common in German, Spanish, French and Portuguese and rare in English.
const ACCENTS: &str = "äöüßàâæçéèêëîïôœùûÿñáíóúãõ";

struct Lists {
    english: HashSet<&'static str>,
    others: [HashSet<&'static str>; 4],
}

static LISTS: LazyLock<Lists> = LazyLock::new(|| Lists {
    english: ENGLISH.split_whitespace().collect(),
    others: [GERMAN, SPANISH, FRENCH, PORTUGUESE].map(|l| l.split_whitespace().collect()),
});

/// Whether `text` is probably English — `false` only when it is clearly written in another
/// language. Never panics, for any input; empty or purely technical text counts as English.
/// See the module documentation for how it decides and where it errs.
pub fn is_probably_english(text: &str) -> bool {
    let lists = &*LISTS;
    let foreign_script: usize = text.chars().map(script_weight).sum();
    let mut latin_letters = 0usize;
    let mut english = 0usize;
    // Words that speak for German, Spanish, French and Portuguese; each word at most once
    // per language.
    let mut others = [0usize; 4];
    if text.contains('¿') || text.contains('¡') {
        others[1] += 1;
    }
    for raw in text.split_whitespace() {
        let Some(word) = prose_word(raw) else {
            continue;
        };
        latin_letters += word.chars().filter(|c| is_latin_letter(*c)).count();
        let accented = word.chars().any(|c| ACCENTS.contains(c));
        let (elision, contraction) = match word.split_once('\'') {
            Some((head, rest)) if !rest.is_empty() => (
                matches!(head, "qu" | "c" | "d" | "j" | "l" | "m" | "n" | "s" | "t"),
                matches!(rest, "t" | "s" | "re" | "ve" | "ll" | "m" | "d"),
            ),
            _ => (false, false),
        };
        if (contraction && !elision) || lists.english.contains(word.as_str()) {
            english += 1;
        }
        for (i, (count, list)) in others.iter_mut().zip(&lists.others).enumerate() {
            let french = i == 2;
            if accented || (french && elision) || list.contains(word.as_str()) {
                *count += 1;
            }
        }
    }
    if foreign_script >= 4 && foreign_script > latin_letters {
        return false;
    }
    let strongest = others.iter().copied().max().unwrap_or(0);
    !(strongest >= 2 && strongest > 2 * english)
}

/// The word of a whitespace-separated token if it is prose: lowercased, surrounding
/// punctuation trimmed, typographic apostrophes made straight; `None` for tokens that look
/// technical (digits, paths, URLs, identifiers, acronyms, camel case) or too long for a word.
fn prose_word(raw: &str) -> Option<String> {
    let token: String = raw
        .chars()
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .collect();
    let trimmed = token.trim_matches(|c: char| !c.is_alphanumeric());
    if trimmed.is_empty() || trimmed.chars().count() > 24 {
        return None;
    }
    if trimmed
        .chars()
        .any(|c| !(c.is_alphabetic() || c == '\'' || c == '-'))
    {
        return None;
    }
    if trimmed.chars().skip(1).any(char::is_uppercase) {
        // An acronym (LDAP), shouting (HELP), or camel case (macOS, iPhone, McAfee).
        return None;
    }
    Some(trimmed.to_lowercase())
}

/// Whether `c` is a letter of the Latin script (ASCII, Latin-1 and Latin Extended).
fn is_latin_letter(c: char) -> bool {
    c.is_alphabetic() && (c.is_ascii() || matches!(c as u32, 0xC0..=0x24F | 0x1E00..=0x1EFF))
}

/// How much a character counts towards a non-Latin script: 3 for Chinese, Japanese and Korean
/// characters, 1 for other non-Latin letters, 0 otherwise.
fn script_weight(c: char) -> usize {
    if !c.is_alphabetic() || is_latin_letter(c) {
        return 0;
    }
    match c as u32 {
        0x1100..=0x11FF
        | 0x3040..=0x30FF
        | 0x3130..=0x318F
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2FA1F => 3,
        _ => 1,
    }
}

#[cfg(test)]
mod tests;
