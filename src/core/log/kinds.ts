import type { LogEntry, LogEntryKind } from '../types'

/**
 * Where a session's entries are listed: the event log (events, acks, lifecycle, notes) or the frames view
 * (one entry per Engine.IO packet: in the event log they would outnumber the events they carry).
 */
export type EntryView = 'events' | 'frames'

/** What the UI needs to know about one kind of log entry. */
export interface EntryKindInfo {
  /** The list that shows entries of this kind. */
  readonly view: EntryView
  /** A row's title when the entry has no name of its own (events and acks show their event name). */
  readonly title: string
  /** One line in plain words (a row's tooltip). */
  readonly description: string
}

/**
 * Every kind of `LogEntry`, described once. The `satisfies Record<LogEntryKind, …>` is the point: a kind
 * added to the union and not described here fails the typecheck, so it cannot be left out of every view
 * without anyone noticing (the event log once had its own hand-written list of kinds). Components derive
 * their lists from this table (`kindsIn`) and their titles from `kindTitle`.
 *
 * @example ENTRY_KINDS.reconnect_attempt.view // 'events'
 */
export const ENTRY_KINDS = {
  connecting: { view: 'events', title: 'connecting', description: 'The session started connecting to its URL and namespace.' },
  connect: { view: 'events', title: 'connect', description: 'The namespace accepted the socket (socket id, transport, recovered or not).' },
  connect_error: { view: 'events', title: 'connect_error', description: 'The connection or the namespace was refused (middleware error, transport error, timeout).' },
  disconnect: { view: 'events', title: 'disconnect', description: 'The socket was disconnected: the reason, which side closed, and whether socket.io reconnects.' },
  reconnect_attempt: { view: 'events', title: 'reconnect_attempt', description: 'The Manager tries to reconnect (attempt number).' },
  reconnect_error: { view: 'events', title: 'reconnect_error', description: 'A reconnection attempt failed.' },
  reconnect: { view: 'events', title: 'reconnect', description: 'The Manager reconnected (after how many attempts).' },
  reconnect_failed: { view: 'events', title: 'reconnect_failed', description: 'The Manager gave up reconnecting (reconnectionAttempts reached).' },
  upgrading: { view: 'events', title: 'upgrading', description: 'Engine.IO probes a better transport (the upgrade probe).' },
  upgrade: { view: 'events', title: 'upgrade', description: 'Engine.IO switched to the probed transport.' },
  upgrade_error: { view: 'events', title: 'upgrade_error', description: 'The transport upgrade failed; the connection stays on its transport.' },
  event: { view: 'events', title: 'event', description: 'An event that crossed the wire, with its arguments.' },
  ack: { view: 'events', title: 'ack', description: 'The answer to an emit that asked for one, or its timeout.' },
  frame: { view: 'frames', title: 'frame', description: 'One Engine.IO packet as it crossed the wire (decoded on demand).' },
  note: { view: 'events', title: 'note', description: 'A note from the inspector itself (entries dropped, decoder warnings).' },
} as const satisfies Record<LogEntryKind, EntryKindInfo>

/** Every kind of log entry, in the table's order. */
export const LOG_ENTRY_KINDS: readonly LogEntryKind[] = Object.freeze(Object.keys(ENTRY_KINDS) as LogEntryKind[])

const BY_VIEW: Readonly<Record<EntryView, readonly LogEntryKind[]>> = {
  events: Object.freeze(LOG_ENTRY_KINDS.filter(kind => ENTRY_KINDS[kind].view === 'events')),
  frames: Object.freeze(LOG_ENTRY_KINDS.filter(kind => ENTRY_KINDS[kind].view === 'frames')),
}

/**
 * The kinds a view lists (its `LogFilter.kinds`).
 * @example compileFilter({ kinds: kindsIn('frames') }) // frames only
 */
export function kindsIn(view: EntryView): readonly LogEntryKind[] {
  return BY_VIEW[view]
}

/**
 * What the table says about a kind; `undefined` for a string that is no kind (an entry from a newer
 * version, had it got past the import's validation: callers show the raw kind instead of nothing).
 * @example kindInfo('note')?.view // 'events'
 */
export function kindInfo(kind: string): EntryKindInfo | undefined {
  return Object.prototype.hasOwnProperty.call(ENTRY_KINDS, kind) ? ENTRY_KINDS[kind as LogEntryKind] : undefined
}

/**
 * A row's title for an entry without a name: the table's title, the level for notes, `(probe)` for
 * upgrade-probe frames; an unknown kind shows as itself.
 * @example kindTitle(noteEntry) // 'note (warn)'
 */
export function kindTitle(entry: LogEntry): string {
  switch (entry.kind) {
    case 'note':
      return `${ENTRY_KINDS.note.title} (${entry.level})`
    case 'frame':
      return entry.probe ? `${entry.engineType} (probe)` : entry.engineType
    default:
      return kindInfo(entry.kind)?.title ?? `unknown kind ${String(entry.kind)}`
  }
}
