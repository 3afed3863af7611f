//! The HTTP/1.1 exchange with a plain-HTTP backend, driven in the calling task: the request
//! head is written in one piece, the response head parsed in place, and the response body
//! framed (length, chunked, or until the backend closes) as the caller's side reads it. No
//! connection task and no channel between the call and its connection.
use std::future::Future;
use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::{HeaderMap, Method, StatusCode, Version};
use bytes::{Buf, BytesMut};
use http_body::{Body as _, Frame};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Duration, Instant, Sleep};

use super::upstream::Forwarded;

mod body;
pub use body::Release;

/// A response head longer than this is refused (nginx's default buffer is 4–8 KB).
const MAX_HEAD: usize = 64 * 1024;
/// A chunk-size line longer than this is refused.
const MAX_CHUNK_LINE: usize = 4096;
/// Most response headers a backend may send.
const MAX_HEADERS: usize = 128;

/// One connection to a backend: the socket, bytes read but not used yet, the buffer request
/// heads are written into (kept to save an allocation per call), and the timer of its
/// exchanges.
pub struct Connection {
    stream: TcpStream,
    read: BytesMut,
    head: Vec<u8>,
    /// Kept armed from one exchange to the next and moved only when a call's deadline falls
    /// outside what it allows (see `arm`): most calls register no timer of their own. Out of
    /// the connection only while an exchange runs.
    timer: Option<Pin<Box<Sleep>>>,
}

/// The most an exchange's timeout may fire late: an eighth of the timeout, at most 50 ms.
fn slack(timeout: Duration) -> Duration {
    (timeout / 8).min(Duration::from_millis(50))
}

/// Arms `timer` for `deadline`: it fires no earlier than the deadline and at most `slack`
/// after it. A timer already within that window is left as it is.
fn arm(timer: &mut Pin<Box<Sleep>>, deadline: Instant, slack: Duration) {
    let armed = timer.deadline();
    if armed < deadline || armed > deadline + slack {
        timer.as_mut().reset(deadline + slack);
    }
}

/// Hop-by-hop headers: they describe one connection and are never forwarded.
pub fn hop_by_hop(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "connection"
            | "keep-alive"
            | "proxy-authenticate"
            | "proxy-authorization"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
    )
}

/// Removes the headers the caller's `Connection` header names (RFC 9110 §7.6.1): like the
/// hop-by-hop headers, they describe the caller's connection to the gateway, not the call.
pub fn drop_connection_named(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|token| HeaderName::from_bytes(token.trim().as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
}

/// Headers the gateway writes itself, or that describe the caller's connection.
fn written_here(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "host"
            | "content-length"
            | "transfer-encoding"
            | "connection"
            | "keep-alive"
            | "expect"
            | "te"
            | "trailer"
            | "upgrade"
            | "proxy-connection"
            | "proxy-authenticate"
            | "proxy-authorization"
            | "x-forwarded-for"
            | "x-forwarded-host"
            | "x-forwarded-proto"
    )
}

/// How a request body is framed on the wire.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Sending {
    Nothing,
    Length(u64),
    Chunked,
}

impl Sending {
    pub fn of(method: &Method, body: &Body) -> Self {
        if body.is_end_stream() {
            // POST, PUT and PATCH say they carry nothing; the others send no framing.
            return if matches!(*method, Method::POST | Method::PUT | Method::PATCH) {
                Sending::Length(0)
            } else {
                Sending::Nothing
            };
        }
        match body.size_hint().exact() {
            Some(length) => Sending::Length(length),
            None => Sending::Chunked,
        }
    }
}

/// A request head as it goes to the backend.
pub struct Outgoing<'a> {
    pub method: &'a Method,
    /// The path and query.
    pub target: &'a str,
    /// `host[:port]`, sent as `Host`.
    pub authority: &'a str,
    pub headers: &'a HeaderMap,
    pub forwarded: &'a Forwarded,
    pub sending: Sending,
}

/// How the response body ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// This many bytes are still to come.
    Length(u64),
    Chunked(Chunk),
    /// Everything until the backend closes the connection.
    UntilClose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunk {
    /// A chunk-size line is next.
    Size,
    /// This many bytes of the current chunk are still to come.
    Data(u64),
    /// The CRLF after a chunk's data is next.
    DataEnd,
    /// Trailer lines, up to an empty one.
    Trailers,
}

