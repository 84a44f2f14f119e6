/**
 * The messages between the server view's store (main thread) and the admin host (a Worker, or the same
 * code in the page when no Worker can start: see ./admin-transport.ts). One protocol for both transports;
 * everything here is structured-cloneable plain data (Maps and Sets included), nothing is shared.
 *
 * Flow: the store sends `connect` with a generation number; every message about that connection carries
 * it back, so a late message of a previous connection is dropped on arrival. The host publishes at most
 * every `PUBLISH_EVERY_MS` (the first full tree at once): one `publish` holds the new rows (when the tree
 * changed), the feed's new events (when any came) and the state (when it changed), so the main thread
 * receives at most ~10 messages a second however busy the server is.
 */
import type { ActionResult, AdminClientOptions, AdminState, SocketInfo, TreeRow } from '#core'

/** Rows are republished at most this often, ms (the feed's batches too). */
export const PUBLISH_EVERY_MS = 100
/** Below this many rows (everything open), rooms and groups start open: small servers show every socket. */
export const SMALL_TREE_ROWS = 200

export interface TreeTotals {
  readonly sockets: number
  readonly rooms: number
  readonly namespaces: number
  readonly servers: number
}

/** A server action, run by the host's `AdminClient` (its checks and its "seen coming back" wait). */
export type AdminAction
  = | { readonly kind: 'join', readonly nsp: string, readonly room: string, readonly target: string }
    | { readonly kind: 'leave', readonly nsp: string, readonly room: string, readonly target: string }
    | { readonly kind: 'disconnect', readonly nsp: string, readonly target: string, readonly close: boolean }
    | { readonly kind: 'emit', readonly nsp: string, readonly filter: string | undefined, readonly event: string, readonly args: readonly unknown[] }

/** Main thread → host. */
export type ToAdminHost
  = | { readonly type: 'connect', readonly gen: number, readonly options: AdminClientOptions }
    /** Close the admin socket; the model keeps its last state (as `AdminClient.disconnect`). */
    | { readonly type: 'disconnect', readonly gen: number }
    /** The user opened or closed one row. */
    | { readonly type: 'toggle', readonly key: string, readonly open: boolean }
    /** Open or close every room and group (servers and namespaces open). */
    | { readonly type: 'set-all-rooms', readonly open: boolean }
    /** Open what lists this socket; answered by `revealed` after the rows that show it. */
    | { readonly type: 'reveal', readonly req: number, readonly nsp: string, readonly id: string }
    /** The socket whose details are on screen: its info comes with every tree publish (undefined: none). */
    | { readonly type: 'watch', readonly socket: { readonly nsp: string, readonly id: string } | undefined }
    | { readonly type: 'action', readonly req: number, readonly action: AdminAction }
    /** The host's own JS heap (a Worker has its own isolate); answered by `heap`. */
    | { readonly type: 'heap', readonly req: number }

export interface TreePublish {
  readonly rows: readonly TreeRow[]
  readonly totals: TreeTotals
  /** ms the flatten took in the host. */
  readonly flattenMs: number
  /** The rows come from a model holding an `all_sockets` snapshot. */
  readonly hasSnapshot: boolean
  /** The open/closed choices, when they changed since the last publish. */
  readonly overrides?: ReadonlyMap<string, boolean>
}

/** The watched socket (see `watch`), looked up in the model the rows come from. */
export interface WatchedSocket {
  readonly nsp: string
  readonly id: string
  /** Undefined: the model doesn't hold it (gone). */
  readonly info: SocketInfo | undefined
}

/** `event_received` / `event_sent` as they came, oldest first, to push into the page's `ServerEventFeed`. */
export interface FeedItem {
  readonly direction: 'in' | 'out'
  readonly nsp: string
  readonly socketId: string
  /** `[event, ...args]` */
  readonly payload: readonly unknown[]
  /** ms since the epoch */
  readonly time: number
}

export interface FeedBatch {
  readonly items: readonly FeedItem[]
  /** Events that came since the last batch but were cut from it (more than a ring's worth in one batch). */
  readonly cut: number
}

/** Host → main thread. `ready`: the host is running (a Worker's module loaded), the transport stops waiting. */
export type FromAdminHost
  = | { readonly type: 'ready' }
    /** Each part only when it changed; `watched` when the watched socket's info changed (or was asked for). */
    | { readonly type: 'publish', readonly gen: number, readonly tree?: TreePublish, readonly feed?: FeedBatch, readonly state?: AdminState, readonly watched?: WatchedSocket }
    /** `connect` resolved (connected with `config`, or failed). */
    | { readonly type: 'connected', readonly gen: number, readonly ok: boolean }
    /**
     * When the model first held the `all_sockets` snapshot: ms since the epoch with sub-ms precision
     * (`performance.timeOrigin + performance.now()` in the host; the page subtracts its own timeOrigin).
     */
    | { readonly type: 'snapshot', readonly gen: number, readonly at: number }
    | { readonly type: 'revealed', readonly req: number, readonly key: string | undefined }
    | { readonly type: 'action-result', readonly req: number, readonly result: ActionResult }
    /** `usedJSHeapSize` of the host's heap, null where the browser doesn't say (or inline: the page's heap). */
    | { readonly type: 'heap', readonly req: number, readonly usedJSHeapSize: number | null }

export type AdminTransportKind = 'worker' | 'inline'
