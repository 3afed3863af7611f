//! The framing each request on a connection declares, read from the caller's own bytes: a
//! request carrying both `Content-Length` and `Transfer-Encoding` is refused with 400
//! before anything reaches a backend (RFC 9112 §6.3; the pair is how requests are smuggled
//! past one server to the next). hyper drops the length of such a request and decodes it
//! as chunked, so nothing in the request it hands over tells the two apart.
//!
//! [`Watched`] wraps a connection's stream and follows its HTTP/1 messages as hyper reads
//! them: each head, then its body by length or by chunks, then the next head. The
//! connection's service asks [`Framing::next_is_ambiguous`] once per call, in the order
//! hyper serves them (one at a time on an HTTP/1 connection). Whatever the follower does
//! not understand (HTTP/2, `CONNECT`, a malformed chunk that hyper refuses anyway) makes it
//! stop following that connection, so it can miss nothing but a head it could not read and
//! never flags a call wrongly.
//!
//! The follower also knows when a head has begun and not yet ended, which is how a request
//! head that trickles in (one byte a minute) is cut off after the header timeout.
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::http::{header, HeaderValue, Request};
use axum::response::Response;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

use super::capped::drain;
use super::{GatewayError, RequestId};
use crate::listen::ClientLimits;

/// Longest head followed; hyper refuses longer ones (its read buffer is about 400 KB).
const MAX_HEAD: usize = 512 * 1024;
/// Longest chunk-size line followed.
const MAX_LINE: usize = 4096;
const NONE: u64 = u64::MAX;

/// What a connection's follower found, for its service to read call by call.
#[derive(Clone)]
pub struct Framing(Arc<Shared>);

struct Shared {
    /// The number (from 0) of the first request whose head carries both lengths.
    ambiguous: AtomicU64,
    /// Calls served so far.
    served: AtomicU64,
    /// Calls being answered right now (more than one when the caller pipelines).
    in_flight: AtomicU32,
}

impl Default for Framing {
    fn default() -> Self {
        Framing(Arc::new(Shared {
            ambiguous: AtomicU64::new(NONE),
            served: AtomicU64::new(0),
            in_flight: AtomicU32::new(0),
        }))
    }
}

impl Framing {
    /// For the call about to be served: whether its head carried both `Content-Length` and
    /// `Transfer-Encoding`. Its head has passed through [`Watched`] before hyper parsed it.
    pub fn next_is_ambiguous(&self) -> bool {
        let call = self.0.served.fetch_add(1, Ordering::Relaxed);
        self.0.ambiguous.load(Ordering::Acquire) == call
    }
}

/// A call being answered, from its head to its answer: while one is, a head that has begun
/// arriving (pipelined) is not timed.
pub struct InFlight(Framing);