/// A response head as read, with the connection it came on.
pub struct Head {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// Whether the connection can carry another request when the body has been read.
    keep_alive: bool,
    framing: Framing,
}

/// Why an exchange failed, and whether the backend can have seen the request.
pub enum Failed {
    /// The connection was closed before any of the response arrived: on a reused
    /// connection, the backend closed it as the request went out.
    Closed(io::Error),
    /// The response head did not arrive by the deadline.
    TimedOut,
    Other(io::Error),
}

impl From<io::Error> for Failed {
    fn from(error: io::Error) -> Self {
        Failed::Other(error)
    }
}

fn invalid(what: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.into())
}

impl Connection {
    pub async fn open(host: &str, port: u16) -> io::Result<Self> {
        let stream = TcpStream::connect((host, port)).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream,
            read: BytesMut::with_capacity(8 * 1024),
            head: Vec::with_capacity(1024),
            timer: None,
        })
    }

    /// Whether the backend has closed this idle connection (or sent on it unasked), told
    /// from readiness the runtime already has: no system call when nothing happened.
    pub fn is_closed(&mut self) -> bool {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        match self.stream.poll_read_ready(&mut cx) {
            Poll::Pending => false,
            Poll::Ready(Err(_)) => true,
            Poll::Ready(Ok(())) => {
                let mut probe = [0u8; 1];
                !matches!(self.stream.try_read(&mut probe), Err(e) if e.kind() == io::ErrorKind::WouldBlock)
            }
        }
    }

    /// Sends the request head and body, and reads the response head, by `deadline` (the
    /// end of the call's `timeout`).
    pub async fn exchange(
        &mut self,
        request: &Outgoing<'_>,
        body: Body,
        deadline: Instant,
        timeout: Duration,
    ) -> Result<Head, Failed> {
        let mut timer = self
            .timer
            .take()
            .unwrap_or_else(|| Box::pin(tokio::time::sleep_until(deadline)));
        arm(&mut timer, deadline, slack(timeout));
        let exchanged = {
            let mut exchanging = std::pin::pin!(self.send_and_read(request, body));
            std::future::poll_fn(|cx| {
                if let Poll::Ready(exchanged) = exchanging.as_mut().poll(cx) {
                    return Poll::Ready(exchanged);
                }
                ready!(timer.as_mut().poll(cx));
                Poll::Ready(Err(Failed::TimedOut))
            })
            .await
        };
        self.timer = Some(timer);
        exchanged
    }

    async fn send_and_read(&mut self, request: &Outgoing<'_>, body: Body) -> Result<Head, Failed> {
        let (method, sending) = (request.method, request.sending);
        self.write_head(request);
        if let Err(error) = self.stream.write_all(&self.head).await {
            return Err(Failed::Closed(error));
        }
        match sending {
            Sending::Nothing => {}
            Sending::Length(length) => self.write_sized(body, length).await?,
            Sending::Chunked => self.write_chunked(body).await?,
        }
        loop {
            let head = self.read_head(method).await?;
            // Interim answers (100 Continue, 103 Early Hints) are not passed on.
            if !head.status.is_informational() || head.status == StatusCode::SWITCHING_PROTOCOLS {
                return Ok(head);
            }
        }
    }

    fn write_head(&mut self, request: &Outgoing<'_>) {
        let head = &mut self.head;
        head.clear();
        head.extend_from_slice(request.method.as_str().as_bytes());
        head.push(b' ');
        head.extend_from_slice(request.target.as_bytes());
        head.extend_from_slice(b" HTTP/1.1\r\nhost: ");
        head.extend_from_slice(request.authority.as_bytes());
        head.extend_from_slice(b"\r\n");
        for (name, value) in request.headers {
            if written_here(name) {
                continue;
            }
            head.extend_from_slice(name.as_str().as_bytes());
            head.extend_from_slice(b": ");
            head.extend_from_slice(value.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        let forwarded = request.forwarded;
        for (name, value) in [
            (&b"x-forwarded-for: "[..], &forwarded.r#for),
            (b"x-forwarded-host: ", &forwarded.host),
            (b"x-forwarded-proto: ", &forwarded.proto),
        ] {
            head.extend_from_slice(name);
            head.extend_from_slice(value.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        match request.sending {
            Sending::Nothing => {}
            Sending::Length(length) => {
                head.extend_from_slice(b"content-length: ");
                head.extend_from_slice(length.to_string().as_bytes());
                head.extend_from_slice(b"\r\n");
            }
            Sending::Chunked => head.extend_from_slice(b"transfer-encoding: chunked\r\n"),
        }
        head.extend_from_slice(b"\r\n");
    }

    async fn write_sized(&mut self, mut body: Body, length: u64) -> io::Result<()> {
        let mut sent = 0u64;
        while let Some(frame) = next_frame(&mut body).await {
            let frame = frame.map_err(io::Error::other)?;
            if let Ok(data) = frame.into_data() {
                sent += data.len() as u64;
                if sent > length {
                    return Err(invalid("the request body is longer than its length"));
                }
                self.stream.write_all(&data).await?;
            }
        }
        if sent < length {
            return Err(invalid("the request body ended before its length"));
        }
        Ok(())
    }

    async fn write_chunked(&mut self, mut body: Body) -> io::Result<()> {
        while let Some(frame) = next_frame(&mut body).await {
            let frame = frame.map_err(io::Error::other)?;
            if let Ok(data) = frame.into_data() {
                if data.is_empty() {
                    continue;
                }
                let size = format!("{:x}\r\n", data.len());
                self.stream.write_all(size.as_bytes()).await?;
                self.stream.write_all(&data).await?;
                self.stream.write_all(b"\r\n").await?;
            }
        }
        self.stream.write_all(b"0\r\n\r\n").await
    }

    async fn read_head(&mut self, method: &Method) -> Result<Head, Failed> {
        let mut received = false;
        loop {
            if !self.read.is_empty() {
                if let Some((head, used)) = parse_head(&self.read, method)? {
                    self.read.advance(used);
                    return Ok(head);
                }
                if self.read.len() > MAX_HEAD {
                    return Err(invalid("the backend's response head is too long").into());
                }
            }
            self.read.reserve(4096);
            match self.stream.read_buf(&mut self.read).await {
                Ok(0) if !received => {
                    return Err(Failed::Closed(io::ErrorKind::UnexpectedEof.into()))
                }
                Ok(0) => return Err(invalid("the backend closed within its response head").into()),
                Ok(_) => received = true,
                Err(error) if !received => return Err(Failed::Closed(error)),
                Err(error) => return Err(error.into()),
            }
        }
    }
}

/// The next frame of a request body.
async fn next_frame(body: &mut Body) -> Option<Result<Frame<Bytes>, axum::Error>> {
    std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await
}

/// Parses a complete response head at the start of `bytes`; `None` when more is needed.
fn parse_head(bytes: &[u8], method: &Method) -> io::Result<Option<(Head, usize)>> {
    // Header slots are filled by the parser as it goes (no 4 KB of zeroes per response).
    let mut slots = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; MAX_HEADERS];
    let mut parsed = httparse::Response::new(&mut []);
    let config = httparse::ParserConfig::default();
    let used = match config.parse_response_with_uninit_headers(&mut parsed, bytes, &mut slots) {
        Ok(httparse::Status::Complete(used)) => used,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(error) => return Err(invalid(format!("the backend's response head: {error}"))),
    };
    let status = StatusCode::from_u16(parsed.code.unwrap_or_default())
        .map_err(|_| invalid("the backend's status code is not valid"))?;
    let version = if parsed.version == Some(0) {
        Version::HTTP_10
    } else {
        Version::HTTP_11
    };
    // Room for the two headers the gateway stamps on every response.
    let mut headers = HeaderMap::with_capacity(parsed.headers.len() + 2);
    let mut keep_alive = version == Version::HTTP_11;
    let mut length = None;
    let mut chunked = false;
    for found in parsed.headers.iter() {
        let name = HeaderName::from_bytes(found.name.as_bytes())
            .map_err(|_| invalid(format!("the backend's header name {:?}", found.name)))?;
        let value = found.value;
        if name == header::CONNECTION {
            for token in value.split(|&b| b == b',') {
                let token = token.trim_ascii();
                if token.eq_ignore_ascii_case(b"close") {
                    keep_alive = false;
                } else if token.eq_ignore_ascii_case(b"keep-alive") {
                    keep_alive = true;
                }
            }
        } else if name == header::TRANSFER_ENCODING {
            chunked = value
                .rsplit(|&b| b == b',')
                .next()
                .is_some_and(|last| last.trim_ascii().eq_ignore_ascii_case(b"chunked"));
        } else if name == header::CONTENT_LENGTH {
            let declared: u64 = std::str::from_utf8(value)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| invalid("the backend's Content-Length is not a number"))?;
            if length.is_some_and(|earlier| earlier != declared) {
                return Err(invalid("the backend sent two different Content-Lengths"));
            }
            length = Some(declared);
        }
        // Hop-by-hop headers are read above, for framing, and not kept.
        if !hop_by_hop(&name) {
            let value = HeaderValue::from_bytes(value)
                .map_err(|_| invalid(format!("the backend's header {name} has a bad value")))?;
            headers.append(name, value);
        }
    }
    let bodiless = *method == Method::HEAD
        || status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED;
    let framing = if bodiless {
        Framing::Length(0)
    } else if chunked {
        Framing::Chunked(Chunk::Size)
    } else if let Some(length) = length {
        Framing::Length(length)
    } else {
        Framing::UntilClose
    };
    if framing == Framing::UntilClose || status == StatusCode::SWITCHING_PROTOCOLS {
        keep_alive = false;
    }
    Ok(Some((
        Head {
            status,
            headers,
            keep_alive,
            framing,
        },
        used,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_heads_tell_how_the_body_ends_and_whether_the_connection_stays() {
        let head = |text: &str, method: Method| {
            parse_head(text.as_bytes(), &method)
                .unwrap()
                .map(|(head, used)| (head.framing, head.keep_alive, used))
        };
        let sized = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        assert_eq!(
            head(sized, Method::GET),
            Some((Framing::Length(2), true, sized.len() - 2))
        );
        assert_eq!(
            head(sized, Method::HEAD).map(|h| h.0),
            Some(Framing::Length(0))
        );
        let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n";
        assert_eq!(
            head(chunked, Method::GET).map(|h| h.0),
            Some(Framing::Chunked(Chunk::Size))
        );
        let closing = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(head(closing, Method::GET).map(|h| h.1), Some(false));
        let unframed = "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n";
        assert_eq!(
            head(unframed, Method::GET).map(|h| (h.0, h.1)),
            Some((Framing::UntilClose, false))
        );
        let old = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(head(old, Method::GET).map(|h| h.1), Some(false));
        let kept = "HTTP/1.0 204 No Content\r\nConnection: keep-alive\r\n\r\n";
        assert_eq!(
            head(kept, Method::GET).map(|h| (h.0, h.1)),
            Some((Framing::Length(0), true))
        );
        assert_eq!(head("HTTP/1.1 200 OK\r\nContent-Le", Method::GET), None);
        assert!(parse_head(
            b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
            &Method::GET
        )
        .is_err());
        assert!(parse_head(
            b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            &Method::GET
        )
        .is_err());
    }

    #[tokio::test]
    async fn an_exchange_timer_moves_only_when_the_deadline_leaves_its_window() {
        assert_eq!(slack(Duration::from_millis(8)), Duration::from_millis(1));
        assert_eq!(slack(Duration::from_secs(5)), Duration::from_millis(50));
        let (start, ms) = (Instant::now(), Duration::from_millis);
        let mut timer = Box::pin(tokio::time::sleep_until(start));
        // Later than the timer: moved to the deadline plus the slack.
        arm(&mut timer, start + ms(1000), ms(50));
        assert_eq!(timer.deadline(), start + ms(1050));
        // Within the window: left as it is (it fires at most 30 ms late).
        arm(&mut timer, start + ms(1020), ms(50));
        assert_eq!(timer.deadline(), start + ms(1050));
        // Past the window: moved again.
        arm(&mut timer, start + ms(1060), ms(50));
        assert_eq!(timer.deadline(), start + ms(1110));
        // A much earlier deadline (a shorter timeout) pulls the timer back.
        arm(&mut timer, start + ms(200), ms(10));
        assert_eq!(timer.deadline(), start + ms(210));
    }

    #[test]
    fn hop_by_hop_headers_of_a_response_are_read_for_framing_but_not_passed_on() {
        let text = "HTTP/1.1 200 OK\r\nConnection: close\r\nKeep-Alive: timeout=5\r\n\
                    Transfer-Encoding: chunked\r\nX-Kept: yes\r\nServer: b\r\n\r\n";
        let (head, _) = parse_head(text.as_bytes(), &Method::GET).unwrap().unwrap();
        assert_eq!(head.framing, Framing::Chunked(Chunk::Size));
        assert!(!head.keep_alive);
        let names: Vec<&str> = head.headers.keys().map(HeaderName::as_str).collect();
        assert_eq!(names, ["x-kept", "server"]);
    }
}
