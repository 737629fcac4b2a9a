//! "My account": every person of an organization manages themself here — their contact
//! details (rectification, GDPR Art. 16; a new email address waits for confirmation from that
//! address, shown here with buttons to send the link again or cancel), their password (which
//! signs them out everywhere else), two-step login with an authenticator app, and a request to
//! have their account erased (Art. 17), which their organization's admins answer within the
//! legal deadline. Each form acts as the signed-in person through the same core services as
//! `/api/v1/me`.

use crate::AppState;
use crate::pages::contact::{self, ContactForm};
use crate::pages::csrf::{csrf, form_allowed};
use crate::pages::session::actor;
use crate::pages::shell::{
    Area, Chrome, as_field, expired, failure, field_error, form_error, frame, status_of,
};
use crate::pages::two_step::{self, TwoStep, code_error};
use axum::Form;
use axum::extract::FromRequestParts;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::access::Actor;
use skydir_core::directory::OrgSlug;
use skydir_core::ports::Storage;
use skydir_core::privacy::RequestKind;
use skydir_core::secret::Secret;
use skydir_core::service::{Ended, Keep, TotpProvisioning, UserView};

/// The signed-in person: actor, org slug, their own view, the page's CSRF token and their
/// session's token (spared when a change of their password or authenticator ends their other
/// sessions).
pub(crate) struct Me {
    pub actor: Actor,
    slug: OrgSlug,
    user: UserView,
    pub csrf: String,
    session: String,
}

/// A handler that takes `Me` runs only for a signed-in person of an organization.
impl<S: Storage + Clone> FromRequestParts<AppState<S>> for Me {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState<S>) -> Result<Self, Response> {
        me(st, &parts.headers).await
    }
}

async fn me<S: Storage + Clone>(st: &AppState<S>, headers: &HeaderMap) -> Result<Me, Response> {
    let to_login = || Redirect::to("/portal/login").into_response();
    let (actor, session) = actor(st, headers).await.ok_or_else(to_login)?;
    let (Some(org), Some(uid)) = (actor.org(), actor.user()) else {
        return Err(to_login());
    };
    let store = st.dir.store();
    let (Ok(Some(org)), Ok(Some(user))) =
        (store.org_by_id(org).await, store.user_by_id(org, uid).await)
    else {
        return Err(to_login());
    };
    let csrf = csrf(st, headers).token;
    match st.dir.get_user(&actor, &org.slug, &user.username).await {
        Ok(view) => Ok(Me {
            actor,
            slug: org.slug,
            user: view,
            csrf,
            session,
        }),
        Err(e) => Err(failure(
            st,
            Chrome {
                area: Area::Portal,
                actor: &actor,
                csrf: &csrf,
            },
            &e,
            ("/portal/my-data", "My data"),
        )),
    }
}

/// Which form an error or notice belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Details,
    Password,
    Totp,
    Erasure,
}

struct View<'a> {
    details: ContactForm,
    has_totp: bool,
    provisioning: Option<&'a TotpProvisioning>,
    error: Option<(Section, (String, String))>,
    notice: Option<String>,
}

