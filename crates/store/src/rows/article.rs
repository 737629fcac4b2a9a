//! Knowledge-base articles as rows: tags as a JSON array, enums by their wire names. Articles
//! are the provider's writing, not customer data: nothing here is sealed.

use super::{id, micros, parsed, ts};
use crate::db::{Arg, Row, args};
use crate::error::{StoreError, StoreResult};
use skydir_core::directory::Name;
use skydir_core::ids::{ArticleId, StaffId};
use skydir_core::support::{Article, KbCategory, Visibility};

/// Columns read by [`article_from_row`], in order (prefixed by the table alias `a`).
macro_rules! article_cols {
    () => {
        "a.id, a.slug, a.title, a.body, a.category, a.visibility, a.tags, a.builtin, \
         a.author_id, a.created_at, a.updated_at"
    };
}
pub(crate) use article_cols;

/// Values for `INSERT INTO kb_articles (id, slug, title, body, category, visibility, tags,
/// builtin, author_id, created_at, updated_at)`.
pub(crate) fn article_args(a: &Article) -> StoreResult<Vec<Arg>> {
    let tags = serde_json::to_string(&a.tags)
        .map_err(|_| StoreError::corrupt("kb_articles.tags do not serialize"))?;
    Ok(args![
        a.id.to_string(),
        a.slug.as_str(),
        a.title.as_str(),
        a.body.as_str(),
        a.category.as_str(),
        a.visibility.as_str(),
        tags,
        i64::from(a.builtin),
        a.author.map(|s| s.to_string()),
        micros(a.created_at),
        micros(a.updated_at),
    ])
}

fn visibility(s: &str) -> Result<Visibility, ()> {
    match s {
        "public" => Ok(Visibility::Public),
        "internal" => Ok(Visibility::Internal),
        _ => Err(()),
    }
}

/// An article from a row of `article_cols!()`.
pub(crate) fn article_from_row(r: &Row) -> StoreResult<Article> {
    Ok(Article {
        id: id(&r.text(0)?, ArticleId::parse, "kb_articles.id")?,
        slug: parsed(&r.text(1)?, Name::parse, "kb_articles.slug")?,
        title: r.text(2)?,
        body: r.text(3)?,
        category: parsed(&r.text(4)?, KbCategory::parse, "kb_articles.category")?,
        visibility: parsed(&r.text(5)?, visibility, "kb_articles.visibility")?,
        tags: serde_json::from_str(&r.text(6)?)
            .map_err(|_| StoreError::corrupt("kb_articles.tags are malformed"))?,
        builtin: r.int(7)? != 0,
        author: r
            .opt_text(8)?
            .map(|s| id(&s, StaffId::parse, "kb_articles.author_id"))
            .transpose()?,
        created_at: ts(r.int(9)?, "kb_articles.created_at")?,
        updated_at: ts(r.int(10)?, "kb_articles.updated_at")?,
    })
}
