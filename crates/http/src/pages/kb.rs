//! The public knowledge base: `/kb` (categories and their articles, or search results for
//! `?q=`, narrowed by `?category=`) and `/kb/{slug}` (one article). No login: the support
//! policy promises the Knowledge Base to everyone, so these pages read as anonymous and never
//! show internal articles.

use super::layout::{page, respond};
use crate::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::access::Actor;
use skydir_core::directory::Name;
use skydir_core::ports::Storage;
use skydir_core::support::{Article, KbCategory};

/// `/kb` query parameters.
#[derive(Debug, Deserialize)]
pub struct KbParams {
    q: Option<String>,
    category: Option<String>,
}

/// `/kb`: the index, or search results.
pub async fn index<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    params: Result<Query<KbParams>, QueryRejection>,
) -> Response {
    let policy = st.dir.desk_policy().ok();
    let params = params.map(|Query(p)| p).unwrap_or(KbParams {
        q: None,
        category: None,
    });
    let q = params
        .q
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(200).collect::<String>());
    let category = match params.category.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => match KbCategory::parse(c) {
            Ok(c) => Some(c),
            Err(e) => {
                let body = html! { h1 { "Knowledge Base" } (search_form(None)) p.error role="alert" { (e.to_string()) } };
                return respond(
                    StatusCode::BAD_REQUEST,
                    page("Knowledge Base", policy.as_deref(), body),
                );
            }
        },
    };
    let anonymous = Actor::Anonymous;
    let result = match &q {
        Some(words) => st.dir.kb_search(&anonymous, words).await.map(|v| {
            v.into_iter()
                .filter(|a| category.is_none_or(|c| a.category == c))
                .collect::<Vec<_>>()
        }),
        None => st.dir.kb_articles(&anonymous, category).await,
    };
    let articles = match result {
        Ok(a) => a,
        Err(e) => return failure(policy.as_deref(), &e),
    };
    let body = html! {
        h1 { "Knowledge Base" }
        p.muted { "Guides, answers and the support policy — open to everyone, no login needed." }
        (search_form(q.as_deref()))
        nav aria-label="Categories" {
            ul.categories {
                li { a href="/kb" aria-current=[category.is_none().then_some("page")] { "All" } }
                @for c in KbCategory::ALL {
                    li { a href={ "/kb?category=" (c.as_str()) } aria-current=[(category == Some(c)).then_some("page")] { (c.title()) } }
                }
            }
        }
        @if let Some(words) = &q {
            section aria-labelledby="results" {
                h2 #results { (articles.len()) " result" @if articles.len() != 1 { "s" } " for “" (words) "”" }
                @if articles.is_empty() {
                    div.empty {
                        p { "No article matches every word of your search." }
                        p { "Try fewer or other words, browse the categories above, or ask your organization's administrator to contact support." }
                    }
                } @else {
                    ol.results { @for a in &articles { li { (summary(a)) } } }
                }
            }
        } @else {
            @if articles.is_empty() {
                div.empty { p { "No articles in this category yet." } }
            }
            @for c in KbCategory::ALL {
                @let in_c: Vec<&Article> = articles.iter().filter(|a| a.category == c).collect();
                @if !in_c.is_empty() {
                    section aria-labelledby={ "c-" (c.as_str()) } {
                        h2 id={ "c-" (c.as_str()) } { (c.title()) }
                        ul.articles { @for a in in_c { li { (summary(a)) } } }
                    }
                }
            }
        }
    };
    respond(
        StatusCode::OK,
        page("Knowledge Base", policy.as_deref(), body),
    )
}

/// `/kb/{slug}`: one public article.
pub async fn article<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Path(slug): Path<String>,
) -> Response {
    let policy = st.dir.desk_policy().ok();
    let found = match Name::parse(&slug) {
        Ok(name) => st.dir.kb_article(&Actor::Anonymous, &name).await,
        Err(_) => Err(CoreError::not_found("article", slug.clone())),
    };
    match found {
        Ok(a) => {
            let body = html! {
                article {
                    h1 { (a.title) }
                    p.muted {
                        a href={ "/kb?category=" (a.category.as_str()) } { (a.category.title()) }
                        " · updated " (a.updated_at.strftime("%Y-%m-%d"))
                    }
                    (render_body(&a.body))
                }
                p { a href="/kb" { "← All articles" } }
            };
            respond(StatusCode::OK, page(&a.title, policy.as_deref(), body))
        }
        Err(e) => failure(policy.as_deref(), &e),
    }
}