fn page(m: &Me, v: &View<'_>) -> Markup {
    let err = |s: Section| v.error.as_ref().filter(|(k, _)| *k == s).map(|(_, e)| e);
    let f = &v.details;
    html! {
        h1 { "My account" }
        @if let Some(n) = &v.notice { p.notice role="status" { (n) } }
        dl.facts {
            dt { "Username" } dd { (m.user.username) }
            dt { "Organization" } dd { (m.slug) }
            dt { "Role" } dd { @if m.user.is_admin { "administrator" } @else { "user" } }
        }
        section aria-labelledby="details-h" {
            h2 #details-h { "Contact details" }
            (contact::pending(&m.user, "/portal/profile/email", &m.csrf))
            (f.render("/portal/profile", &m.csrf, "Save my details", err(Section::Details)))
        }
        section aria-labelledby="password-h" {
            h2 #password-h { "Password" }
            (form_error(err(Section::Password), &["current", "new_password", "repeat", "password"]))
            form method="post" action="/portal/profile/password" novalidate {
                input type="hidden" name="csrf" value=(m.csrf);
                input type="hidden" name="username" value=(m.user.username) autocomplete="username";
                p { label for="current" { "Current password" } br; input #current name="current" type="password" required autocomplete="current-password" aria-describedby="current-error"; (field_error(err(Section::Password), "current")) }
                p { label for="new_password" { "New password" } br; input #new_password name="new_password" type="password" required autocomplete="new-password" aria-describedby="new_password-error password-error"; (field_error(err(Section::Password), "new_password")) (field_error(err(Section::Password), "password")) }
                p { label for="repeat" { "New password again" } br; input #repeat name="repeat" type="password" required autocomplete="new-password" aria-describedby="repeat-error"; (field_error(err(Section::Password), "repeat")) }
                p.hint #password-hint { "Changing your password signs you out everywhere else: your other sessions end, and so do your API tokens unless you keep them." }
                p { label { input #keep_api_tokens name="keep_api_tokens" type="checkbox" value="on" aria-describedby="password-hint"; " Keep my API tokens working" } }
                p { button type="submit" { "Change my password" } }
            }
        }
        (two_step::section(&TwoStep {
            action: "/portal/profile/totp",
            csrf: &m.csrf,
            on: v.has_totp,
            provisioning: v.provisioning,
            error: err(Section::Totp),
            blocked: None,
        }))
        section aria-labelledby="data-h" {
            h2 #data-h { "Your data" }
            p { a href="/portal/my-data" { "See everything held about you" } " and download it as JSON." }
            (form_error(err(Section::Erasure), &[]))
            form method="post" action="/portal/profile/erasure" novalidate {
                input type="hidden" name="csrf" value=(m.csrf);
                p { label for="erasure-details" { "Ask for your account and personal data to be erased" } br;
                    span.hint #erasure-hint { "Your organization's administrators answer within one month; you get an email when it is done." } br;
                    textarea #erasure-details name="details" rows="2" aria-describedby="erasure-hint" {} }
                p { button.danger type="submit" { "Request erasure" } }
            }
        }
    }
}

async fn render<S: Storage + Clone>(
    st: &AppState<S>,
    m: &Me,
    status: StatusCode,
    mut v: View<'_>,
) -> Response {
    v.has_totp = match (m.actor.org(), m.actor.user()) {
        (Some(o), Some(u)) => st.dir.has_totp(o, u).await.unwrap_or(false),
        _ => false,
    };
    frame(
        st,
        Chrome {
            area: Area::Portal,
            actor: &m.actor,
            csrf: &m.csrf,
        },
        status,
        "My account",
        "/portal/profile",
        page(m, &v),
    )
}

fn view(m: &Me) -> View<'static> {
    View {
        details: ContactForm::of(&m.user),
        has_totp: false,
        provisioning: None,
        error: None,
        notice: None,
    }
}

/// The notice after a redirect, with how many sessions and API tokens a change ended.
#[derive(Debug, Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    sessions: Option<u64>,
    #[serde(default)]
    tokens: Option<u64>,
}

/// "2 other sessions and 1 API token were ended.", or that no other session was signed in.
fn ended_notice(sessions: u64, tokens: u64) -> String {
    let n = |k: u64, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    match (sessions, tokens) {
        (0, 0) => "No other session was signed in.".into(),
        (s, 0) => format!(
            "{} ended.",
            n(s, "other session was", "other sessions were")
        ),
        (0, t) => format!("{} ended.", n(t, "API token was", "API tokens were")),
        (s, t) => format!(
            "{} and {} were ended.",
            n(s, "other session", "other sessions"),
            n(t, "API token", "API tokens")
        ),
    }
}

/// `GET /portal/profile`.
pub async fn show<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    m: Me,
    query: Result<Query<Done>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(q) = query.unwrap_or_default();
    let mut v = view(&m);
    let ended = ended_notice(q.sessions.unwrap_or(0), q.tokens.unwrap_or(0));
    v.notice = match q.done.as_deref() {
        Some("details") => Some("Your details were saved.".into()),
        Some("email") => Some(
            "Your details were saved. A confirmation link was mailed to the new address: your \
             account keeps its current address until you open it."
                .into(),
        ),
        Some("email-resent") => {
            Some("A new confirmation link was mailed to the new address.".into())
        }
        Some("email-cancelled") => {
            Some("The change of address was cancelled; your account keeps its address.".into())
        }
        Some("password") => Some(format!("Your password was changed. {ended}")),
        Some("totp-on") => Some("Two-step login is on.".into()),
        Some("totp-off") => Some(format!("Two-step login is off. {ended}")),
        Some("erasure") => Some(
            "Your erasure request was received; you will get an email when it is answered.".into(),
        ),
        _ => None,
    };
    render(&st, &m, StatusCode::OK, v).await
}

fn done(what: &str) -> Response {
    Redirect::to(&format!("/portal/profile?done={what}")).into_response()
}

/// The redirect after a change that ended sessions, saying how many.
fn done_ending(what: &str, e: Ended) -> Response {
    Redirect::to(&format!(
        "/portal/profile?done={what}&sessions={}&tokens={}",
        e.sessions, e.api_tokens
    ))
    .into_response()
}

/// *My account* again with the pending-address buttons' error.
pub(crate) async fn refused_email<S: Storage + Clone>(
    st: &AppState<S>,
    m: &Me,
    e: &CoreError,
) -> Response {
    refused(st, m, Section::Details, e, None).await
}

impl Me {
    /// The person's org.
    pub(crate) fn slug(&self) -> &OrgSlug {
        &self.slug
    }

    /// The person's username.
    pub(crate) fn username(&self) -> &skydir_core::directory::Username {
        &self.user.username
    }
}

async fn refused<S: Storage + Clone>(
    st: &AppState<S>,
    m: &Me,
    section: Section,
    e: &CoreError,
    details: Option<ContactForm>,
) -> Response {
    let mut v = view(m);
    if let Some(d) = details {
        v.details = d;
    }
    let mut field = as_field(e);
    if matches!(e, CoreError::BadCredentials) {
        field = (
            "current".into(),
            "That is not your current password.".into(),
        );
    }
    v.error = Some((section, field));
    render(st, m, status_of(e), v).await
}

/// `POST /portal/profile`: saves the contact details.
pub async fn details<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    m: Me,
    body: Result<Form<ContactForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let patch = f.patch()?;
        let asked = patch.email.clone();
        let view = st
            .dir
            .update_user(&m.actor, &m.slug, &m.user.username, patch)
            .await?;
        let current = view.contact.as_ref().map(|c| &c.email);
        Ok(asked.is_some() && asked.as_ref() != current)
    }
    .await;
    match result {
        Ok(true) => done("email"),
        Ok(false) => done("details"),
        Err(e) => refused(&st, &m, Section::Details, &e, Some(f)).await,
    }
}

/// The password form.
#[derive(Debug, Deserialize, Default)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat: String,
    /// The "Keep my API tokens working" checkbox (absent when unchecked).
    #[serde(default)]
    keep_api_tokens: Option<String>,
}

