//! Shared helpers of the integration tests (and the `model_memory` example).

pub mod fake_store;
