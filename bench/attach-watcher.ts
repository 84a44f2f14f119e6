/**
 * The inspector's ingest of an attached app's mirror (issue 20, part of bench/attach.ts), seen from where a
 * page sees it: a relay connection (socket.io-client with the relay token and the page's Origin, as the
 * served page has) that lists the attached apps, watches the newest one and counts the stream's events in
 * the `entries` batches the hub sends (parsed, as the page parses them). The path measured is the whole
 * inspector side: the hub's gate, per-entry validation, completion, backlog and re-encoding, and the relay's
 * emit to the page.
 *
 * @example
 * const watcher = await startMirrorWatcher(port, relayToken, ['tick'])
 * const seen = await watcher.next(received => received >= count, 10_000)
 * watcher.close()
 */
import type { Socket } from 'socket.io-client'
import { performance } from 'node:perf_hooks'
import { RELAY_PATH } from '#core'
import { io } from 'socket.io-client'

interface Listed { attachId: string, present: boolean }

export interface MirrorSeen {
  /** Stream events counted in the batches received so far. */
  events: number
  /** When the first / the last counted event's batch arrived, ms since the epoch (`performance.timeOrigin` based). */
  firstAt: number
  lastAt: number
  /** Batches received. */
  batches: number
}

export interface MirrorWatcher {
  /** Resolves with what was seen once `done(events)` holds, or when nothing has arrived for `idleMs`. */
  next: (done: (events: number) => boolean, idleMs: number) => Promise<MirrorSeen>
  close: () => void
}

/**
 * Connect as a page and watch the first app that attaches from now on (apps already listed are skipped:
 * their records outlive their processes).
 */
export async function startMirrorWatcher(port: number, relayToken: string, eventNames: readonly string[]): Promise<MirrorWatcher> {
  const origin = `http://127.0.0.1:${port}`
  const names = new Set(eventNames)
  const socket: Socket = io(origin, {
    path: RELAY_PATH,
    transports: ['websocket'],
    auth: { token: relayToken },
    extraHeaders: { Origin: origin },
    reconnection: false,
  })
  const seen: MirrorSeen = { events: 0, firstAt: 0, lastAt: 0, batches: 0 }
  let wake: (() => void) | undefined
  socket.on('entries', (text: string) => {
    const batch = JSON.parse(text) as Array<{ kind?: string, name?: string, direction?: string }>
    let counted = 0
    for (const e of batch) {
      if (e.kind === 'event' && e.direction === 'in' && e.name !== undefined && names.has(e.name))
        counted++
    }
    seen.batches++
    if (counted > 0) {
      const now = performance.timeOrigin + performance.now()
      if (seen.events === 0)
        seen.firstAt = now
      seen.lastAt = now
      seen.events += counted
    }
    wake?.()
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', err => reject(new Error(`the bench's relay connection was refused: ${err.message}`)))
  })
  const before = new Set((await socket.emitWithAck('attachList') as Listed[]).map(a => a.attachId))
  let watching = false
  socket.on('attachedChanged', (list: Listed[]) => {
    const fresh = list.find(a => a.present && !before.has(a.attachId))
    if (!fresh || watching)
      return
    watching = true
    socket.emit('watch', fresh.attachId, `bench-${fresh.attachId}`, (result: { ok: boolean, error?: string }) => {
      if (!result.ok)
        console.error(`attach bench: watching the mirror failed: ${result.error}`)
    })
  })
  return {
    next: async (done, idleMs) => {
      let last = seen.batches
      let idleSince = performance.now()
      while (!done(seen.events)) {
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, 50)
        })
        if (seen.batches !== last) {
          last = seen.batches
          idleSince = performance.now()
        }
        else if (performance.now() - idleSince > idleMs) {
          break
        }
      }
      wake = undefined
      return { ...seen }
    },
    close: () => {
      socket.close()
    },
  }
}