/// `POST /portal/profile/password`.
pub async fn password<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    m: Me,
    body: Result<Form<PasswordForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        if f.new_password != f.repeat {
            return Err(CoreError::invalid("repeat", "the two new passwords differ"));
        }
        st.dir
            .change_password(
                &m.actor,
                &m.slug,
                &m.user.username,
                Secret::new(f.current),
                Secret::new(f.new_password),
                Keep {
                    current: Some(Secret::new(m.session.as_str())),
                    api_tokens: f.keep_api_tokens.is_some(),
                },
            )
            .await
    }
    .await;
    match result {
        Ok(ended) => done_ending("password", ended),
        Err(e) => refused(&st, &m, Section::Password, &e, None).await,
    }
}

/// A form with only its CSRF token.
#[derive(Debug, Deserialize, Default)]
pub struct Plain {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    details: String,
}

/// `POST /portal/profile/totp`: starts enrolment and shows the key.
pub async fn totp_begin<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    m: Me,
    body: Result<Form<Plain>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    if !form_allowed(&st, &headers, &f.csrf) {
        return refused(&st, &m, Section::Totp, &expired(), None).await;
    }
    match st.dir.begin_totp(&m.actor).await {
        Ok(p) => {
            let mut v = view(&m);
            v.provisioning = Some(&p);
            render(&st, &m, StatusCode::OK, v).await
        }
        Err(e) => refused(&st, &m, Section::Totp, &e, None).await,
    }
}

/// `POST /portal/profile/totp/confirm`.
pub async fn totp_confirm<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    m: Me,
    body: Result<Form<Plain>, FormRejection>,
) -> Response {
    totp_code(st, headers, m, body, true).await
}

/// `POST /portal/profile/totp/remove`.
pub async fn totp_remove<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    m: Me,
    body: Result<Form<Plain>, FormRejection>,
) -> Response {
    totp_code(st, headers, m, body, false).await
}

async fn totp_code<S: Storage + Clone>(
    st: AppState<S>,
    headers: HeaderMap,
    m: Me,
    body: Result<Form<Plain>, FormRejection>,
    confirm: bool,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = if !form_allowed(&st, &headers, &f.csrf) {
        Err(expired())
    } else if confirm {
        st.dir
            .confirm_totp(&m.actor, f.code.trim())
            .await
            .map(|()| None)
    } else {
        let current = Some(Secret::new(m.session.as_str()));
        st.dir
            .remove_totp(&m.actor, f.code.trim(), current)
            .await
            .map(Some)
    };
    match result {
        Ok(None) => done("totp-on"),
        Ok(Some(ended)) => done_ending("totp-off", ended),
        Err(e) => refused(&st, &m, Section::Totp, &code_error(e), None).await,
    }
}

/// `POST /portal/profile/erasure`: files an erasure request about oneself.
pub async fn erasure<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    m: Me,
    body: Result<Form<Plain>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = if form_allowed(&st, &headers, &f.csrf) {
        st.dir
            .submit_data_request(&m.actor, RequestKind::Erasure, &f.details)
            .await
            .map(|_| ())
    } else {
        Err(expired())
    };
    match result {
        Ok(()) => done("erasure"),
        Err(e) => refused(&st, &m, Section::Erasure, &e, None).await,
    }
}
