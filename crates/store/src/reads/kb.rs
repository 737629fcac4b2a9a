//! Reads of the knowledge base, and its full-text search on each database's own engine:
//! SQLite's FTS5 ranked by BM25 (title weighted above tags above body), PostgreSQL's
//! `tsvector` ranked by `ts_rank`. Search words arrive as plain words (letters and digits
//! only), so the query text built from them carries no syntax of its own.

use crate::config::Backend;
use crate::db::{Arg, args};
use crate::error::StoreResult;
use crate::rows::article::{article_cols, article_from_row};
use crate::store::Store;
use skydir_core::directory::Name;
use skydir_core::support::kb::Match;
use skydir_core::support::{Article, KbCategory};
use sqlx::AssertSqlSafe;

impl Store {
    pub(crate) async fn read_article(&self, slug: &Name) -> StoreResult<Option<Article>> {
        self.db()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    article_cols!(),
                    " FROM kb_articles a WHERE a.slug = $1"
                ),
                args![slug.as_str()],
            )
            .await?
            .map(|r| article_from_row(&r))
            .transpose()
    }

    pub(crate) async fn read_articles(
        &self,
        category: Option<KbCategory>,
        include_internal: bool,
    ) -> StoreResult<Vec<Article>> {
        let mut sql = String::from(concat!(
            "SELECT ",
            article_cols!(),
            " FROM kb_articles a WHERE 1 = 1"
        ));
        let mut params: Vec<Arg> = Vec::new();
        if let Some(c) = category {
            params.push(Arg::from(c.as_str()));
            sql.push_str(" AND a.category = $1");
        }
        if !include_internal {
            sql.push_str(" AND a.visibility = 'public'");
        }
        sql.push_str(" ORDER BY a.category, a.title");
        self.db()
            .fetch_all(AssertSqlSafe(sql), params)
            .await?
            .iter()
            .map(article_from_row)
            .collect()
    }

    pub(crate) async fn search_kb(
        &self,
        terms: &[String],
        mode: Match,
        include_internal: bool,
        limit: u32,
    ) -> StoreResult<Vec<Article>> {
        // Words of letters and digits only (`kb::search_terms`); anything else is dropped
        // here too, so no input can reach the query parser as syntax.
        let words: Vec<&String> = terms
            .iter()
            .filter(|t| !t.is_empty() && t.chars().all(char::is_alphanumeric))
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let visibility = if include_internal {
            ""
        } else {
            " AND a.visibility = 'public'"
        };
        let (sql, query) = match self.db().backend() {
            Backend::Sqlite => {
                let joined: Vec<String> = words.iter().map(|w| format!("\"{w}\"*")).collect();
                let query = joined.join(match mode {
                    Match::All => " ",
                    Match::Any => " OR ",
                });
                (
                    format!(
                        "SELECT {} FROM kb_search s JOIN kb_articles a ON a.id = s.article_id \
                         WHERE kb_search MATCH $1{visibility} \
                         ORDER BY bm25(kb_search, 0.0, 10.0, 5.0, 1.0) LIMIT $2",
                        article_cols!()
                    ),
                    query,
                )
            }
            Backend::Postgres => {
                let joined: Vec<String> = words.iter().map(|w| format!("{w}:*")).collect();
                let query = joined.join(match mode {
                    Match::All => " & ",
                    Match::Any => " | ",
                });
                (
                    format!(
                        "SELECT {} FROM kb_articles a \
                         WHERE a.search @@ to_tsquery('english', $1){visibility} \
                         ORDER BY ts_rank(a.search, to_tsquery('english', $1)) DESC, a.title \
                         LIMIT $2",
                        article_cols!()
                    ),
                    query,
                )
            }
        };
        self.db()
            .fetch_all(AssertSqlSafe(sql), args![query, limit])
            .await?
            .iter()
            .map(article_from_row)
            .collect()
    }
}
