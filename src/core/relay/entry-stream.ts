/**
 * An `EntrySink` that keeps nothing: the relay's Node side (one per relayed session) gives each entry an id,
 * freezes it and hands it to the wire in batches, once per macrotask, the way `EventLog.subscribe` batches
 * for the page. The page's log is the only log of a relayed session; a second, bounded log in the relay
 * (it had 50,000 slots per connection) only held what had already been sent.
 *
 * @example
 * const stream = new EntryStream(batch => port.postMessage({ t: 'entries', text: encodeEntries(batch) }))
 * const session = createSessionSource(options, { log: stream, id: 's1' })
 * // on dispose: stream.close() (what is pending is delivered first)
 */
import type { EntrySink, LogEntry, NewEntry } from '../types'

export class EntryStream implements EntrySink {
  private nextId = 1
  private pending: LogEntry[] = []
  private scheduled = false
  private closed = false

  /** `deliver` gets every entry exactly once, in order; `schedule` decides when a batch goes. */
  constructor(
    private readonly deliver: (batch: readonly LogEntry[]) => void,
    private readonly schedule: (flush: () => void) => void = flush => setTimeout(flush, 0),
  ) {}

  append<E extends LogEntry>(entry: NewEntry<E>): E {
    const full = entry as unknown as { id: number }
    full.id = this.nextId++
    const frozen = Object.freeze(full) as unknown as E
    if (this.closed)
      return frozen
    this.pending.push(frozen)
    if (!this.scheduled) {
      this.scheduled = true
      this.schedule(this.flush)
    }
    return frozen
  }

  /** Deliver what is pending now (also what the scheduler calls). */
  readonly flush = (): void => {
    this.scheduled = false
    if (this.pending.length === 0)
      return
    const batch = this.pending
    this.pending = []
    this.deliver(Object.freeze(batch))
  }

  /** Deliver what is pending, then drop whatever comes later. */
  close(): void {
    this.flush()
    this.closed = true
  }
}
