import type { EventEntry, FrameEntry, LogEntry } from '#core'
import type { AddressInfo } from 'node:net'
import http from 'node:http'
import { decodeEntries, decodeTagged, decodeWire, encodeEntries, encodeEntry, encodeTagged, encodeWire, EventLog, exportNdjson, isDeepPlaceholder, MAX_ENCODE_DEPTH, RelaySession, WIRE_MAX_ENTRY_CHARS } from '#core'
import { Server } from 'socket.io'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attachRelay } from '../../inspector-ui/server/relay'
import { eventEntry, noteEntry } from './fixtures/entries'
import { waitForEntry, waitForState } from './fixtures/servers'

function deepArray(levels: number): unknown {
  let v: unknown = 1
  for (let i = 0; i < levels; i++) v = [v]
  return v
}

/** Arrays `levels` deep, as JSON text (what a server can put in a packet without encoding it itself). */
function deepArrayText(levels: number): string {
  return `${'['.repeat(levels)}1${']'.repeat(levels)}`
}

/** Levels of arrays from `v` down to the first non-array (a placeholder or the bottom value). */
function arrayDepth(v: unknown): { levels: number, bottom: unknown } {
  let levels = 0
  while (Array.isArray(v)) {
    v = v[0]
    levels++
  }
  return { levels, bottom: v }
}

let seq = 0
function withIds(entries: ReturnType<typeof eventEntry>[]): LogEntry[] {
  return entries.map(e => ({ ...e, id: ++seq }) as LogEntry)
}

describe('relay wire: one entry at a time', () => {
  it('encodes each entry on its own: a too-deep, a cyclic and a too-large one arrive marked, their neighbours whole', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const batch = withIds([
      eventEntry('before', [1]),
      eventEntry('deep', [deepArray(200_000)]),
      eventEntry('cyclic', [cyclic]),
      eventEntry('big', ['x'.repeat(WIRE_MAX_ENTRY_CHARS)]),
      eventEntry('after', [2]),
    ])
    const back = decodeEntries(encodeEntries(batch)) as EventEntry[]
    expect(back.map(e => e.name)).toEqual(['before', 'deep', 'cyclic', 'big', 'after'])
    expect(back[0]).toEqual(batch[0])
    expect(back[4]).toEqual(batch[4])
    expect(back[1].truncated).toEqual({ reason: 'depth', maxDepth: MAX_ENCODE_DEPTH })
    const { levels, bottom } = arrayDepth(back[1].args[0])
    expect(levels).toBe(MAX_ENCODE_DEPTH - 2)
    expect(isDeepPlaceholder(bottom)).toBe(true)
    expect(bottom).toEqual({ $t: 'deep', depth: 200_000 - levels })
    expect(back[2]).toMatchObject({ args: [], truncated: { reason: 'unencodable' } })
    expect(back[3]).toMatchObject({ args: [], truncated: { reason: 'size' } })
    expect(back[3].truncated!.size).toBeGreaterThan(WIRE_MAX_ENTRY_CHARS)
  })

  it('turns an item that is not an entry into an error note instead of losing it silently', () => {
    const [note, ok] = decodeEntries(JSON.stringify([{ kind: 'event' }, { ...noteEntry('fine'), id: 1 }]))
    expect(note).toMatchObject({ kind: 'note', level: 'error', message: expect.stringMatching(/not a log entry/) })
    expect(ok).toMatchObject({ kind: 'note', message: 'fine' })
  })
})

describe('relay wire: the capture files\' encoding', () => {
  it('encodes values and entries exactly as a capture file does (one shared encoding)', () => {
    const value = [new Uint8Array([1, 2]), undefined, Number.NaN, -0, 12n, new Date(0), { $t: 'mine' }]
    expect(encodeWire(value)).toBe(encodeTagged(value))
    expect(decodeWire(encodeWire(value))).toStrictEqual(decodeTagged(encodeTagged(value)))
    const [entry] = withIds([eventEntry('emit', [undefined, new Uint8Array([7])], 'out', 's1', { correlationId: undefined, compress: undefined })])
    // A wire batch holds the entry's capture line; the NDJSON file holds the same line.
    const line = encodeEntry(entry)
    expect(encodeEntries([entry])).toBe(`[${line}]`)
    expect(exportNdjson([entry], []).split('\n')[1]).toBe(line)
    // Unset fields travel absent; an undefined argument stays a value.
    expect(Object.keys(JSON.parse(line))).not.toContain('correlationId')
    expect(Object.keys(JSON.parse(line))).not.toContain('compress')
    const [back] = decodeEntries(encodeEntries([entry])) as EventEntry[]
    expect(back.args).toStrictEqual([undefined, new Uint8Array([7])])
  })

  it('turns an entry of a kind the core does not know into an error note naming the kind', () => {
    const [unknown, bad] = decodeEntries(JSON.stringify([{ ...noteEntry('x'), kind: 'fault' }, { ...noteEntry('y'), time: 'noon' }]))
    expect(unknown).toMatchObject({ kind: 'note', level: 'error', sessionId: 's1', message: 'the relay sent an item that is not a log entry (unknown kind \'fault\')' })
    expect(bad).toMatchObject({ kind: 'note', level: 'error', message: 'the relay sent an item that is not a log entry (time must be a number)' })
  })
})

