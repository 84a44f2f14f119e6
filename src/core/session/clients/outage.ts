/**
 * The "offline for N s" fault (../faults.ts) as both client adapters carry it out: while the outage lasts,
 * the Manager makes its engines with no transports, so each attempt fails at once inside the library with
 * nothing on the wire, as an unreachable network would; when it ends, the Manager's own transports come
 * back and socket.io's backoff reconnects. engine.io-client 6 and 3 read `opts.transports` the same way.
 *
 * @example
 * const outage = new InjectedOutage()
 * outage.set(() => offlineError(5), manager.opts) // attempts now fail
 * r.reconnectError(outage.reported(err))          // the outage's words, not "No transports available"
 * outage.set(undefined, manager.opts)             // back online
 */

/** What engine.io-client says when an engine has no transport to try (the outage's engines). */
const NO_TRANSPORTS = 'No transports available'

/** The part of a Manager's options the outage changes. */
interface TransportOptions { transports?: unknown }

export class InjectedOutage {
  private error: (() => Error) | undefined
  /** The outage's error, kept after it ends for an attempt that was already under way. */
  private last: (() => Error) | undefined
  /** The Manager's own transports while they are replaced: `undefined` = nothing saved, `null` = unset. */
  private saved: unknown

  /** Start (`error` set) or end (`undefined`) the outage, and apply it to `opts` when the Manager exists. */
  set(error: (() => Error) | undefined, opts: TransportOptions | undefined): void {
    this.error = error
    if (error)
      this.last = error
    this.apply(opts)
  }

  /** Bring `opts` in line with the outage (a Manager made during one starts without transports). */
  apply(opts: TransportOptions | undefined): void {
    if (!opts)
      return
    if (this.error) {
      if (this.saved === undefined)
        this.saved = opts.transports ?? null
      opts.transports = []
    }
    else if (this.saved !== undefined) {
      opts.transports = this.saved ?? undefined
      this.saved = undefined
    }
  }

  /** A connection error as reported: the injected outage's own words for the engines it made fail. */
  reported(err: unknown): unknown {
    if (this.error)
      return this.error()
    if (err === NO_TRANSPORTS && this.last)
      return this.last()
    return err
  }
}
