//! `use_live_connection`: the live console's sockets, kept out of its view.
//!
//! With the wire view on, the tap opens first: wslab-echo issues a session
//! on it, and only then does the real socket open with `?session=<id>`, so
//! the server's report of the handshake is never missed. A server that is
//! not wslab-echo fails the tap, and the real socket opens as typed, with no
//! session in its URL.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::services::browser::now_ms;
use crate::services::socket::{Socket, SocketEvent};
use crate::state::console::{CloseInfo, Console, ConsoleAction, Payload, ReadyState, tap_message};
use crate::state::live::{CloseRequest, ConnectOptions, tap_url, url_with_session};
use wire::session::Record;
use wire::tap::{SessionId, TapItem};

/// Reads the tap's items, one after another, into the records they complete.
pub type TapReader = Box<dyn FnMut(&TapItem) -> Vec<Record>>;

/// The most tap bytes kept while the reader's code is on its way.
const TAP_QUEUE_BUDGET: usize = 8 << 20;

/// Where the tap's items go.
enum TapRead {
    /// The reader's code is on its way: the items wait, in order.
    Waiting { queued: Vec<TapItem>, bytes: usize },
    /// Read as they come.
    Reading(TapReader),
    /// Not read on this connection (the code did not arrive, or too much
    /// came before it did).
    GaveUp,
}

impl Default for TapRead {
    fn default() -> Self {
        TapRead::Waiting {
            queued: Vec::new(),
            bytes: 0,
        }
    }
}

impl TapRead {
    /// The records `items` complete, or none while they wait for the
    /// reader; an error when the wait outgrows its budget.
    fn take(&mut self, items: Vec<TapItem>) -> (Vec<Record>, Option<String>) {
        match self {
            TapRead::Reading(read) => (items.iter().flat_map(read).collect(), None),
            TapRead::GaveUp => (Vec::new(), None),
            TapRead::Waiting { queued, bytes } => {
                *bytes += items
                    .iter()
                    .map(|i| match i {
                        TapItem::Bytes { bytes, .. } => bytes.len(),
                        TapItem::Event(_) => 0,
                    })
                    .sum::<usize>();
                if *bytes > TAP_QUEUE_BUDGET {
                    *self = TapRead::GaveUp;
                    return (
                        Vec::new(),
                        Some(format!(
                            "more than {} MiB crossed the wire before this page had the code that reads it, so this connection's wire is not shown",
                            TAP_QUEUE_BUDGET >> 20
                        )),
                    );
                }
                queued.extend(items);
                (Vec::new(), None)
            }
        }
    }

    /// The reader's code arrived: what waited, read.
    fn arrived(&mut self, mut reader: TapReader) -> Vec<Record> {
        match std::mem::replace(self, TapRead::GaveUp) {
            TapRead::Waiting { queued, .. } => {
                let records = queued.iter().flat_map(&mut reader).collect();
                *self = TapRead::Reading(reader);
                records
            }
            other => {
                *self = other;
                Vec::new()
            }
        }
    }
}

/// A reader for a new tap: `wire::session::Reader`, the one reader of the
/// wire (with the frame rules and the inflater).
fn new_tap_reader() -> TapReader {
    let mut reader = wire::session::Reader::new();
    Box::new(move |item| reader.push(item))
}

// The reader has nothing to read before a connection with the wire view on,
// so it arrives after the page answers input, in `/illustrated`'s chunk,
// which reads sessions with the same code.
crate::later!(
    NEW_TAP_READER: fn() -> TapReader = new_tap_reader,
    live_illustrated,
    "split-live"
);

/// The live connection: its state and what can be done with it.
pub struct LiveConnection {
    /// The console's state.
    pub console: UseReducerHandle<Console>,
    /// Opens a new connection (closing any previous one).
    pub connect: Callback<ConnectOptions>,
    /// Sends a message.
    pub send: Callback<Payload>,
    /// Starts the closing handshake.
    pub close: Callback<CloseRequest>,
}

/// Private to the hook: the sockets and timers behind the console.
#[derive(Default)]
struct Sockets {
    main: Option<Socket>,
    tap: Option<Socket>,
    /// Opens the real socket once the tap has a session (or has failed).
    pending_open: Option<Box<dyn FnOnce(Option<SessionId>)>>,
    /// Watches bufferedAmount drain while a large message goes out.
    meter: Option<Interval>,
    /// Reading the tap's bytes is stream decoding: it lives beside the sockets, not in the reducer.
    reader: TapRead,
}

impl Sockets {
    /// The real socket's bufferedAmount (0 when there is none).
    fn buffered(&self) -> u32 {
        self.main.as_ref().map_or(0, Socket::buffered_amount)
    }
}

type Shared = Rc<RefCell<Sockets>>;

