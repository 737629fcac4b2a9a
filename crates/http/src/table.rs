//! A route table: the axum router together with the list of the paths it routes. The REST API
//! and the console pages are each built as one, so tests can walk every door the application
//! has — the OpenAPI document is held to the API's paths, and the staff-policy matrix visits
//! every API route and every console page — and a new route cannot escape them.

use crate::AppState;
use axum::Router;
use axum::routing::MethodRouter;
use skydir_core::ports::Storage;

/// A router and the paths it routes (as written, e.g. `/api/v1/orgs/{org}`).
pub struct Table<S> {
    pub router: Router<AppState<S>>,
    pub paths: Vec<&'static str>,
}

impl<S: Storage + Clone> Table<S> {
    /// An empty table.
    pub fn new() -> Self {
        Self {
            router: Router::new(),
            paths: Vec::new(),
        }
    }

    /// Routes `path` to `handlers`.
    pub fn route(mut self, path: &'static str, handlers: MethodRouter<AppState<S>>) -> Self {
        self.router = self.router.route(path, handlers);
        self.paths.push(path);
        self
    }

    /// Adds every route of `other`.
    pub fn merge(mut self, other: Table<S>) -> Self {
        self.router = self.router.merge(other.router);
        self.paths.extend(other.paths);
        self
    }
}

impl<S: Storage + Clone> Default for Table<S> {
    fn default() -> Self {
        Self::new()
    }
}
