//! Data-protection use cases: the sub-processor registry (kept by the operator, public to all,
//! announced to subscribed orgs by mail), orgs' objections, the Data Processing Agreement, and
//! the access report about a person, erasure with its propagation to sub-processors, and
//! the breach register, and the deletion of whole organizations.

mod access;
mod breach;
mod data_requests;
mod dpa;
mod erasure;
mod org_deletion;
mod records;
mod registry;
mod retention;

pub use breach::{Affected, BreachView, NoticeView};
pub use erasure::{ConnectorPatch, Webhook};
pub use org_deletion::PurgeOutcome;
pub use registry::FEED_ITEMS as REGISTRY_FEED_ITEMS;
pub use retention::AttachmentPurge;

use crate::error::CoreResult;
use crate::page::{MAX_PAGE, Page, PageRequest};

/// Reads every page of a cursor listing.
pub(super) async fn all_pages<T, F, Fut>(mut fetch: F) -> CoreResult<Vec<T>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = CoreResult<Page<T>>>,
{
    let mut out = Vec::new();
    let mut page = PageRequest::first(MAX_PAGE);
    loop {
        let p = fetch(page.clone()).await?;
        out.extend(p.items);
        match p.next {
            Some(next) => page.after = Some(next),
            None => return Ok(out),
        }
    }
}
