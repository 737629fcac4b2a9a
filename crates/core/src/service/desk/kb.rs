//! The knowledge base's use cases: anyone reads and searches public articles (no login), agents
//! also the internal ones and write them, and the desk suggests articles for a ticket's text —
//! while it is being written and in the acknowledgement. The built-in pages (support policy,
//! supported versions, supported protocols) are regenerated from the policy at every start.

use crate::access::{Action, Actor, authorize};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::Name;
use crate::error::{CoreError, CoreResult};
use crate::ids::ArticleId;
use crate::ports::{DeskStore, DirectoryStore};
use crate::service::{Directory, target};
use crate::support::kb::{Match, builtin, search_terms};
use crate::support::replies::Suggestion;
use crate::support::{Article, ArticleInput, KbCategory, Visibility};
use serde_json::json;

/// Most results of a search.
const SEARCH_LIMIT: u32 = 50;
/// Suggestions for a ticket's text.
const SUGGESTIONS: u32 = 5;

impl<S: DirectoryStore + DeskStore> Directory<S> {
    /// Whether `actor` may read internal articles (no audit: reading the KB is not an act on
    /// anyone's data).
    fn sees_internal(actor: &Actor) -> bool {
        authorize(actor, &Action::ReadInternalArticles).is_ok()
    }

    /// Articles, by category then title: public ones for everyone, internal ones for agents.
    pub async fn kb_articles(
        &self,
        actor: &Actor,
        category: Option<KbCategory>,
    ) -> CoreResult<Vec<Article>> {
        self.store
            .articles(category, Self::sees_internal(actor))
            .await
    }

    /// One article; an internal one is "not found" to anyone but agents.
    pub async fn kb_article(&self, actor: &Actor, slug: &Name) -> CoreResult<Article> {
        match self.store.article(slug).await? {
            Some(a) if a.visibility == Visibility::Public || Self::sees_internal(actor) => Ok(a),
            _ => Err(CoreError::not_found("article", slug.as_str())),
        }
    }

    /// A reader's search: articles with every word of `q`, best first.
    pub async fn kb_search(&self, actor: &Actor, q: &str) -> CoreResult<Vec<Article>> {
        let terms = search_terms(q);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        self.store
            .search_articles(&terms, Match::All, Self::sees_internal(actor), SEARCH_LIMIT)
            .await
    }

    /// Public articles that may answer a ticket's `text` (any of its words, best first).
    pub async fn kb_suggest(&self, text: &str) -> CoreResult<Vec<Article>> {
        let terms = search_terms(text);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        self.store
            .search_articles(&terms, Match::Any, false, SUGGESTIONS)
            .await
    }

    /// [`Directory::kb_suggest`] as links for an automatic answer (at most three).
    pub(super) async fn suggestions(&self, text: &str) -> CoreResult<Vec<Suggestion>> {
        let policy = self.desk_policy()?;
        Ok(self
            .kb_suggest(text)
            .await?
            .into_iter()
            .take(3)
            .map(|a| Suggestion {
                url: format!("{}/kb/{}", policy.contacts.public_url, a.slug),
                title: a.title,
            })
            .collect())
    }

    /// Writes a new article (agents, operators).
    pub async fn create_article(
        &self,
        actor: &Actor,
        slug: &Name,
        input: ArticleInput,
    ) -> CoreResult<Article> {
        self.check(actor, &Action::ManageKnowledgeBase, "kb:*")
            .await?;
        if self.store.article(slug).await?.is_some() {
            return Err(CoreError::conflict(
                "slug",
                format!("an article at /kb/{slug} already exists"),
            ));
        }
        let input = input.checked()?;
        let now = self.now();
        let article = Article {
            id: ArticleId::from_random(self.random()),
            slug: slug.clone(),
            title: input.title,
            body: input.body,
            category: input.category,
            visibility: input.visibility,
            tags: input.tags,
            builtin: false,
            author: staff_of(actor),
            created_at: now,
            updated_at: now,
        };
        self.put_article(actor, article, "kb.create").await
    }