describe('through the real relay', () => {
  const TOKEN = 'relay-wire-token'
  const ORIGIN = 'http://inspector.test:5173'
  let relayHttp: http.Server
  let relay: ReturnType<typeof attachRelay>
  let targetHttp: http.Server
  let io: Server
  let relayUrl: string
  let targetUrl: string

  beforeAll(async () => {
    relayHttp = http.createServer((_req, res) => void res.writeHead(404).end())
    relay = attachRelay(relayHttp, { token: TOKEN, allowedOrigins: [ORIGIN] })
    await new Promise<void>(resolve => relayHttp.listen(0, '127.0.0.1', resolve))
    relayUrl = `http://127.0.0.1:${(relayHttp.address() as AddressInfo).port}`
    targetHttp = http.createServer()
    io = new Server(targetHttp)
    io.on('connection', (socket) => {
      socket.on('send:deep', () => {
        socket.emit('before', 1)
        // The server writes the packets itself: socket.io's own encoder could not write 100,000 levels either.
        socket.conn.write(`2["deep2200",${deepArrayText(2200)}]`)
        socket.conn.write(`2["deep100k",${deepArrayText(100_000)}]`)
        socket.emit('after', 2)
      })
      socket.on('send:big', () => {
        socket.emit('big', 'x'.repeat(34 * 1024 * 1024))
        socket.emit('last', 3)
      })
    })
    await new Promise<void>(resolve => targetHttp.listen(0, '127.0.0.1', resolve))
    targetUrl = `http://127.0.0.1:${(targetHttp.address() as AddressInfo).port}/`
  })

  afterAll(async () => {
    await relay.close()
    io.disconnectSockets(true)
    await new Promise<void>(resolve => io.close(() => resolve()))
    relayHttp.closeAllConnections()
    await new Promise<void>(resolve => relayHttp.close(() => resolve()))
  })

  async function relayed(): Promise<{ s: RelaySession, log: EventLog }> {
    const log = new EventLog()
    const s = new RelaySession({ url: targetUrl, transports: ['websocket'], reconnection: false }, { log, relay: { url: relayUrl, token: TOKEN, extraHeaders: { Origin: ORIGIN } }, id: 'p1' })
    s.connect()
    await waitForState(s, x => x.status === 'connected', 10_000)
    return { s, log }
  }

  const events = (log: EventLog): EventEntry[] => [...log].filter((e): e is EventEntry => e.kind === 'event' && e.direction === 'in')

  it('brings a 2,200-deep and a 100,000-deep array to the page, marked where cut, and the next event intact', async () => {
    const { s, log } = await relayed()
    try {
      s.emit('send:deep', [])
      await waitForEntry(log, e => e.kind === 'event' && e.name === 'after', { timeoutMs: 20_000 })
      const got = events(log)
      expect(got.map(e => e.name)).toEqual(['before', 'deep2200', 'deep100k', 'after'])
      const [, deep2200, deep100k, after] = got
      // 2,200 levels: whole where JSON.stringify can walk it, else cut and marked.
      const d2200 = arrayDepth(deep2200.args)
      if (deep2200.truncated)
        expect(isDeepPlaceholder(d2200.bottom) && deep2200.truncated.reason === 'depth').toBe(true)
      else
        expect(d2200).toEqual({ levels: 2201, bottom: 1 })
      expect(deep100k.truncated).toEqual({ reason: 'depth', maxDepth: MAX_ENCODE_DEPTH })
      const d100k = arrayDepth(deep100k.args)
      expect(isDeepPlaceholder(d100k.bottom)).toBe(true)
      expect(d100k.levels + (d100k.bottom as { depth: number }).depth).toBe(100_001)
      expect(after.args).toEqual([2])
      expect(after.truncated).toBeUndefined()
      // The frames of the deep packets are plain text: they arrive whole.
      const frames = [...log].filter((e): e is FrameEntry => e.kind === 'frame' && typeof e.data === 'string' && e.data.startsWith('2["deep100k"'))
      expect(frames).toHaveLength(1)
      expect(frames[0].truncated).toBeUndefined()
    }
    finally {
      s.dispose()
    }
  }, 60_000)

  it('brings a 34 MB event to the page as a truncated entry with its size, and the next event intact', async () => {
    const { s, log } = await relayed()
    try {
      s.emit('send:big', [])
      await waitForEntry(log, e => e.kind === 'event' && e.name === 'last', { timeoutMs: 30_000 })
      const got = events(log)
      expect(got.map(e => e.name)).toEqual(['big', 'last'])
      const [big, last] = got
      expect(big).toMatchObject({ args: [], truncated: { reason: 'size' } })
      expect(big.truncated!.size).toBeGreaterThan(34 * 1024 * 1024)
      expect(last.args).toEqual([3])
      // Its frame too: no payload (absent, not an undefined value), its size kept.
      const frame = [...log].find((e): e is FrameEntry => e.kind === 'frame' && e.size > 34 * 1024 * 1024)
      expect(frame).toMatchObject({ truncated: { reason: 'size' } })
      expect(Object.keys(frame!)).not.toContain('data')
    }
    finally {
      s.dispose()
    }
  }, 60_000)
})
