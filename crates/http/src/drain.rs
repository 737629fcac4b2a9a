//! Reads to its end the body of a request that was answered without reading it all — a body
//! over the limit (413), a refused token (401), a validation error — so the answer reaches
//! every client whole.
//!
//! Over HTTP/2, a server that answers while the client is still sending must end the stream
//! with `RST_STREAM(NO_ERROR)` once its response is out (RFC 9113 §8.1), which hyper does as
//! soon as the handler has dropped the body. Clients built on hyper take that in their stride;
//! others — curl with nghttp2, among them — report a stream error and drop the response they
//! were given. Over HTTP/1.1 the connection closes instead of staying open for the next
//! request. So the request's body is kept apart from the handler's copy of it: when the handler
//! is done with what it wanted, the rest is read and discarded in the background, after the
//! response has been handed over, up to [`DRAIN_BYTES`] within [`DRAIN_TIME`]; a client that
//! sends (or announces in `Content-Length`) more than that is cut off as before.

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

/// Most bytes read and discarded after the response.
pub const DRAIN_BYTES: u64 = 64 * 1024 * 1024;
/// Longest time spent reading them.
pub const DRAIN_TIME: Duration = Duration::from_secs(30);

/// Runs the request with a body the handler shares with this layer, and drains what the
/// handler left unread.
pub async fn drain_unread(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    if body.is_end_stream() {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let shared = Shared(Arc::new(Mutex::new(Some(body))));
    let resp = next
        .run(Request::from_parts(parts, Body::new(shared.clone())))
        .await;
    // The handler's copy is gone by now (or lives on in a streaming response, which keeps
    // reading it: then there is nothing to take).
    let rest = match Arc::strong_count(&shared.0) {
        1 => shared.lock().take(),
        _ => None,
    };
    // A body that says it holds more than the drain would read is cut off right away.
    let worth_it = |b: &Body| !b.is_end_stream() && b.size_hint().lower() <= DRAIN_BYTES;
    if let Some(rest) = rest.filter(worth_it) {
        tokio::spawn(async move {
            let _ = tokio::time::timeout(DRAIN_TIME, discard(rest)).await;
        });
    }
    resp
}

/// Reads `body` to its end or to [`DRAIN_BYTES`], whichever comes first.
async fn discard(mut body: Body) {
    let mut read: u64 = 0;
    while let Some(Ok(frame)) = body.frame().await {
        if let Some(data) = frame.data_ref() {
            read = read.saturating_add(data.len() as u64);
            if read > DRAIN_BYTES {
                return;
            }
        }
    }
}

/// The request body, readable by the handler through one handle while this layer keeps
/// another.
#[derive(Clone)]
struct Shared(Arc<Mutex<Option<Body>>>);

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Option<Body>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl HttpBody for Shared {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        match self.lock().as_mut() {
            Some(body) => Pin::new(body).poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.lock().as_ref().is_none_or(HttpBody::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.lock()
            .as_ref()
            .map(HttpBody::size_hint)
            .unwrap_or_default()
    }
}