    /// Replaces an article's content (not a built-in one).
    pub async fn update_article(
        &self,
        actor: &Actor,
        slug: &Name,
        input: ArticleInput,
    ) -> CoreResult<Article> {
        self.check(actor, &Action::ManageKnowledgeBase, "kb:*")
            .await?;
        let current = self.editable(slug).await?;
        let input = input.checked()?;
        let article = Article {
            title: input.title,
            body: input.body,
            category: input.category,
            visibility: input.visibility,
            tags: input.tags,
            author: staff_of(actor).or(current.author),
            updated_at: self.now(),
            ..current
        };
        self.put_article(actor, article, "kb.update").await
    }

    /// Deletes an article (not a built-in one).
    pub async fn delete_article(&self, actor: &Actor, slug: &Name) -> CoreResult<()> {
        self.check(actor, &Action::ManageKnowledgeBase, "kb:*")
            .await?;
        let current = self.editable(slug).await?;
        let mut audit = AuditDraft::new(
            actor,
            &Action::ManageKnowledgeBase,
            target("article", current.id),
            self.now(),
        )
        .with_detail(json!({ "slug": slug.as_str() }));
        audit.action = "kb.delete".into();
        self.store
            .commit(
                Change::new(None)
                    .write(Write::DeleteArticle(current.id))
                    .audit(audit),
            )
            .await
    }

    /// Regenerates the built-in articles from the desk's policy (at every start).
    pub async fn sync_builtin_articles(&self) -> CoreResult<()> {
        let policy = self.desk_policy()?;
        for (slug, input) in builtin(&policy)? {
            let input = input.checked()?;
            let now = self.now();
            let article = match self.store.article(&slug).await? {
                Some(a)
                    if a.title == input.title
                        && a.body == input.body
                        && a.tags == input.tags
                        && a.builtin =>
                {
                    continue;
                }
                Some(a) => Article {
                    title: input.title,
                    body: input.body,
                    category: input.category,
                    visibility: input.visibility,
                    tags: input.tags,
                    builtin: true,
                    updated_at: now,
                    ..a
                },
                None => Article {
                    id: ArticleId::from_random(self.random()),
                    slug: slug.clone(),
                    title: input.title,
                    body: input.body,
                    category: input.category,
                    visibility: input.visibility,
                    tags: input.tags,
                    builtin: true,
                    author: None,
                    created_at: now,
                    updated_at: now,
                },
            };
            self.put_article(&Actor::System, article, "kb.builtin")
                .await?;
        }
        Ok(())
    }

    async fn editable(&self, slug: &Name) -> CoreResult<Article> {
        let a = self
            .store
            .article(slug)
            .await?
            .ok_or_else(|| CoreError::not_found("article", slug.as_str()))?;
        if a.builtin {
            return Err(CoreError::conflict(
                "slug",
                format!(
                    "/kb/{slug} is generated from the desk's policy and cannot be edited; \
                     change the policy's settings instead"
                ),
            ));
        }
        Ok(a)
    }

    async fn put_article(&self, actor: &Actor, a: Article, action: &str) -> CoreResult<Article> {
        let mut audit = AuditDraft::new(
            actor,
            &Action::ManageKnowledgeBase,
            target("article", a.id),
            a.updated_at,
        )
        .with_detail(json!({
            "slug": a.slug.as_str(),
            "visibility": a.visibility.as_str(),
            "category": a.category.as_str(),
        }));
        audit.action = action.into();
        self.store
            .commit(
                Change::new(None)
                    .write(Write::PutArticle(Box::new(a.clone())))
                    .audit(audit),
            )
            .await?;
        Ok(a)
    }
}

fn staff_of(actor: &Actor) -> Option<crate::ids::StaffId> {
    match actor {
        Actor::SupportAgent { staff } | Actor::Operator { staff } => Some(*staff),
        _ => None,
    }
}
