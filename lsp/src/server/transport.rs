//! The connection over a byte stream (`datalex lsp`: stdin and stdout): a thread reads
//! messages from the input as fast as they come and queues them, another writes what the
//! server sends.
//!
//! Why not `lsp_server::Connection::stdio`: its reader hands each message over a channel of
//! capacity zero, so a message is taken from stdin only when the server loop asks for the next
//! one. The loop then never sees a message waiting (`receiver.is_empty()` is always true) and
//! compiles after every edit of a burst — eleven compiles for eleven keystrokes — where over
//! the in-memory connection (unbounded channels) it compiles once. Here the reader queues into
//! the same unbounded channels (those of `Connection::memory`), so both behave alike.

use lsp_server::{Connection, Message};
use std::io::{self, BufRead, BufReader, Write};
use std::thread::JoinHandle;

/// The reader and writer threads of a connection.
#[derive(Debug)]
pub struct IoThreads {
    reader: JoinHandle<io::Result<()>>,
    writer: JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits for both threads (the reader ends at `exit` or the end of the input, the writer
    /// when the server's side of the connection is dropped); the first error of either.
    pub fn join(self) -> io::Result<()> {
        let joined = |h: JoinHandle<io::Result<()>>, which: &str| {
            h.join()
                .unwrap_or_else(|_| Err(io::Error::other(format!("the {which} thread panicked"))))
        };
        let read = joined(self.reader, "reader");
        let written = joined(self.writer, "writer");
        read.and(written)
    }
}

/// The connection over stdin and stdout.
pub fn stdio() -> io::Result<(Connection, IoThreads)> {
    streams(BufReader::new(io::stdin()), io::stdout())
}

/// The connection over any byte streams (pipes, for benchmarks): messages framed as the
/// protocol says (`Content-Length` headers), read from `input` and written to `output`.
pub fn streams<R, W>(mut input: R, mut output: W) -> io::Result<(Connection, IoThreads)>
where
    R: BufRead + Send + 'static,
    W: Write + Send + 'static,
{
    // The server's side, and the side the threads use: unbounded channels both ways.
    let (server, io_side) = Connection::memory();
    let Connection { sender, receiver } = io_side;
    let reader = std::thread::Builder::new()
        .name("datalex-lsp-reader".into())
        .spawn(move || {
            while let Some(msg) = Message::read(&mut input)? {
                let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                if sender.send(msg).is_err() || exit {
                    break;
                }
            }
            Ok(())
        })?;
    let writer = std::thread::Builder::new()
        .name("datalex-lsp-writer".into())
        .spawn(move || {
            for msg in receiver {
                msg.write(&mut output)?;
            }
            Ok(())
        })?;
    Ok((server, IoThreads { reader, writer }))
}
