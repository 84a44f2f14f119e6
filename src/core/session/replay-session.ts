import type { Disposer, EmitResult, SessionEvents, SessionSnapshot, SessionSource } from '../types'

const READ_ONLY = 'This session is an imported capture (read-only): it cannot connect, emit or answer acks.'
const READ_ONLY_FAULTS = 'This session is an imported capture (read-only): it has no connection to inject faults into.'

/**
 * An imported capture, behind the same interface as a live session (the UI never asks "is this a file?").
 * Read-only: `connect`/`disconnect`/`reconnect` do nothing, `emit`/`answerAck` return an error result.
 * Its snapshot is the one recorded in the file (`readonly: true`, no pending acks, no live heartbeat), with
 * the parser the session used (`parser: 'msgpack'`, absent for the default), so its frames decode with it.
 * @example
 * const r = importCapture(text)
 * if (r.ok) for (const snap of r.sessions) new ReplaySession(snap)
 */
export class ReplaySession implements SessionSource {
  readonly id: string
  private readonly snap: SessionSnapshot
  private readonly listeners = new Set<(s: SessionSnapshot) => void>()

  constructor(snapshot: SessionSnapshot, options: { id?: string } = {}) {
    this.id = options.id ?? snapshot.id
    // A heartbeat and faults are a live connection's; the parser stays (only when not the default, as live sessions set it).
    const { heartbeat: _heartbeat, faults: _faults, parser, ...recorded } = snapshot
    this.snap = Object.freeze({
      ...recorded,
      id: this.id,
      readonly: true,
      idHistory: Object.freeze([...snapshot.idHistory]),
      pendingServerAcks: Object.freeze([]),
      ...(parser !== undefined && parser !== 'default' ? { parser } : {}),
    })
  }

  snapshot(): SessionSnapshot { return this.snap }

  on<E extends keyof SessionEvents>(_event: E, listener: SessionEvents[E]): Disposer {
    // The state of a capture never changes; keep the listener only so `dispose` can forget it.
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  connect(): void {}
  disconnect(): void {}
  reconnect(): void {}
  emit(): EmitResult { return { ok: false, error: READ_ONLY } }
  answerAck(): EmitResult { return { ok: false, error: READ_ONLY } }
  injectFault(): EmitResult { return { ok: false, error: READ_ONLY_FAULTS } }
  setReconnection(): EmitResult { return { ok: false, error: READ_ONLY_FAULTS } }
  setQueueWhileOffline(): EmitResult { return { ok: false, error: READ_ONLY_FAULTS } }
  dispose(): void { this.listeners.clear() }
}
