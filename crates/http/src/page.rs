//! Cursor pagination on the wire: `?limit=&after=` in, `{items, next}` out.

use serde::{Deserialize, Serialize};
use skydir_core::page::{DEFAULT_PAGE, MAX_PAGE, Page, PageRequest};
use utoipa::{IntoParams, ToSchema};

/// Query parameters of every listing.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    /// Items per page (1–500, default 50).
    pub limit: Option<u32>,
    /// The `next` value of the previous page.
    pub after: Option<String>,
}

impl PageQuery {
    /// The core's page request.
    pub fn request(&self) -> Result<PageRequest, skydir_core::CoreError> {
        let limit = self.limit.unwrap_or(DEFAULT_PAGE);
        if limit == 0 || limit > MAX_PAGE {
            return Err(skydir_core::CoreError::invalid(
                "limit",
                format!("must be between 1 and {MAX_PAGE}"),
            ));
        }
        if self.after.as_ref().is_some_and(|a| a.len() > 256) {
            return Err(skydir_core::CoreError::invalid("after", "cursor too long"));
        }
        Ok(PageRequest {
            after: self.after.clone(),
            limit,
        })
    }
}

/// One page of results.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageOut<T> {
    pub items: Vec<T>,
    /// Pass as `after` to get the next page; absent on the last page.
    pub next: Option<String>,
}

impl<T> PageOut<T> {
    /// Converts a core page.
    pub fn from<U>(p: Page<U>, f: impl FnMut(U) -> T) -> Self {
        Self {
            items: p.items.into_iter().map(f).collect(),
            next: p.next,
        }
    }
}
