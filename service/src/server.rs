//! The service's connection layer: accepting connections (at most `max_connections` at once),
//! TLS when configured, and serving each connection with hyper's HTTP/1.1 server so that a
//! client cannot hold a connection: the request head must arrive within the header-read timeout
//! (a client sending one byte a second is cut off), and a connection that moves no byte for the
//! idle timeout is closed. `axum::serve` can do none of this, so the service runs its own loop
//! over the same router. On shutdown it stops accepting, lets the requests in flight finish
//! (closing idle kept-alive connections at once) and returns.

use crate::project::ServeConfig;
use anyhow::Context as _;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs as _};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject as _;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt as _;

/// The default of `max_connections`.
pub const MAX_CONNECTIONS: usize = 1024;
/// The default of `header_read_timeout`.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The default of `idle_timeout`.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How the connections are held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// At most this many connections at once; the next waits (in the system's backlog) until
    /// one closes.
    pub max_connections: usize,
    /// The time a client has to send a request's head, from the connection's start or the end
    /// of the previous answer (so also how long a kept-alive connection may wait idle), and to
    /// finish a TLS handshake.
    pub header_read_timeout: Duration,
    /// A connection that moves no byte either way for this long is closed (a request body that
    /// stalls, a client that does not read its answer).
    pub idle_timeout: Duration,
    /// How long one request may take (`408 request_timeout` after it).
    pub request_timeout: Duration,
    /// The certificate chain and private key (PEM) when the service speaks TLS.
    pub tls: Option<(PathBuf, PathBuf)>,
}

impl Settings {
    /// The settings of `config` (the `[serve]` table with the flags over it), with the defaults
    /// for what it leaves out.
    pub fn of(config: &ServeConfig) -> anyhow::Result<Settings> {
        let secs = |v: Option<std::num::NonZeroU64>, default: Duration| {
            v.map_or(default, |s| Duration::from_secs(s.get()))
        };
        let settings = Settings {
            max_connections: config
                .max_connections
                .map_or(MAX_CONNECTIONS, std::num::NonZeroUsize::get),
            header_read_timeout: secs(config.header_read_timeout, HEADER_READ_TIMEOUT),
            idle_timeout: secs(config.idle_timeout, IDLE_TIMEOUT),
            request_timeout: secs(config.request_timeout, crate::handlers::REQUEST_TIMEOUT),
            tls: match (&config.tls_cert, &config.tls_key) {
                (Some(cert), Some(key)) => Some((cert.clone(), key.clone())),
                (None, None) => None,
                (Some(_), None) => anyhow::bail!(
                    "a TLS certificate without its key: set `tls_key` (or --tls-key) as well"
                ),
                (None, Some(_)) => anyhow::bail!(
                    "a TLS key without its certificate: set `tls_cert` (or --tls-cert) as well"
                ),
            },
        };
        if settings.idle_timeout < settings.request_timeout {
            anyhow::bail!(
                "the idle timeout ({} s) is shorter than the request timeout ({} s): a request still being decided would lose its connection",
                settings.idle_timeout.as_secs(),
                settings.request_timeout.as_secs()
            );
        }
        Ok(settings)
    }
}

