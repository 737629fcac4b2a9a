//! Writes of the knowledge base: an article and, on SQLite, its row in the FTS5 index, in the
//! same transaction (PostgreSQL keeps its search column itself).

use crate::db::{Tx, args};
use crate::error::StoreResult;
use crate::rows::article::article_args;
use skydir_core::ids::ArticleId;
use skydir_core::support::Article;

pub(super) async fn put_article(tx: &mut Tx, a: &Article) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO kb_articles (id, slug, title, body, category, visibility, tags, builtin, \
         author_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, title = excluded.title, \
         body = excluded.body, category = excluded.category, visibility = excluded.visibility, \
         tags = excluded.tags, builtin = excluded.builtin, author_id = excluded.author_id, \
         updated_at = excluded.updated_at",
        article_args(a)?,
    )
    .await?;
    if let Tx::Sqlite(_) = tx {
        let id = a.id.to_string();
        tx.execute(
            "DELETE FROM kb_search WHERE article_id = $1",
            args![id.as_str()],
        )
        .await?;
        tx.execute(
            "INSERT INTO kb_search (article_id, title, tags, body) VALUES ($1, $2, $3, $4)",
            args![
                id.as_str(),
                a.title.as_str(),
                a.tags.join(" "),
                a.body.as_str()
            ],
        )
        .await?;
    }
    Ok(())
}

pub(super) async fn delete_article(tx: &mut Tx, id: ArticleId) -> StoreResult<()> {
    let n = tx
        .execute(
            "DELETE FROM kb_articles WHERE id = $1",
            args![id.to_string()],
        )
        .await?;
    super::found(n, "article", id)?;
    if let Tx::Sqlite(_) = tx {
        tx.execute(
            "DELETE FROM kb_search WHERE article_id = $1",
            args![id.to_string()],
        )
        .await?;
    }
    Ok(())
}
