//! Servers on a real loopback socket, and raw exchanges with them: for what only a real
//! connection shows (limits, refusals, floods, shutdown).

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use accord::app::{self, AppState, ConnectionLimits};

/// A server on a real loopback socket over a fresh SQLite file; stops when dropped, or when
/// `stop` is sent (then `task` finishes once in-flight requests have).
pub struct Server {
    pub addr: std::net::SocketAddr,
    pub stop: Option<tokio::sync::oneshot::Sender<()>>,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

/// Starts a server with `limits` on a loopback port of its own.
pub async fn serve(limits: ConnectionLimits) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("s.db").display());
    let store = accord::storage::connect(&url).await.unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(app::serve(
        listener,
        AppState::new(store),
        async move {
            let _ = stopped.await;
        },
        limits,
    ));
    Server {
        addr,
        stop: Some(stop),
        task,
        _dir: dir,
    }
}

/// Writes `request` on a fresh connection and reads the whole answer, for at most 10 s.
pub async fn exchange(addr: std::net::SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("an answer within 10 s")
        .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

/// Sends `GET path` on a fresh connection that closes after it, and returns the whole answer.
pub async fn get(addr: std::net::SocketAddr, path: &str) -> String {
    let request = format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    exchange(addr, request.as_bytes()).await
}
