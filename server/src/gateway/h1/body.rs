//! The response body of a backend exchange as the caller's side reads it: framed by
//! length, chunks or the backend closing, and the connection handed back to its pool when
//! the body has been read to its end.
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use axum::body::{Body, Bytes};
use http_body::{Frame, SizeHint};

use super::{invalid, Chunk, Connection, Framing, Head, MAX_CHUNK_LINE};

/// Where a connection goes when its response has been read to the end.
pub trait Release: Unpin + Send + 'static {
    fn release(self, connection: Connection);
}

impl Head {
    /// The response body. A body already read whole is returned as it is and the connection
    /// released at once; otherwise it streams, and the connection is released when the body
    /// has been read to its end (a body dropped before that closes the connection).
    pub fn body<R: Release>(&self, mut connection: Connection, release: R) -> Body {
        if let Framing::Length(length) = self.framing {
            if connection.read.len() as u64 >= length {
                let whole = connection.read.split_to(length as usize).freeze();
                if self.keep_alive && connection.read.is_empty() {
                    release.release(connection);
                }
                return Body::from(whole);
            }
        }
        Body::new(Streaming {
            connection: Some(connection),
            framing: self.framing,
            keep_alive: self.keep_alive,
            release: Some(release),
        })
    }
}

struct Streaming<R> {
    connection: Option<Connection>,
    framing: Framing,
    keep_alive: bool,
    release: Option<R>,
}

impl<R: Release> Streaming<R> {
    /// The body has ended: the connection goes back if it can carry another request.
    fn finish(&mut self) {
        let connection = self.connection.take();
        if let (Some(connection), Some(release)) = (connection, self.release.take()) {
            if self.keep_alive && connection.read.is_empty() {
                release.release(connection);
            }
        }
    }
}

/// Reads more of the response into the connection's buffer; `Ok(0)` at the end.
fn poll_fill(connection: &mut Connection, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
    connection.read.reserve(8 * 1024);
    loop {
        ready!(connection.stream.poll_read_ready(cx))?;
        match connection.stream.try_read_buf(&mut connection.read) {
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => continue,
            done => return Poll::Ready(done),
        }
    }
}

impl<R: Release> http_body::Body for Streaming<R> {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = &mut *self;
        loop {
            let Some(connection) = this.connection.as_mut() else {
                return Poll::Ready(None);
            };
            let buffered = connection.read.len();
            match this.framing {
                Framing::Length(0) => {
                    this.finish();
                    return Poll::Ready(None);
                }
                Framing::Length(left) => {
                    if buffered == 0 && ready!(poll_fill(connection, cx))? == 0 {
                        this.connection = None;
                        return Poll::Ready(Some(Err(invalid("the backend closed mid-body"))));
                    }
                    let take = (connection.read.len() as u64).min(left);
                    let data = connection.read.split_to(take as usize).freeze();
                    this.framing = Framing::Length(left - take);
                    if left == take {
                        this.finish();
                    }
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                Framing::UntilClose => {
                    if buffered == 0 && ready!(poll_fill(connection, cx))? == 0 {
                        this.connection = None;
                        return Poll::Ready(None);
                    }
                    let data = connection.read.split().freeze();
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                Framing::Chunked(Chunk::Data(left)) => {
                    if buffered == 0 && ready!(poll_fill(connection, cx))? == 0 {
                        this.connection = None;
                        return Poll::Ready(Some(Err(invalid("the backend closed mid-chunk"))));
                    }
                    let take = (connection.read.len() as u64).min(left);
                    let data = connection.read.split_to(take as usize).freeze();
                    this.framing = Framing::Chunked(if left == take {
                        Chunk::DataEnd
                    } else {
                        Chunk::Data(left - take)
                    });
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                Framing::Chunked(chunk) => {
                    let Some(end) = connection.read.windows(2).position(|w| w == b"\r\n") else {
                        if buffered > MAX_CHUNK_LINE {
                            this.connection = None;
                            return Poll::Ready(Some(Err(invalid("a chunk line is too long"))));
                        }
                        if ready!(poll_fill(connection, cx))? == 0 {
                            this.connection = None;
                            return Poll::Ready(Some(Err(invalid("the backend closed mid-chunk"))));
                        }
                        continue;
                    };
                    let line = connection.read.split_to(end + 2);
                    let line = &line[..end];
                    this.framing = match chunk {
                        Chunk::DataEnd if line.is_empty() => Framing::Chunked(Chunk::Size),
                        Chunk::DataEnd => {
                            this.connection = None;
                            return Poll::Ready(Some(Err(invalid(
                                "a chunk is longer than its size",
                            ))));
                        }
                        Chunk::Size => match chunk_size(line) {
                            Some(0) => Framing::Chunked(Chunk::Trailers),
                            Some(size) => Framing::Chunked(Chunk::Data(size)),
                            None => {
                                this.connection = None;
                                return Poll::Ready(Some(Err(invalid(
                                    "a chunk size is not valid",
                                ))));
                            }
                        },
                        Chunk::Trailers if line.is_empty() => {
                            this.finish();
                            return Poll::Ready(None);
                        }
                        Chunk::Trailers | Chunk::Data(_) => this.framing,
                    };
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.connection.is_none() || self.framing == Framing::Length(0)
    }

    fn size_hint(&self) -> SizeHint {
        match self.framing {
            Framing::Length(left) => SizeHint::with_exact(left),
            _ => SizeHint::default(),
        }
    }
}

/// A chunk-size line's size (hexadecimal, before any `;` extension).
fn chunk_size(line: &[u8]) -> Option<u64> {
    let digits = line.split(|&b| b == b';').next()?;
    let digits = std::str::from_utf8(digits).ok()?.trim();
    if digits.is_empty() || digits.len() > 15 {
        return None;
    }
    u64::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_sizes_are_hexadecimal_with_optional_extensions() {
        assert_eq!(chunk_size(b"1a"), Some(26));
        assert_eq!(chunk_size(b"0"), Some(0));
        assert_eq!(chunk_size(b"FF;name=value"), Some(255));
        assert_eq!(chunk_size(b""), None);
        assert_eq!(chunk_size(b"zz"), None);
        assert_eq!(chunk_size(b"1234567890abcdef0"), None);
    }
}
