//! The knowledge-base editor for agents: every article (internal ones included), a form to
//! write a new one and to edit or delete an existing one. Built-in articles (generated from
//! the support policy) are shown but not editable — the core refuses, and the page says so.

use super::Agent;
use crate::AppState;
use crate::pages::csrf::form_allowed;
use crate::pages::shell::{as_field, expired, failure, field_error, form_error, frame, status_of};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::directory::Name;
use skydir_core::ports::Storage;
use skydir_core::support::{ArticleInput, KbCategory, Visibility};

/// The article form.
#[derive(Debug, Deserialize, Default)]
pub struct ArticleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    tags: String,
    /// `save` or `delete`.
    #[serde(default)]
    action: String,
}

const FIELDS: [&str; 6] = ["slug", "title", "body", "category", "visibility", "tags"];

fn editor(ag: &Agent, f: &ArticleForm, existing: bool, error: Option<&(String, String)>) -> Markup {
    let action = if existing {
        format!("/desk/kb/{}", f.slug)
    } else {
        "/desk/kb/new".to_string()
    };
    html! {
        h1 { @if existing { "Edit " (f.slug) } @else { "New article" } }
        (form_error(error, &FIELDS))
        form method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(ag.csrf);
            @if existing {
                input type="hidden" name="slug" value=(f.slug);
            } @else {
                p { label for="slug" { "Address" } br; span.hint #slug-hint { "Lowercase words joined by “-”: /kb/<address>." } br;
                    input #slug name="slug" required value=(f.slug) aria-describedby="slug-hint slug-error"; (field_error(error, "slug")) }
            }
            p { label for="title" { "Title" } br; input #title name="title" required value=(f.title) aria-describedby="title-error"; (field_error(error, "title")) }
            p { label for="category" { "Category" } br;
                select #category name="category" { @for c in KbCategory::ALL { option value=(c.as_str()) selected[f.category == c.as_str()] { (c.title()) } } } }
            p { label for="visibility" { "Who can read it" } br;
                select #visibility name="visibility" {
                    option value="public" selected[f.visibility != "internal"] { "Everyone (public)" }
                    option value="internal" selected[f.visibility == "internal"] { "Support staff only (internal)" }
                } }
            p { label for="body" { "Text" } br; span.hint #body-hint { "Plain text; a blank line starts a new paragraph." } br;
                textarea #body name="body" rows="14" required aria-describedby="body-hint body-error" { (f.body) } (field_error(error, "body")) }
            p { label for="tags" { "Tags (comma-separated)" } br; input #tags name="tags" value=(f.tags) aria-describedby="tags-error"; (field_error(error, "tags")) }
            p { button type="submit" name="action" value="save" { "Save the article" }
                @if existing { " " button.danger type="submit" name="action" value="delete" { "Delete it" } } }
        }
        p { a href="/desk/kb" { "← All articles" } }
    }
}

/// `GET /desk/kb`.
pub async fn list<S: Storage + Clone>(State(st): State<AppState<S>>, ag: Agent) -> Response {
    let articles = match st.dir.kb_articles(&ag.actor, None).await {
        Ok(a) => a,
        Err(e) => return failure(&st, ag.chrome(), &e, ("/desk", "Queue")),
    };
    let body = html! {
        h1 { "Knowledge Base articles" }
        p { a.button href="/desk/kb/new" { "Write an article" } }
        table #articles {
            tr { th scope="col" { "Title" } th scope="col" { "Category" } th scope="col" { "Visibility" } th scope="col" { "Updated" } }
            @for a in &articles {
                tr {
                    td { @if a.builtin { a href={ "/kb/" (a.slug) } { (a.title) } " " span.badge { "built in" } } @else { a href={ "/desk/kb/" (a.slug) } { (a.title) } } }
                    td { (a.category.title()) }
                    td { @if a.visibility == Visibility::Internal { span.badge.warn { "internal" } } @else { "public" } }
                    td { (a.updated_at.strftime("%Y-%m-%d")) }
                }
            }
        }
    };
    frame(
        &st,
        ag.chrome(),
        StatusCode::OK,
        "Knowledge Base",
        "/desk/kb",
        body,
    )
}

/// `GET /desk/kb/new`.
pub async fn new<S: Storage + Clone>(State(st): State<AppState<S>>, ag: Agent) -> Response {
    let f = ArticleForm {
        category: "how_to".into(),
        ..ArticleForm::default()
    };
    frame(
        &st,
        ag.chrome(),
        StatusCode::OK,
        "New article",
        "/desk/kb",
        editor(&ag, &f, false, None),
    )
}

/// `GET /desk/kb/{slug}`.
pub async fn edit<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    ag: Agent,
    Path(slug): Path<String>,
) -> Response {
    let found = match Name::parse(&slug) {
        Ok(n) => st.dir.kb_article(&ag.actor, &n).await,
        Err(_) => Err(CoreError::not_found("article", &slug)),
    };
    match found {
        Ok(a) => {
            let f = ArticleForm {
                slug: a.slug.to_string(),
                title: a.title,
                body: a.body,
                category: a.category.as_str().into(),
                visibility: if a.visibility == Visibility::Internal {
                    "internal".into()
                } else {
                    "public".into()
                },
                tags: a.tags.join(", "),
                ..ArticleForm::default()
            };
            frame(
                &st,
                ag.chrome(),
                StatusCode::OK,
                "Edit article",
                "/desk/kb",
                editor(&ag, &f, true, None),
            )
        }
        Err(e) => failure(&st, ag.chrome(), &e, ("/desk/kb", "All articles")),
    }
}

fn input(f: &ArticleForm) -> Result<ArticleInput, CoreError> {
    Ok(ArticleInput {
        title: f.title.clone(),
        body: f.body.clone(),
        category: KbCategory::parse(&f.category)?,
        visibility: if f.visibility == "internal" {
            Visibility::Internal
        } else {
            Visibility::Public
        },
        tags: f
            .tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

async fn save<S: Storage + Clone>(
    st: &AppState<S>,
    headers: &HeaderMap,
    ag: Agent,
    f: ArticleForm,
    existing: bool,
) -> Response {
    let result = async {
        if !form_allowed(st, headers, &f.csrf) {
            return Err(expired());
        }
        let slug = Name::parse(f.slug.trim()).map_err(|e| match e {
            CoreError::Invalid { reason, .. } => CoreError::invalid("slug", reason),
            other => other,
        })?;
        if existing && f.action == "delete" {
            st.dir.delete_article(&ag.actor, &slug).await?;
            return Ok(None);
        }
        let a = if existing {
            st.dir.update_article(&ag.actor, &slug, input(&f)?).await?
        } else {
            st.dir.create_article(&ag.actor, &slug, input(&f)?).await?
        };
        Ok(Some(a.slug))
    }
    .await;
    match result {
        Ok(Some(slug)) => Redirect::to(&format!("/kb/{slug}")).into_response(),
        Ok(None) => Redirect::to("/desk/kb").into_response(),
        Err(e) => {
            let err = as_field(&e);
            let body = editor(&ag, &f, existing, Some(&err));
            frame(st, ag.chrome(), status_of(&e), "Article", "/desk/kb", body)
        }
    }
}

/// `POST /desk/kb/new`.
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    ag: Agent,
    body: Result<Form<ArticleForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    save(&st, &headers, ag, f, false).await
}

/// `POST /desk/kb/{slug}`.
pub async fn update<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    ag: Agent,
    Path(slug): Path<String>,
    body: Result<Form<ArticleForm>, FormRejection>,
) -> Response {
    let mut f = body.map(|Form(f)| f).unwrap_or_default();
    f.slug = slug;
    save(&st, &headers, ag, f, true).await
}