fn open_main(
    sockets: &Shared,
    console: &UseReducerHandle<Console>,
    url: &str,
    protocols: &[String],
) {
    let dispatcher = console.dispatcher();
    let weak = Rc::downgrade(sockets);
    let on_event = Callback::from(move |ev: SocketEvent| {
        let at = now_ms();
        match ev {
            SocketEvent::Open => {
                dispatcher.dispatch(ConsoleAction::Opened(at));
                // The browser knows what the server chose only now.
                if let Some(s) = weak.upgrade()
                    && let Ok(s) = s.try_borrow()
                    && let Some(main) = &s.main
                {
                    dispatcher.dispatch(ConsoleAction::Negotiated(
                        main.protocol(),
                        main.extensions(),
                    ));
                }
            }
            SocketEvent::Text(t) => {
                dispatcher.dispatch(ConsoleAction::Received(Payload::Text(t), at))
            }
            SocketEvent::Binary(b) => {
                dispatcher.dispatch(ConsoleAction::Received(Payload::Binary(Rc::new(b)), at))
            }
            SocketEvent::Error => dispatcher.dispatch(ConsoleAction::Error(at)),
            SocketEvent::Closed {
                code,
                reason,
                was_clean,
            } => dispatcher.dispatch(ConsoleAction::Closed(
                CloseInfo {
                    code,
                    reason,
                    was_clean,
                },
                at,
            )),
        }
    });
    match Socket::open_with(url, protocols, on_event) {
        Ok(s) => sockets.borrow_mut().main = Some(s),
        Err(e) => console.dispatch(ConsoleAction::Threw(e)),
    }
}

fn open_tap(sockets: &Shared, console: &UseReducerHandle<Console>, tap: &str) -> bool {
    let dispatcher = console.dispatcher();
    let weak = Rc::downgrade(sockets);
    let on_tap = Callback::from(move |ev: SocketEvent| {
        let Some(sockets) = weak.upgrade() else {
            return;
        };
        let run_pending = |session: Option<SessionId>| {
            let pending = sockets.borrow_mut().pending_open.take();
            if let Some(open) = pending {
                open(session);
            }
        };
        match ev {
            SocketEvent::Binary(b) => {
                let (now, items, mut errors) = tap_message(&b);
                for a in now {
                    // The first item is the session the server issued: now the real socket opens.
                    if let ConsoleAction::TapSession(id) = a {
                        run_pending(Some(id));
                    }
                    dispatcher.dispatch(a);
                }
                let (records, too_much) = sockets.borrow_mut().reader.take(items);
                errors.extend(too_much);
                if !records.is_empty() || !errors.is_empty() {
                    dispatcher.dispatch(ConsoleAction::TapRecords(records, errors));
                }
            }
            // Not a wslab-echo server (or it refused): open the real socket as typed.
            SocketEvent::Error | SocketEvent::Closed { .. } => run_pending(None),
            SocketEvent::Open | SocketEvent::Text(_) => {}
        }
    });
    match Socket::open(tap, on_tap) {
        Ok(s) => {
            sockets.borrow_mut().tap = Some(s);
            true
        }
        Err(_) => false,
    }
}

