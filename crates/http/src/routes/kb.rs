//! The knowledge base as JSON: anyone lists, reads and searches public articles (no token
//! needed), agents see internal ones too and write them; `suggest` returns the public articles
//! that may answer a ticket's text while it is being written.

use crate::AppState;
use crate::caller::Caller;
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skydir_core::CoreError;
use skydir_core::ports::Storage;
use skydir_core::support::{Article, ArticleInput, KbCategory, Visibility};
use utoipa::{IntoParams, ToSchema};

/// An article as written by an agent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleIn {
    /// Lowercase letters, digits, `-`, `_`, `.`: the article's address `/kb/<slug>`
    /// (creation only; ignored by updates).
    #[serde(default)]
    pub slug: Option<String>,
    pub title: String,
    /// Plain text: blank lines between paragraphs, `# ` headings, `- ` lists, `| a | b |`
    /// tables.
    pub body: String,
    /// One of `getting_started`, `directory`, `ldap`, `networks`, `applications`, `systems`,
    /// `security`, `troubleshooting`, `policies`.
    pub category: String,
    /// `public` (default) or `internal` (agents only).
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// An article.
#[derive(Serialize, ToSchema)]
pub struct ArticleOut {
    pub slug: String,
    pub title: String,
    pub body: String,
    pub category: String,
    pub visibility: String,
    pub tags: Vec<String>,
    /// Generated from the desk's policy; not editable.
    pub builtin: bool,
    /// Where people read it.
    pub url: String,
    #[schema(value_type = String)]
    pub updated_at: Timestamp,
}

/// A suggested article.
#[derive(Serialize, ToSchema)]
pub struct SuggestionOut {
    pub slug: String,
    pub title: String,
    pub url: String,
}

/// Listing and search.
#[derive(Deserialize, IntoParams)]
pub struct KbQuery {
    /// Words to search for (every word must match).
    pub q: Option<String>,
    /// Only this category.
    pub category: Option<String>,
}

/// The text to suggest articles for.
#[derive(Deserialize, IntoParams)]
pub struct SuggestQuery {
    /// The subject and description written so far.
    pub q: String,
}

fn out(base: &str, a: Article) -> ArticleOut {
    ArticleOut {
        url: format!("{base}/kb/{}", a.slug),
        slug: a.slug.as_str().to_string(),
        title: a.title,
        body: a.body,
        category: a.category.as_str().into(),
        visibility: a.visibility.as_str().into(),
        tags: a.tags,
        builtin: a.builtin,
        updated_at: a.updated_at,
    }
}

fn input(b: ArticleIn) -> Result<ArticleInput, CoreError> {
    Ok(ArticleInput {
        title: b.title,
        body: b.body,
        category: KbCategory::parse(&b.category)?,
        visibility: match b.visibility.as_deref() {
            None | Some("public") => Visibility::Public,
            Some("internal") => Visibility::Internal,
            Some(other) => {
                return Err(CoreError::invalid(
                    "visibility",
                    format!("'{other}' is not public or internal"),
                ));
            }
        },
        tags: b.tags,
    })
}

fn base<S: Storage + Clone>(st: &AppState<S>) -> String {
    st.dir
        .desk_policy()
        .map(|p| p.contacts.public_url.clone())
        .unwrap_or_default()
}

/// Lists or searches articles (public ones without a token; agents see internal ones too).
#[utoipa::path(get, path = "/api/v1/kb/articles", tag = "kb", params(KbQuery), security(()),
    responses((status = 200, body = Vec<ArticleOut>)))]
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    q: Result<Query<KbQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<ArticleOut>>> {
    let Query(q) = q?;
    let category = q.category.as_deref().map(KbCategory::parse).transpose()?;
    let articles = match q.q.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(words) => st
            .dir
            .kb_search(&actor, words)
            .await?
            .into_iter()
            .filter(|a| category.is_none_or(|c| a.category == c))
            .collect(),
        None => st.dir.kb_articles(&actor, category).await?,
    };
    let base = base(&st);
    Ok(Json(articles.into_iter().map(|a| out(&base, a)).collect()))
}

/// Reads an article.
#[utoipa::path(get, path = "/api/v1/kb/articles/{slug}", tag = "kb", security(()),
    responses((status = 200, body = ArticleOut), (status = 404, body = crate::Problem)))]
pub async fn get<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
) -> ApiResult<Json<ArticleOut>> {
    let a = st.dir.kb_article(&actor, &super::name(&slug)?).await?;
    Ok(Json(out(&base(&st), a)))
}

/// Writes a new article (agents).
#[utoipa::path(post, path = "/api/v1/kb/articles", tag = "kb", request_body = ArticleIn,
    responses((status = 201, body = ArticleOut), (status = 403, body = crate::Problem),
        (status = 409, body = crate::Problem)))]
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    body: Result<Json<ArticleIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<ArticleOut>)> {
    let Json(b) = body?;
    let slug = b
        .slug
        .as_deref()
        .ok_or_else(|| CoreError::invalid("slug", "is required to create an article"))?;
    let slug = super::name(slug)?;
    let a = st.dir.create_article(&actor, &slug, input(b)?).await?;
    Ok((StatusCode::CREATED, Json(out(&base(&st), a))))
}

/// Replaces an article's content (agents; built-in articles are not editable).
#[utoipa::path(put, path = "/api/v1/kb/articles/{slug}", tag = "kb", request_body = ArticleIn,
    responses((status = 200, body = ArticleOut), (status = 409, body = crate::Problem)))]
pub async fn update<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
    body: Result<Json<ArticleIn>, JsonRejection>,
) -> ApiResult<Json<ArticleOut>> {
    let Json(b) = body?;
    let a = st
        .dir
        .update_article(&actor, &super::name(&slug)?, input(b)?)
        .await?;
    Ok(Json(out(&base(&st), a)))
}

/// Deletes an article (agents).
#[utoipa::path(delete, path = "/api/v1/kb/articles/{slug}", tag = "kb",
    responses((status = 204, description = "deleted"), (status = 404, body = crate::Problem)))]
pub async fn delete<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
) -> ApiResult<StatusCode> {
    st.dir.delete_article(&actor, &super::name(&slug)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Public articles that may answer a ticket being written.
#[utoipa::path(get, path = "/api/v1/kb/suggest", tag = "kb", params(SuggestQuery), security(()),
    responses((status = 200, body = Vec<SuggestionOut>)))]
pub async fn suggest<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    q: Result<Query<SuggestQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<SuggestionOut>>> {
    let Query(q) = q?;
    if q.q.len() > 4096 {
        return Err(CoreError::invalid("q", "must be at most 4096 characters").into());
    }
    let base = base(&st);
    Ok(Json(
        st.dir
            .kb_suggest(&q.q)
            .await?
            .into_iter()
            .map(|a| SuggestionOut {
                url: format!("{base}/kb/{}", a.slug),
                slug: a.slug.as_str().to_string(),
                title: a.title,
            })
            .collect(),
    ))
}