/// The TLS acceptor of a certificate chain and its private key (PEM files), speaking
/// HTTP/1.1 (ALPN `http/1.1`).
pub fn tls_acceptor(cert: &Path, key: &Path) -> anyhow::Result<TlsAcceptor> {
    let read = |path: &Path| {
        std::fs::read(path).with_context(|| format!("reading the TLS file {}", path.display()))
    };
    let certs = CertificateDer::pem_slice_iter(&read(cert)?)
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("reading certificates from {}", cert.display()))?;
    if certs.is_empty() {
        anyhow::bail!("no certificate (PEM) in {}", cert.display());
    }
    let private = PrivateKeyDer::from_pem_slice(&read(key)?)
        .with_context(|| format!("reading a private key (PEM) from {}", key.display()))?;
    // ring rather than aws-lc-rs (no cmake and C build of AWS-LC on the build machines); its
    // provider has no post-quantum key exchange, which rustls marks by deprecating it.
    #[allow(
        deprecated,
        reason = "the ring provider: TLS 1.2/1.3 with X25519, without post-quantum key exchange"
    )]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(certs, private)
        .with_context(|| {
            format!(
                "the TLS key {} does not fit the certificate {}",
                key.display(),
                cert.display()
            )
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Serves `app` on `listener` until `shutdown` completes, then waits for the requests in
/// flight (at most `settings.request_timeout` and a second more).
pub async fn run(
    listener: TcpListener,
    app: Router,
    settings: &Settings,
    tls: Option<TlsAcceptor>,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let slots = Arc::new(Semaphore::new(settings.max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.header_read_timeout);
    let http = Arc::new(http);
    tokio::pin!(shutdown);
    loop {
        // A slot first: at the limit, the next connection is not accepted until one closes.
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    tracing::warn!(error = %e, "accepting a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let connection = Connection {
            app: app.clone(),
            http: Arc::clone(&http),
            peer,
            header_read_timeout: settings.header_read_timeout,
            idle_timeout: settings.idle_timeout,
        };
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => connection.serve(stream, watcher).await,
                Some(acceptor) => {
                    let handshake = tokio::time::timeout(
                        connection.header_read_timeout,
                        acceptor.accept(stream),
                    );
                    match handshake.await {
                        Ok(Ok(stream)) => connection.serve(stream, watcher).await,
                        Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                }
            }
            drop(slot);
        });
    }
    drop(listener);
    let grace = settings.request_timeout + Duration::from_secs(1);
    if tokio::time::timeout(grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "closing the connections still open after {} s",
            grace.as_secs()
        );
    }
    Ok(())
}

/// One accepted connection, and what serving it needs.
struct Connection {
    app: Router,
    http: Arc<hyper::server::conn::http1::Builder>,
    peer: SocketAddr,
    header_read_timeout: Duration,
    idle_timeout: Duration,
}

impl Connection {
    /// Serves requests on `io` until the client closes, a timeout cuts it off, or the service
    /// shuts down.
    async fn serve<IO>(self, io: IO, watcher: hyper_util::server::graceful::Watcher)
    where
        IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let peer = self.peer;
        let activity = Activity::new();
        let service = self
            .app
            .map_request(move |mut request: axum::http::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let io = TokioIo::new(Watched {
            inner: io,
            activity: activity.clone(),
        });
        let connection = self
            .http
            .serve_connection(io, TowerToHyperService::new(service));
        tokio::select! {
            served = watcher.watch(connection) => {
                if let Err(e) = served {
                    tracing::debug!(%peer, error = %e, "connection ended");
                }
            }
            () = activity.idle_for(self.idle_timeout) => {
                tracing::debug!(%peer, "closing a connection idle for {} s", self.idle_timeout.as_secs());
            }
        }
    }
}

/// When a connection last moved a byte.
#[derive(Clone)]
struct Activity {
    start: Instant,
    /// Milliseconds from `start` to the last byte read or written.
    last: Arc<AtomicU64>,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            start: Instant::now(),
            last: Arc::new(AtomicU64::new(0)),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }

    /// Completes once no byte has moved for `limit`.
    async fn idle_for(&self, limit: Duration) {
        loop {
            let last = self.start + Duration::from_millis(self.last.load(Ordering::Relaxed));
            let deadline = last + limit;
            if Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep_until(deadline.into()).await;
        }
    }
}

/// An IO stream that records its [`Activity`].
struct Watched<IO> {
    inner: IO,
    activity: Activity,
}

