//! A request body without a declared length (chunked, or HTTP/2 without
//! `content-length`), held to the gateway's `request_body_size` while it streams to the
//! backend: past the limit the stream fails and the call is answered 413. Also `drain`,
//! which reads a refused body so that the caller reads the answer.
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body::{Body as _, Frame, SizeHint};

/// How much of a refused body is read and dropped, and for how long at most.
const LINGER_BYTES: u64 = 16 * 1024 * 1024;
const LINGER_FOR: Duration = Duration::from_secs(5);

/// Reads and drops what is left of a refused request's body (a bounded amount, for a
/// bounded time) before the answer goes out: a caller still sending then reads the 413,
/// where a server that stopped reading would close the connection under it (a reset).
pub async fn drain(body: Body) {
    let drain = async move {
        let mut body = body;
        let mut left = LINGER_BYTES;
        while let Some(Ok(frame)) =
            std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
        {
            let size = frame.data_ref().map_or(0, |data| data.len() as u64);
            match left.checked_sub(size) {
                Some(rest) => left = rest,
                None => break,
            }
        }
    };
    let _ = tokio::time::timeout(LINGER_FOR, drain).await;
}

pub struct Capped {
    inner: Body,
    left: u64,
    over: Arc<AtomicBool>,
}

impl Capped {
    /// `body` allowed `limit` bytes; `over` turns true when it sends more.
    pub fn new(body: Body, limit: u64, over: Arc<AtomicBool>) -> Self {
        Capped {
            inner: body,
            left: limit,
            over,
        }
    }
}

impl http_body::Body for Capped {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled {
            let size = frame.data_ref().map_or(0, |data| data.len() as u64);
            match this.left.checked_sub(size) {
                Some(left) => this.left = left,
                None => {
                    this.over.store(true, Ordering::Relaxed);
                    return Poll::Ready(Some(Err(axum::Error::new(
                        "the request body is over the gateway's request_body_size",
                    ))));
                }
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::convert::Infallible;

    use http_body_util::BodyExt;

    use super::*;

    /// A body that sends chunks of the given sizes, as a chunked upload does.
    struct Chunks(VecDeque<usize>);

    impl http_body::Body for Chunks {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            let next = self.0.pop_front();
            Poll::Ready(next.map(|n| Ok(Frame::data(Bytes::from(vec![b'x'; n])))))
        }
    }

    async fn send(sizes: &[usize], limit: u64) -> (Result<usize, axum::Error>, bool) {
        let over = Arc::new(AtomicBool::new(false));
        let body = Capped::new(
            Body::new(Chunks(sizes.iter().copied().collect())),
            limit,
            over.clone(),
        );
        let collected = body.collect().await.map(|c| c.to_bytes().len());
        (collected, over.load(Ordering::Relaxed))
    }

    #[tokio::test]
    async fn a_body_within_the_limit_passes_whole() {
        let (sent, over) = send(&[400, 600], 1000).await;
        assert_eq!(sent.unwrap(), 1000);
        assert!(!over);
    }

    #[tokio::test]
    async fn a_body_past_the_limit_fails_and_says_so() {
        let (sent, over) = send(&[600, 600], 1000).await;
        assert!(sent.is_err());
        assert!(over);
    }
}