/// The live connection behind the `/live` page.
#[hook]
pub fn use_live_connection() -> LiveConnection {
    let console = use_reducer(Console::default);
    let sockets: Shared = use_mut_ref(Sockets::default);
    // Moves on with every connect: a connect still waiting for the wire
    // reader's code goes on only if no newer one replaced it.
    let generation = use_mut_ref(|| 0u32);

    let connect = {
        let (console, sockets, generation) = (console.clone(), sockets.clone(), generation.clone());
        Callback::from(move |opts: ConnectOptions| {
            *sockets.borrow_mut() = Sockets::default();
            let mine = {
                let mut g = generation.borrow_mut();
                *g = g.wrapping_add(1);
                *g
            };
            let url = opts.url.trim().to_owned();
            console.dispatch(ConsoleAction::Connecting(now_ms()));
            let open = {
                let (console, sockets, url) =
                    (console.clone(), Rc::downgrade(&sockets), url.clone());
                let (protocols, ping) = (opts.protocols.clone(), opts.ping);
                move |session: Option<SessionId>| {
                    let Some(sockets) = sockets.upgrade() else {
                        return;
                    };
                    let target = session.and_then(|id| url_with_session(&url, id, ping));
                    if target.is_none() {
                        // No session to claim: the tap has nothing to watch. This may run inside
                        // the tap's own event handler, so it is dropped once that returns.
                        let weak = Rc::downgrade(&sockets);
                        wasm_bindgen_futures::spawn_local(async move {
                            if let Some(s) = weak.upgrade() {
                                s.borrow_mut().tap = None;
                            }
                        });
                    }
                    open_main(
                        &sockets,
                        &console,
                        target.as_deref().unwrap_or(&url),
                        &protocols,
                    );
                }
            };
            match tap_url(&url).filter(|_| opts.wire) {
                Some(tap) => {
                    sockets.borrow_mut().pending_open = Some(Box::new(open));
                    if !open_tap(&sockets, &console, &tap) {
                        let pending = sockets.borrow_mut().pending_open.take();
                        if let Some(open) = pending {
                            open(None);
                        }
                    }
                    // The reader's code: the tap's items wait for it (the
                    // connection does not), and are read when it arrives.
                    let (sockets, console, generation) =
                        (sockets.clone(), console.clone(), generation.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        let new_reader = NEW_TAP_READER.get().await;
                        if *generation.borrow() != mine {
                            return;
                        }
                        let records = match new_reader {
                            Ok(new_reader) => sockets.borrow_mut().reader.arrived(new_reader()),
                            // The wire view says why it is not there.
                            Err(_) => {
                                sockets.borrow_mut().reader = TapRead::GaveUp;
                                Vec::new()
                            }
                        };
                        if !records.is_empty() {
                            console.dispatch(ConsoleAction::TapRecords(records, Vec::new()));
                        }
                    });
                }
                None => open(None),
            }
        })
    };

    let send = {
        let (console, sockets) = (console.clone(), sockets.clone());
        Callback::from(move |payload: Payload| {
            let result = match (sockets.borrow().main.as_ref(), &payload) {
                (Some(s), Payload::Text(t)) => s.send_text(t),
                (Some(s), Payload::Binary(b)) => s.send_bytes(b),
                (None, _) => Err("not connected: press Connect first".to_owned()),
            };
            if let Err(e) = result {
                console.dispatch(ConsoleAction::Exception(e));
                return;
            }
            console.dispatch(ConsoleAction::Sent(payload, now_ms()));
            // Right after send() the browser has queued the whole message.
            console.dispatch(ConsoleAction::Buffered(sockets.borrow().buffered()));
            let (weak, console2) = (Rc::downgrade(&sockets), console.clone());
            let meter = Interval::new(50, move || {
                let Some(sockets) = weak.upgrade() else {
                    return;
                };
                let n = sockets.borrow().buffered();
                console2.dispatch(ConsoleAction::Buffered(n));
                if n == 0 {
                    // Dropping the interval from inside its own tick is deferred safely.
                    wasm_bindgen_futures::spawn_local(async move {
                        sockets.borrow_mut().meter = None;
                    });
                }
            });
            sockets.borrow_mut().meter = Some(meter);
        })
    };

    let close = {
        let (console, sockets) = (console.clone(), sockets.clone());
        Callback::from(move |req: CloseRequest| {
            let sockets = sockets.borrow();
            let Some(main) = sockets.main.as_ref() else {
                console.dispatch(ConsoleAction::Exception("not connected".into()));
                return;
            };
            let before = main.ready_state();
            match main.close(req.code, &req.reason) {
                Ok(()) if before == ReadyState::Open => {
                    console.dispatch(ConsoleAction::Closing(now_ms()))
                }
                Ok(()) => {}
                Err(err) => console.dispatch(ConsoleAction::Exception(err)),
            }
        })
    };

    LiveConnection {
        console,
        connect,
        send,
        close,
    }
}

#[cfg(test)]
mod tests {
    use super::{TAP_QUEUE_BUDGET, TapRead, TapReader};
    use std::cell::RefCell;
    use std::rc::Rc;
    use wire::tap::{Direction, TapItem};

    fn bytes(n: usize, t_ms: u32) -> TapItem {
        TapItem::Bytes {
            from: Direction::FromClient,
            t_ms,
            bytes: vec![0; n],
        }
    }

    /// A reader that notes the time of each item it reads.
    fn noting(seen: &Rc<RefCell<Vec<u32>>>) -> TapReader {
        let seen = seen.clone();
        Box::new(move |item| {
            if let TapItem::Bytes { t_ms, .. } = item {
                seen.borrow_mut().push(*t_ms);
            }
            Vec::new()
        })
    }

    #[test]
    fn tap_items_wait_for_the_reader_in_order_then_are_read_as_they_come() {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let mut read = TapRead::default();
        assert!(read.take(vec![bytes(3, 1), bytes(2, 2)]).1.is_none());
        assert!(read.take(vec![bytes(1, 3)]).1.is_none());
        assert!(
            seen.borrow().is_empty(),
            "nothing is read before the reader"
        );
        read.arrived(noting(&seen));
        assert_eq!(*seen.borrow(), [1, 2, 3]);
        read.take(vec![bytes(1, 4)]);
        assert_eq!(*seen.borrow(), [1, 2, 3, 4]);
    }

    #[test]
    fn a_wait_past_its_budget_gives_the_connection_up_and_says_so() {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let mut read = TapRead::default();
        assert!(read.take(vec![bytes(TAP_QUEUE_BUDGET, 1)]).1.is_none());
        let (_, why) = read.take(vec![bytes(1, 2)]);
        assert!(why.is_some_and(|w| w.contains("8 MiB")));
        read.arrived(noting(&seen));
        read.take(vec![bytes(1, 3)]);
        assert!(
            seen.borrow().is_empty(),
            "a connection given up is not read"
        );
    }
}
