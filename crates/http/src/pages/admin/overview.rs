//! The console's first page: the organization at a glance — its plan, the seats it uses
//! against the plan's limit, when a trial ends — and where to go next.

use super::Admin;
use crate::AppState;
use crate::pages::shell::{failure, frame};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use skydir_core::ports::Storage;

/// `GET /admin`.
pub async fn show<S: Storage + Clone>(State(st): State<AppState<S>>, a: Admin) -> Response {
    let facts = async {
        let org = st.dir.get_org(&a.actor, &a.slug).await?;
        let used = st.dir.count_users(&a.actor, &a.slug).await?;
        Ok::<_, skydir_core::CoreError>((org, used))
    }
    .await;
    let (org, used) = match facts {
        Ok(f) => f,
        Err(e) => {
            return failure(&st, a.chrome(), &e, ("/admin", "Overview"));
        }
    };
    let now = st.dir.now();
    let limit = org.plan.user_limit(now);
    let full = limit.is_some_and(|l| used >= l);
    let body = html! {
        h1 { (org.name) }
        dl.facts {
            dt { "Organization" } dd { code { (org.slug) } }
            dt { "Plan" } dd #plan { (org.plan.kind) }
            dt { "Seats used" }
            dd #seats {
                (used) " of "
                @match limit { Some(l) => (l), None => "unlimited" }
                @if full { " " strong.badge.warn { "full" } }
            }
            @if let Some(end) = org.plan.trial_ends {
                dt { "Trial ends" }
                dd #trial {
                    (end.strftime("%Y-%m-%d"))
                    @let days = (end.as_second() - now.as_second()).div_euclid(86_400);
                    @if days >= 0 { " (" (days) " days left)" } @else { " " strong.badge.warn { "ended" } }
                }
            }
            dt { "LDAP base" } dd { code { "o=" (org.slug) ",dc=skydir" } }
        }
        @if full {
            p.error role="status" { "Every seat is in use: new users cannot be added until seats are added to the plan (Sales and Customer Success) or users are removed." }
        }
        h2 { "Manage" }
        ul {
            li { a href="/admin/users" { "Users" } " — add people, suspend them, edit their details." }
            li { a href="/admin/groups" { "Groups" } " — membership, including groups inside groups." }
            li { a href="/portal/tickets" { "Support tickets" } " — ask the provider's support for help." }
            li { a href="/portal/my-data" { "My data" } " — what is held about you." }
        }
    };
    frame(&st, a.chrome(), StatusCode::OK, "Overview", "/admin", body)
}
