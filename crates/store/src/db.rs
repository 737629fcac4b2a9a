//! One SQL text, two engines. Every query in the store is written once (SQLite accepts `$1`
//! placeholders) and run through these wrappers, which bind a small closed set of argument
//! types (64-bit integers and text, each nullable) and read columns back the same way. The
//! schema keeps to those types on purpose: ids and JSON are text, times and flags are integers.
//!
//! This is not sqlx's `Any` driver: each backend keeps its own pool and native types.

use crate::config::Backend;
use crate::error::StoreResult;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{PgPool, Postgres, Row as _, SqlSafeStr, Sqlite, SqlitePool, Transaction};

/// A connection pool on one of the two engines.
#[derive(Debug, Clone)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A query argument.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Self::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Self::Int(v)
    }
}
impl From<u32> for Arg {
    fn from(v: u32) -> Self {
        Self::Int(Some(i64::from(v)))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Self::Text(Some(v))
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Self::Text(Some(v.to_string()))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Self::Text(Some(v.clone()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Self::Text(v)
    }
}

/// Builds a `Vec<Arg>` from values of any supported type.
macro_rules! args {
    ($($a:expr),* $(,)?) => { vec![$($crate::db::Arg::from($a)),*] };
}
pub(crate) use args;

/// Binds `args` in order onto a `sqlx::query`.
macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::Int(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
            };
        }
        q
    }};
}

/// Runs one statement against an executor of either engine.
macro_rules! on_engine {
    ($self:ident, $exec:ident => $body:expr) => {
        match $self {
            Self::Sqlite($exec) => $body,
            Self::Postgres($exec) => $body,
        }
    };
}

/// A fetched row of either engine, read by column index.
#[derive(Debug)]
pub(crate) enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

impl Row {
    /// A non-null text column.
    pub(crate) fn text(&self, i: usize) -> StoreResult<String> {
        Ok(match self {
            Self::Sqlite(r) => r.try_get::<String, _>(i)?,
            Self::Postgres(r) => r.try_get::<String, _>(i)?,
        })
    }

    /// A nullable text column.
    pub(crate) fn opt_text(&self, i: usize) -> StoreResult<Option<String>> {
        Ok(match self {
            Self::Sqlite(r) => r.try_get::<Option<String>, _>(i)?,
            Self::Postgres(r) => r.try_get::<Option<String>, _>(i)?,
        })
    }

    /// A non-null integer column.
    pub(crate) fn int(&self, i: usize) -> StoreResult<i64> {
        Ok(match self {
            Self::Sqlite(r) => r.try_get::<i64, _>(i)?,
            Self::Postgres(r) => r.try_get::<i64, _>(i)?,
        })
    }

    /// A nullable integer column.
    pub(crate) fn opt_int(&self, i: usize) -> StoreResult<Option<i64>> {
        Ok(match self {
            Self::Sqlite(r) => r.try_get::<Option<i64>, _>(i)?,
            Self::Postgres(r) => r.try_get::<Option<i64>, _>(i)?,
        })
    }
}

impl Db {
    /// Which engine this is.
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs a statement; returns the number of rows affected.
    pub(crate) async fn execute(&self, sql: impl SqlSafeStr, args: Vec<Arg>) -> StoreResult<u64> {
        on_engine!(self, pool => Ok(bind_all!(sqlx::query(sql), args)
            .execute(pool)
            .await?
            .rows_affected()))
    }

    /// Runs a query; returns every row.
    pub(crate) async fn fetch_all(
        &self,
        sql: impl SqlSafeStr,
        args: Vec<Arg>,
    ) -> StoreResult<Vec<Row>> {
        Ok(match self {
            Self::Sqlite(pool) => bind_all!(sqlx::query(sql), args)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(Row::Sqlite)
                .collect(),
            Self::Postgres(pool) => bind_all!(sqlx::query(sql), args)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(Row::Postgres)
                .collect(),
        })
    }

    /// Runs a query; returns its first row, if any.
    pub(crate) async fn fetch_optional(
        &self,
        sql: impl SqlSafeStr,
        args: Vec<Arg>,
    ) -> StoreResult<Option<Row>> {
        Ok(match self {
            Self::Sqlite(pool) => bind_all!(sqlx::query(sql), args)
                .fetch_optional(pool)
                .await?
                .map(Row::Sqlite),
            Self::Postgres(pool) => bind_all!(sqlx::query(sql), args)
                .fetch_optional(pool)
                .await?
                .map(Row::Postgres),
        })
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so two writers queue on the busy timeout instead of failing at commit.
    pub(crate) async fn begin_write(&self) -> StoreResult<Tx> {
        Ok(match self {
            Self::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Self::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Closes the pool, waiting for connections to be returned.
    pub(crate) async fn close(&self) {
        on_engine!(self, pool => pool.close().await)
    }
}

/// An open transaction on either engine. Dropped without [`Tx::commit`], it rolls back.
#[derive(Debug)]
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    /// The SQL text for this engine, where the two must differ (row locks).
    pub(crate) fn pick(&self, sqlite: &'static str, postgres: &'static str) -> &'static str {
        match self {
            Self::Sqlite(_) => sqlite,
            Self::Postgres(_) => postgres,
        }
    }

    /// Runs a statement; returns the number of rows affected.
    pub(crate) async fn execute(
        &mut self,
        sql: impl SqlSafeStr,
        args: Vec<Arg>,
    ) -> Result<u64, sqlx::Error> {
        on_engine!(self, tx => Ok(bind_all!(sqlx::query(sql), args)
            .execute(&mut **tx)
            .await?
            .rows_affected()))
    }

    /// Runs a query; returns its first row, if any.
    pub(crate) async fn fetch_optional(
        &mut self,
        sql: impl SqlSafeStr,
        args: Vec<Arg>,
    ) -> Result<Option<Row>, sqlx::Error> {
        Ok(match self {
            Self::Sqlite(tx) => bind_all!(sqlx::query(sql), args)
                .fetch_optional(&mut **tx)
                .await?
                .map(Row::Sqlite),
            Self::Postgres(tx) => bind_all!(sqlx::query(sql), args)
                .fetch_optional(&mut **tx)
                .await?
                .map(Row::Postgres),
        })
    }

    /// Commits.
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(tx) => tx.commit().await,
            Self::Postgres(tx) => tx.commit().await,
        }
    }

    /// Rolls back.
    pub(crate) async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(tx) => tx.rollback().await,
            Self::Postgres(tx) => tx.rollback().await,
        }
    }
}