fn search_form(q: Option<&str>) -> Markup {
    html! {
        form.search method="get" action="/kb" role="search" {
            label for="q" { "Search the Knowledge Base" }
            input #q type="search" name="q" value=[q] autocomplete="off" maxlength="200";
            button type="submit" { "Search" }
        }
    }
}

fn summary(a: &Article) -> Markup {
    let first: String = a
        .body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('|'))
        .unwrap_or("")
        .trim_start_matches("- ")
        .chars()
        .take(180)
        .collect();
    html! {
        a href={ "/kb/" (a.slug) } { (a.title) }
        @if !first.is_empty() { br; span.muted { (first) @if first.chars().count() == 180 { "…" } } }
    }
}

fn failure(policy: Option<&skydir_core::support::DeskPolicy>, e: &CoreError) -> Response {
    let (status, title, text) = match e {
        CoreError::NotFound { .. } => (
            StatusCode::NOT_FOUND,
            "Article not found",
            "There is no public article at this address. It may have moved: try the search.",
        ),
        _ => {
            tracing::error!(error = %e, "knowledge base page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "The Knowledge Base could not be read just now. Please try again in a moment.",
            )
        }
    };
    let body = html! { h1 { (title) } p { (text) } (search_form(None)) };
    respond(status, page(title, policy, body))
}

/// An article's plain-text layout as HTML: blank lines separate blocks; `# ` lines are
/// headings, `- ` lines list items, `|` lines table rows (the first is the header); anything
/// else is a paragraph. Text is always escaped.
pub fn render_body(body: &str) -> Markup {
    let blocks: Vec<Vec<&str>> = body
        .split("\n\n")
        .map(|b| {
            b.lines()
                .map(str::trim_end)
                .filter(|l| !l.trim().is_empty())
                .collect()
        })
        .filter(|b: &Vec<&str>| !b.is_empty())
        .collect();
    html! {
        @for block in blocks {
            @let (headings, rest): (Vec<&str>, Vec<&str>) = split_headings(&block);
            @for h in headings { h2 { (h.trim_start_matches('#').trim()) } }
            @if rest.is_empty() {
            } @else if rest.iter().all(|l| l.trim_start().starts_with("- ")) {
                ul { @for l in &rest { li { (l.trim_start().trim_start_matches("- ")) } } }
            } @else if rest.iter().all(|l| l.trim_start().starts_with('|')) {
                table {
                    @for (i, row) in rest.iter().enumerate() {
                        tr {
                            @for cell in cells(row) {
                                @if i == 0 { th scope="col" { (cell) } } @else { td { (cell) } }
                            }
                        }
                    }
                }
            } @else {
                p { (rest.join(" ")) }
            }
        }
    }
}

/// The heading lines at the start of a block, and the rest.
fn split_headings<'a>(block: &[&'a str]) -> (Vec<&'a str>, Vec<&'a str>) {
    let n = block.iter().take_while(|l| l.starts_with("# ")).count();
    (block[..n].to_vec(), block[n..].to_vec())
}

fn cells(row: &str) -> Vec<&str> {
    row.trim()
        .trim_start_matches('|')
        .trim_end_matches('|')
        .split('|')
        .map(str::trim)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::render_body;

    #[test]
    fn article_layout_renders_escaped() {
        let html = render_body(
            "# Title\n\nA <script>alert(1)</script> paragraph\nwrapped.\n\n- one\n- two\n\n\
             | a | b |\n| 1 | 2 |\n",
        )
        .into_string();
        assert!(html.contains("<h2>Title</h2>"), "{html}");
        assert!(
            html.contains("<p>A &lt;script&gt;alert(1)&lt;/script&gt; paragraph wrapped.</p>"),
            "{html}"
        );
        assert!(html.contains("<ul><li>one</li><li>two</li></ul>"), "{html}");
        assert!(html.contains("<th scope=\"col\">a</th>"), "{html}");
        assert!(html.contains("<td>2</td>"), "{html}");
    }
}