impl Framing {
    pub fn call(&self) -> InFlight {
        self.0.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(self.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0 .0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The answer to a call whose head declared both lengths: 400, and the connection closes
/// after it (hyper closes it too). Its body is read first, as for every refusal, so that
/// the caller reads the answer instead of a reset.
pub async fn refuse(request: Request<Body>) -> Response {
    let request_id = RequestId::new();
    tracing::info!(
        request_id = request_id.as_str(),
        "refused a request with both Content-Length and Transfer-Encoding"
    );
    drain(request.into_body()).await;
    let mut response = GatewayError::AmbiguousFraming.into_response(&request_id);
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A connection's stream, followed message by message as it is read, with a deadline on
/// its first byte (the keep-alive timeout: hyper's own timer starts only once a server
/// reads a request, after HTTP/2 detection and TLS) and on each head from its first byte
/// (the header timeout).
pub struct Watched<IO> {
    inner: IO,
    follower: Follower,
    framing: Framing,
    limits: ClientLimits,
    deadline: Option<(Wait, Pin<Box<Sleep>>)>,
}

/// What a connection is being timed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wait {
    FirstByte,
    Head,
}

impl<IO> Watched<IO> {
    pub fn new(inner: IO, framing: Framing, limits: &ClientLimits) -> Self {
        Watched {
            inner,
            follower: Follower::default(),
            framing,
            limits: limits.clone(),
            deadline: None,
        }
    }

    /// Whether the wait the connection is in has run out. A deadline is set at the first
    /// read that finds the connection waiting, and dropped when the wait ends; a head that
    /// begins while a call is answered (pipelined) is not timed.
    fn overdue(&mut self, cx: &mut Context<'_>) -> bool {
        let wait = if self.follower.in_partial_head() {
            Wait::Head
        } else if self.follower.before_first_byte() {
            Wait::FirstByte
        } else {
            self.deadline = None;
            return false;
        };
        if self
            .deadline
            .as_ref()
            .is_none_or(|(armed, _)| *armed != wait)
        {
            if self.framing.0.in_flight.load(Ordering::Relaxed) > 0 {
                return false;
            }
            let timeout = match wait {
                Wait::FirstByte => self.limits.keep_alive_timeout,
                Wait::Head => self.limits.header_timeout,
            };
            self.deadline = Some((wait, Box::pin(tokio::time::sleep(timeout))));
        }
        self.deadline
            .as_mut()
            .is_some_and(|(_, deadline)| deadline.as_mut().poll(cx).is_ready())
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Watched<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let read = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = read {
            if let Some(head) = this.follower.feed(&buf.filled()[before..]) {
                this.framing.0.ambiguous.store(head, Ordering::Release);
            }
        }
        if this.overdue(cx) {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the request did not arrive in time",
            )));
        }
        read
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Watched<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    /// Reading a head (leading empty lines skipped, as hyper does).
    #[default]
    Head,
    /// Inside a body of known length: this many bytes left.
    Fixed(u64),
    /// Reading a chunk-size line.
    ChunkSize,
    /// Inside a chunk: this many bytes left, then CRLF.
    Chunk(u64),
    /// The CRLF after a chunk's data: how many of its two bytes were read.
    ChunkEnd(u8),
    /// Reading trailer lines after the last chunk, up to an empty line.
    Trailers,
    /// Not following any more.
    Stopped,
}

/// Follows HTTP/1 messages through a byte stream.
#[derive(Debug, Default)]
struct Follower {
    state: State,
    /// The head or line read so far.
    line: Vec<u8>,
    /// Heads read so far.
    heads: u64,
}

/// What a head declares about its body.
#[derive(Debug, PartialEq, Eq)]
enum Declared {
    /// No body (or one hyper will refuse: the follower stops).
    Nothing,
    Length(u64),
    Chunked,
    /// Both a length and a transfer coding.
    Both,
    /// Something the follower does not follow (CONNECT, not HTTP/1, malformed).
    Unknown,
}

impl Follower {
    /// Follows `bytes`; returns the number of a head that declared both lengths, after
    /// which it stops (hyper closes such a connection after its answer).
    fn feed(&mut self, mut bytes: &[u8]) -> Option<u64> {
        while !bytes.is_empty() {
            match self.state {
                State::Stopped => return None,
                State::Head => {
                    if self.line.is_empty() {
                        let skip = bytes
                            .iter()
                            .position(|&b| b != b'\r' && b != b'\n')
                            .unwrap_or(bytes.len());
                        bytes = &bytes[skip..];
                        if bytes.is_empty() {
                            return None;
                        }
                        // Most heads arrive in one read: read in place.
                        if let Some(end) = find(bytes, b"\r\n\r\n") {
                            let declared = declared(&bytes[..end + 4]);
                            bytes = &bytes[end + 4..];
                            if let Some(flagged) = self.after_head(declared) {
                                return Some(flagged);
                            }
                            continue;
                        }
                    }
                    let searched = self.line.len().saturating_sub(3);
                    self.line.extend_from_slice(bytes);
                    let Some(end) = find(&self.line[searched..], b"\r\n\r\n") else {
                        if self.line.len() > MAX_HEAD {
                            self.state = State::Stopped;
                        }
                        return None;
                    };
                    let end = searched + end + 4;
                    let rest = self.line.len() - end;
                    bytes = &bytes[bytes.len() - rest..];
                    let declared = declared(&self.line[..end]);
                    self.line.clear();
                    if let Some(flagged) = self.after_head(declared) {
                        return Some(flagged);
                    }
                }
                State::Fixed(left) => {
                    let take = left.min(bytes.len() as u64);
                    bytes = &bytes[take as usize..];
                    self.state = match left - take {
                        0 => State::Head,
                        left => State::Fixed(left),
                    };
                }
                State::ChunkSize | State::Trailers => {
                    let Some(newline) = bytes.iter().position(|&b| b == b'\n') else {
                        self.line.extend_from_slice(bytes);
                        if self.line.len() > MAX_LINE {
                            self.state = State::Stopped;
                        }
                        return None;
                    };
                    self.line.extend_from_slice(&bytes[..newline]);
                    bytes = &bytes[newline + 1..];
                    let line = self.line.strip_suffix(b"\r").unwrap_or(&self.line);
                    self.state = if self.state == State::Trailers {
                        if line.is_empty() {
                            State::Head
                        } else {
                            State::Trailers
                        }
                    } else {
                        match chunk_size(line) {
                            Some(0) => State::Trailers,
                            Some(size) => State::Chunk(size),
                            None => State::Stopped,
                        }
                    };
                    self.line.clear();
                }
                State::Chunk(left) => {
                    let take = left.min(bytes.len() as u64);
                    bytes = &bytes[take as usize..];
                    self.state = match left - take {
                        0 => State::ChunkEnd(0),
                        left => State::Chunk(left),
                    };
                }
                State::ChunkEnd(read) => {
                    let expected = if read == 0 { b'\r' } else { b'\n' };
                    self.state = match (bytes[0] == expected, read) {
                        (true, 0) => State::ChunkEnd(1),
                        (true, _) => State::ChunkSize,
                        (false, _) => State::Stopped,
                    };
                    bytes = &bytes[1..];
                }
            }
        }
        None
    }
}

impl Follower {
    /// Whether a head has begun arriving and has not ended.
    fn in_partial_head(&self) -> bool {
        self.state == State::Head && !self.line.is_empty()
    }

