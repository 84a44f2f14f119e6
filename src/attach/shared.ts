/**
 * Small helpers of `socketio-inspector/attach` (src/attach/): the clock, ids, the runtime, and the shapes of
 * the entries the app sends. Nothing here imports Node or the DOM: the entry runs in both.
 */
import type { DisconnectEntry, LogEntry, NoteEntry } from '../core/types'

export { plainDetail } from '../core/util/plain-detail'
export { utf8Length } from '../core/util/utf8'

/**
 * An entry as the app sends it (attach/protocol.ts): the core's shape without `id` and `sessionId`, and
 * without what the hub completes (`bytes`, a disconnect's `explanation`).
 */
export type MirrorEntry = Sent<LogEntry>
type Sent<E> = E extends DisconnectEntry
  ? Omit<E, 'id' | 'sessionId' | 'bytes' | 'explanation'>
  : E extends LogEntry ? Omit<E, 'id' | 'sessionId' | 'bytes'> : never

/** `performance.now()` → wall clock: read once, so an entry costs one clock read (`time = origin + mono`). */
export const timeOrigin: number = Date.now() - performance.now()

/** The app's runtime, for the inspector's tab (no `process` reference unless it exists). */
export function runtime(): 'node' | 'browser' {
  const g = globalThis as { process?: { versions?: { node?: unknown } }, document?: unknown }
  return typeof g.process?.versions?.node === 'string' && g.document === undefined ? 'node' : 'browser'
}

/** 128 random bits as hex: `crypto.getRandomValues` where there is one (Node 20, every browser). */
export function randomId(): string {
  const bytes = new Uint8Array(16)
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto
  if (typeof c?.getRandomValues === 'function') {
    c.getRandomValues(bytes)
  }
  else {
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256)
  }
  let out = ''
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16)
  return out
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error)
    return err.message
  try {
    return String(err)
  }
  catch {
    return 'unknown error'
  }
}

/** A note entry of the mirror itself (dropped entries, an observer that failed, detach). */
export function noteEntry(level: NoteEntry['level'], message: string, mono = performance.now()): MirrorEntry {
  return { kind: 'note', level, message, time: timeOrigin + mono, mono, direction: 'local' }
}

/** The emitter shape of socket.io's and engine.io's classes (component-emitter and Node's EventEmitter). */
export interface Emitterish {
  on: (event: string, fn: (...args: any[]) => void) => unknown
  off?: (event: string, fn?: (...args: any[]) => void) => unknown
  removeListener?: (event: string, fn: (...args: any[]) => void) => unknown
}

/** Listen; returns the disposer. */
export function on(em: Emitterish, event: string, fn: (...args: any[]) => void): () => void {
  em.on(event, fn)
  return () => {
    if (typeof em.off === 'function')
      em.off(event, fn)
    else
      em.removeListener?.(event, fn)
  }
}

/**
 * Listen ahead of the listeners already there (component-emitter keeps them in `_callbacks['$' + event]`).
 * Why: socket.io-client's Socket listens to its Manager's `packet` too and changes the packet while it
 * handles it (it pushes its ack callback onto an event's data, puts a `null` in front of an ack's answer):
 * listening first, the mirror sees the packet as it was decoded. Without that list (another emitter) it
 * listens last, and the readers undo those two changes (client.ts).
 */
export function onFirst(em: Emitterish, event: string, fn: (...args: any[]) => void): () => void {
  const off = on(em, event, fn)
  const list = (em as { _callbacks?: Record<string, unknown> })._callbacks?.[`$${event}`]
  if (Array.isArray(list) && list[list.length - 1] === fn) {
    list.pop()
    list.unshift(fn)
  }
  return off
}

/** Whether `fn` is first among `em`'s listeners of `event` now (see `onFirst`). */
export function isFirst(em: Emitterish, event: string, fn: unknown): boolean {
  const list = (em as { _callbacks?: Record<string, unknown> })._callbacks?.[`$${event}`]
  return Array.isArray(list) && list[0] === fn
}

/** `setTimeout` that never keeps a Node process alive (the app decides when it ends, not its mirror). */
export function quietTimer(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
  const t = setTimeout(fn, ms)
  ;(t as { unref?: () => void }).unref?.()
  return t
}