impl<IO: AsyncRead + Unpin> AsyncRead for Watched<IO> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Watched<IO> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Whether every address `addr` resolves to is a loopback one (`127.0.0.1:8080`,
/// `localhost:8080`, `[::1]:8080`; not `0.0.0.0:8080`).
pub fn is_loopback(addr: &str) -> anyhow::Result<bool> {
    let resolved: Vec<SocketAddr> = addr
        .to_socket_addrs()
        .with_context(|| format!("resolving the address {addr}"))?
        .collect();
    Ok(!resolved.is_empty() && resolved.iter().all(|a| a.ip().is_loopback()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::{NonZeroU64, NonZeroUsize};

    #[test]
    fn settings_take_the_defaults_and_refuse_what_cannot_work() {
        let s = Settings::of(&ServeConfig::default()).unwrap();
        assert_eq!(s.max_connections, MAX_CONNECTIONS);
        assert_eq!(s.header_read_timeout, HEADER_READ_TIMEOUT);
        assert_eq!(s.request_timeout, crate::handlers::REQUEST_TIMEOUT);
        assert_eq!(s.tls, None);
        let s = Settings::of(&ServeConfig {
            max_connections: NonZeroUsize::new(2),
            header_read_timeout: NonZeroU64::new(3),
            ..ServeConfig::default()
        })
        .unwrap();
        assert_eq!(
            (s.max_connections, s.header_read_timeout),
            (2, Duration::from_secs(3))
        );
        let e = Settings::of(&ServeConfig {
            idle_timeout: NonZeroU64::new(5),
            ..ServeConfig::default()
        })
        .unwrap_err();
        assert!(
            e.to_string().contains("shorter than the request timeout"),
            "{e}"
        );
        let e = Settings::of(&ServeConfig {
            tls_cert: Some("cert.pem".into()),
            ..ServeConfig::default()
        })
        .unwrap_err();
        assert!(e.to_string().contains("without its key"), "{e}");
    }

    #[test]
    fn only_loopback_addresses_are_loopback() {
        assert!(is_loopback("127.0.0.1:0").unwrap());
        assert!(is_loopback("[::1]:0").unwrap());
        assert!(!is_loopback("0.0.0.0:0").unwrap());
        assert!(!is_loopback("[::]:0").unwrap());
        assert!(is_loopback("no port").is_err());
    }

    /// A connection serving `app` over an in-memory stream with these timeouts.
    fn connection(app: Router, header: Duration, idle: Duration) -> Connection {
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new()).header_read_timeout(header);
        Connection {
            app,
            http: Arc::new(http),
            peer: SocketAddr::from(([127, 0, 0, 1], 9)),
            header_read_timeout: header,
            idle_timeout: idle,
        }
    }

    #[tokio::test]
    async fn a_client_that_does_not_read_its_answer_is_cut_off_when_idle() {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let big = || async { "x".repeat(1 << 20) };
        let app = Router::new().route("/big", axum::routing::get(big));
        // A 1 KiB pipe: the 1 MiB answer cannot be written unless the client reads.
        let (mut client, server) = tokio::io::duplex(1024);
        client
            .write_all(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let graceful = GracefulShutdown::new();
        let conn = connection(app, Duration::from_secs(60), Duration::from_millis(300));
        let served = tokio::time::timeout(
            Duration::from_secs(30),
            conn.serve(server, graceful.watcher()),
        )
        .await;
        assert!(
            served.is_ok(),
            "a client reading nothing held its connection"
        );
        // What the client can still read is a part of the answer, then the end.
        let mut got = Vec::new();
        client.read_to_end(&mut got).await.unwrap();
        assert!(got.starts_with(b"HTTP/1.1 200 OK"));
        assert!(got.len() < 1 << 20, "the whole answer was written");
    }

    #[tokio::test]
    async fn a_connection_that_keeps_moving_is_not_idle() {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let app = Router::new().route("/", axum::routing::get(|| async { "ok" }));
        let (mut client, server) = tokio::io::duplex(1 << 16);
        let graceful = GracefulShutdown::new();
        let conn = connection(app, Duration::from_secs(60), Duration::from_secs(60));
        let serving = tokio::spawn(conn.serve(server, graceful.watcher()));
        // Two requests on one kept-alive connection, then the client closes.
        for _ in 0..2 {
            client
                .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                .await
                .unwrap();
            // Read up to the end of this answer (head and body may come in several writes).
            let mut answer = Vec::new();
            while !answer.ends_with(b"ok") {
                let mut buf = [0u8; 4096];
                let n = client.read(&mut buf).await.unwrap();
                assert!(n > 0, "closed before the answer: {answer:?}");
                answer.extend_from_slice(buf.get(..n).unwrap());
            }
        }
        drop(client);
        tokio::time::timeout(Duration::from_secs(30), serving)
            .await
            .unwrap()
            .unwrap();
    }

    #[test]
    fn a_certificate_and_key_make_an_acceptor_and_a_wrong_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let made = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        std::fs::write(&cert, made.cert.pem()).unwrap();
        std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
        assert!(tls_acceptor(&cert, &key).is_ok());
        let e = tls_acceptor(&key, &key).err().unwrap();
        assert!(format!("{e:#}").contains("no certificate"), "{e:#}");
        let e = tls_acceptor(&cert, &cert).err().unwrap();
        assert!(format!("{e:#}").contains("private key"), "{e:#}");
        let e = tls_acceptor(&dir.path().join("none.pem"), &key)
            .err()
            .unwrap();
        assert!(format!("{e:#}").contains("none.pem"), "{e:#}");
    }
}