    /// Whether nothing has arrived on the connection yet.
    fn before_first_byte(&self) -> bool {
        self.heads == 0 && self.state == State::Head && self.line.is_empty()
    }

    /// Counts a head and follows its body; returns the head's number if it declared both
    /// lengths.
    fn after_head(&mut self, declared: Declared) -> Option<u64> {
        let head = self.heads;
        self.heads += 1;
        self.state = match declared {
            Declared::Nothing | Declared::Length(0) => State::Head,
            Declared::Length(n) => State::Fixed(n),
            Declared::Chunked => State::ChunkSize,
            Declared::Both => {
                self.state = State::Stopped;
                return Some(head);
            }
            Declared::Unknown => State::Stopped,
        };
        None
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The size of a chunk-size line (`1a;name=value`), if it is one.
fn chunk_size(line: &[u8]) -> Option<u64> {
    let digits = line.split(|&b| b == b';').next()?.trim_ascii();
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    u64::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
}

/// What a complete head (request line, headers, empty line) declares about its body.
fn declared(head: &[u8]) -> Declared {
    let mut start = 0;
    let mut lines = memchr::memchr_iter(b'\n', head)
        .chain(std::iter::once(head.len()))
        .map(move |end| {
            let line = &head[start..end];
            start = (end + 1).min(head.len());
            line.strip_suffix(b"\r").unwrap_or(line)
        });
    let Some(request_line) = lines.next() else {
        return Declared::Unknown;
    };
    let mut parts = request_line.split(|&b| b == b' ');
    let method = parts.next().unwrap_or_default();
    let version = parts.nth(1).unwrap_or_default();
    if method == b"CONNECT" || !version.starts_with(b"HTTP/1.") {
        return Declared::Unknown;
    }
    let (mut length, mut coding) = (None, false);
    for line in lines.take_while(|line| !line.is_empty()) {
        let Some(colon) = memchr::memchr(b':', line) else {
            return Declared::Unknown;
        };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        if name.eq_ignore_ascii_case(b"content-length") {
            match std::str::from_utf8(value)
                .ok()
                .and_then(|v| v.parse::<u64>().ok())
            {
                Some(n) if length.is_none_or(|first| first == n) => length = Some(n),
                _ => return Declared::Unknown,
            }
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            coding = true;
        }
    }
    match (length, coding) {
        (Some(_), true) => Declared::Both,
        (None, true) => Declared::Chunked,
        (Some(n), false) => Declared::Length(n),
        (None, false) => Declared::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `stream` in pieces of `step` bytes; returns the heads counted and the one
    /// flagged.
    fn follow(stream: &[u8], step: usize) -> (u64, Option<u64>, State) {
        let mut follower = Follower::default();
        let mut flagged = None;
        for piece in stream.chunks(step) {
            if let Some(head) = follower.feed(piece) {
                flagged = Some(head);
            }
        }
        (follower.heads, flagged, follower.state)
    }

    #[test]
    fn messages_are_followed_by_length_and_by_chunks_whatever_the_reads() {
        let stream = b"\r\nPOST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\nhello\r\n\r\nGET\
            POST /b HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n\
            5;ext=1\r\nab\r\nc\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: content-length: 5\r\n\r\n\
            GET /c HTTP/1.1\r\nHost: x\r\n\r\n";
        for step in [1, 2, 3, 7, stream.len()] {
            assert_eq!(follow(stream, step), (3, None, State::Head), "step {step}");
        }
    }

    #[test]
    fn a_head_with_both_lengths_is_flagged_in_either_order_and_following_stops() {
        for head in [
            "POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nTRANSFER-ENCODING: chunked\r\ncontent-length: 4\r\n\r\n",
        ] {
            let stream = format!("GET / HTTP/1.1\r\nHost: x\r\n\r\n{head}0\r\n\r\n");
            for step in [1, 5, stream.len()] {
                assert_eq!(
                    follow(stream.as_bytes(), step),
                    (2, Some(1), State::Stopped)
                );
            }
        }
    }

    #[test]
    fn lengths_inside_bodies_are_never_read_as_heads() {
        let smuggled = "GET / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n";
        let stream = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n{smuggled}GET / HTTP/1.1\r\n\r\n",
            smuggled.len()
        );
        assert_eq!(follow(stream.as_bytes(), 4), (2, None, State::Head));
    }

    #[test]
    fn what_it_cannot_follow_stops_it_without_a_flag() {
        for stream in [
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            "CONNECT a:443 HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        ] {
            let (_, flagged, state) = follow(stream.as_bytes(), 3);
            assert_eq!((flagged, state), (None, State::Stopped), "{stream:?}");
        }
    }

    #[test]
    fn the_service_learns_which_call_was_ambiguous() {
        let framing = Framing::default();
        framing.0.ambiguous.store(1, Ordering::Release);
        assert!(!framing.next_is_ambiguous());
        assert!(framing.next_is_ambiguous());
        assert!(!framing.next_is_ambiguous());
    }
}
