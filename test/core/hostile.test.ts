import type { ConnectErrorEntry, EventEntry, FrameEntry, LogEntry, SessionSnapshot, SessionSource } from '#core'
/**
 * The core's viewer-side functions (previews, size estimate, emit line, export/import) on every hostile
 * payload, as a real socket.io-client 4 receives it from the hostile fixture server; and the sessions (v4 and
 * v2, WebSocket and polling) on every malformed Engine.IO open packet of the fixture's raw server.
 */
import type { Socket } from 'socket.io-client'
import type { HostileKind, HostileServer, MalformedOpenKind } from '../fixtures/hostile-server'
import { createServer } from 'node:http'
import { binaryInfo, diagnoseConnection, DIAGNOSES, estimateBytes, EventLog, explainFailure, exportLog, exportNdjson, importCapture, isBinary, LiveSession, MALFORMED_HANDSHAKE, packetExcerpt, previewArgs, previewValue, readOpenPacket, toBytes, toEmitLine } from '#core'
import { Server } from 'socket.io'
import { io as ioc } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BIG_ARRAY_LENGTH,
  BIG_SIZE,
  bigBinary,
  bigString,
  DEEP_LEVELS,
  depthOf,
  FLOOD_COUNT,
  HOSTILE_KINDS,
  hostileEvents,
  INVALID_UTF8,
  MALFORMED_OPEN_KINDS,
  MALFORMED_OPEN_PACKETS,
  MANY_NAMES,
  startHostileServer,
  startMalformedOpenServer,
  XSS_PAYLOADS,
} from '../fixtures/hostile-server'
import { listen } from '../fixtures/net-utils'
import { waitForEntry, waitForState } from './fixtures/servers'

interface Received { event: string, args: unknown[] }

let hostile: HostileServer
let client: Socket
const received: Received[] = []
const waiters: Array<() => void> = []

beforeAll(async () => {
  hostile = await startHostileServer()
  client = ioc(hostile.url, { forceNew: true, reconnection: false })
  client.onAny((event: string, ...args: unknown[]) => {
    received.push({ event, args })
    for (const w of waiters.splice(0)) w()
  })
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve())
    client.once('connect_error', reject)
  })
})

afterAll(async () => {
  client?.close()
  await hostile?.close()
})

/** Trigger one kind and resolve with exactly the events it produced, once all have arrived. */
async function receive(kind: HostileKind): Promise<Received[]> {
  const expected = hostileEvents(kind).length
  const start = received.length
  const got = () => received.length - start >= expected
  const done = new Promise<void>((resolve) => {
    const check = () => (got() ? resolve() : waiters.push(check))
    check()
  })
  expect(await hostile.send(kind)).toBe(1)
  await done
  return received.slice(start, start + expected)
}

let nextId = 1
function entryOf(r: Received): EventEntry {
  return Object.freeze({
    id: nextId++,
    sessionId: 's1',
    time: Date.now(),
    mono: 1,
    direction: 'in',
    kind: 'event',
    name: r.event,
    args: r.args,
    bytes: estimateBytes(r.args),
  }) as EventEntry
}

const SESSION: SessionSnapshot = {
  id: 's1',
  label: 'hostile',
  url: 'http://127.0.0.1/',
  namespace: '/',
  status: 'connected',
  readonly: false,
  socketId: 'x',
  engineId: 'y',
  transport: 'websocket',
  reconnectAttempt: 0,
  lastError: undefined,
  idHistory: [],
  pendingServerAcks: [],
}

/** export → import; the imported entries (throws with the importer's message on failure). */
function roundTrip(entries: LogEntry[], layout: 'json' | 'ndjson' = 'json'): LogEntry[] {
  const text = layout === 'json' ? exportLog(entries, [SESSION]) : exportNdjson(entries, [SESSION])
  const result = importCapture(text)
  if (!result.ok)
    throw new Error(`import failed: ${result.error}`)
  return result.entries
}

function argsOf(entry: LogEntry | undefined): readonly unknown[] {
  if (entry?.kind !== 'event')
    throw new Error(`expected an event entry, got ${entry?.kind}`)
  return entry.args
}

/** Previews at several sizes stay within their bound and never throw. */
function expectBoundedPreviews(args: readonly unknown[]): void {
  for (const max of [1, 2, 40, 160, 2000]) {
    expect(previewArgs(args, max).length).toBeLessThanOrEqual(max)
    for (const a of args)
      expect(previewValue(a, max).length).toBeLessThanOrEqual(max)
  }
  expect(Number.isFinite(estimateBytes(args))).toBe(true)
  expect(() => toEmitLine('x', args)).not.toThrow()
}

describe('the core on hostile payloads from a real server', () => {
  it('covers every kind of the fixture (each test below receives one)', () => {
    expect(HOSTILE_KINDS).toHaveLength(14)
  })

  it('keeps script-shaped event names, values and keys as literal text in previews and exports', async () => {
    const names = await receive('xss-event-names')
    expect(names.map(r => r.event)).toEqual([...XSS_PAYLOADS])
    const values = await receive('xss-values')
    const keys = await receive('xss-keys')
    for (const r of [...names, ...values, ...keys])
      expectBoundedPreviews(r.args)
    const wide = previewArgs(values[0].args, 5000)
    for (const p of XSS_PAYLOADS)
      expect(wide).toContain(p)
    expect(previewArgs(keys[0].args, 5000)).toContain('<img src=x onerror=window.__pwned=1>')
    expect(toEmitLine(names[0].event, names[0].args)).toContain(JSON.stringify(XSS_PAYLOADS[0]))
    const entries = [...names, ...values, ...keys].map(entryOf)
    const back = roundTrip(entries)
    expect(back.map(e => (e.kind === 'event' ? e.name : ''))).toEqual(entries.map(e => e.name))
    back.forEach((e, i) => expect(argsOf(e)).toEqual(entries[i].args))
  })

  it('previews a 5 MB string in bounded size and exports it whole', async () => {
    const [r] = await receive('big-string')
    expect(r.args[0]).toBe(bigString())
    expectBoundedPreviews(r.args)
    expect(estimateBytes(r.args)).toBeGreaterThanOrEqual(BIG_SIZE)
    expect(argsOf(roundTrip([entryOf(r)])[0])[0]).toBe(bigString())
  })

  it('previews a 5 MB binary by its size and exports every byte', async () => {
    const [r] = await receive('big-binary')
    expect(isBinary(r.args[0])).toBe(true)
    expectBoundedPreviews(r.args)
    expect(previewArgs(r.args, 160)).toMatch(/5(\.0)? MB|5,?242,?880/)
    expect(estimateBytes(r.args)).toBeGreaterThanOrEqual(BIG_SIZE)
    expect(binaryInfo(r.args[0] as Buffer).byteLength).toBe(BIG_SIZE)
    const back = argsOf(roundTrip([entryOf(r)])[0])[0]
    expect(isBinary(back)).toBe(true)
    expect(Buffer.from(toBytes(back as Uint8Array)).equals(bigBinary())).toBe(true)
  })

  it(`previews an object nested ${DEEP_LEVELS} levels and exports it at full depth`, async () => {
    const [r] = await receive('deep-object')
    expect(depthOf(r.args[0])).toBe(DEEP_LEVELS)
    expectBoundedPreviews(r.args)
    for (const layout of ['json', 'ndjson'] as const) {
      const back = argsOf(roundTrip([entryOf(r)], layout)[0])[0]
      expect(depthOf(back)).toBe(DEEP_LEVELS)
    }
  })

  it(`previews an array of ${BIG_ARRAY_LENGTH} items in bounded size and exports every item`, async () => {
    const [r] = await receive('big-array')
    expectBoundedPreviews(r.args)
    const back = argsOf(roundTrip([entryOf(r)])[0])[0] as number[]
    expect(back).toHaveLength(BIG_ARRAY_LENGTH)
    expect(back[BIG_ARRAY_LENGTH - 1]).toBe(BIG_ARRAY_LENGTH - 1)
  })

  it('keeps an own "__proto__" key as data, without polluting prototypes, through export and import', async () => {
    const [r] = await receive('proto-key')
    const first = r.args[0] as Record<string, unknown>
    expect(Object.hasOwn(first, '__proto__')).toBe(true)
    expectBoundedPreviews(r.args)
    expect(previewArgs(r.args, 500)).toContain('__proto__')
    expect(toEmitLine('proto-key', r.args)).toContain('["__proto__"]')
    for (const layout of ['json', 'ndjson'] as const) {
      const back = argsOf(roundTrip([entryOf(r)], layout)[0])
      const obj = back[0] as Record<string, unknown>
      expect(Object.hasOwn(obj, '__proto__')).toBe(true)
      expect(Object.getOwnPropertyDescriptor(obj, '__proto__')?.value).toEqual({ polluted: 'yes', isAdmin: true })
      expect(Object.getPrototypeOf(obj)).toBe(Object.prototype)
      expect(obj.normal).toBe(1)
      const arr = back[2] as Array<Record<string, unknown>>
      expect(Object.getOwnPropertyDescriptor(arr[0], '__proto__')?.value).toEqual([1, 2, 3])
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
  })

  it('keeps lone surrogates exactly and previews them in bounded size', async () => {
    const [r] = await receive('lone-surrogates')
    expect(r.args).toEqual(hostileEvents('lone-surrogates')[0].args)
    expectBoundedPreviews(r.args)
    expect(argsOf(roundTrip([entryOf(r)])[0])).toEqual(r.args)
  })

  it('shows invalid UTF-8 bytes as bytes and exports them unchanged', async () => {
    const [r] = await receive('invalid-utf8')
    expectBoundedPreviews(r.args)
    const info = binaryInfo(r.args[0] as Buffer)
    expect(info.byteLength).toBe(INVALID_UTF8.length)
    expect(info.hex.startsWith('c3 28 a0')).toBe(true)
    const back = argsOf(roundTrip([entryOf(r)])[0])
    expect([...toBytes(back[0] as Uint8Array)]).toEqual(INVALID_UTF8)
    expect(back[1]).toBe('text after the bytes')
  })

  it('handles 200 event names, events with 0 and 50 arguments, and a flood', async () => {
    const names = await receive('many-names')
    expect(new Set(names.map(r => r.event)).size).toBe(MANY_NAMES)
    const [zero] = await receive('zero-args')
    expect(zero.args).toEqual([])
    expect(previewArgs(zero.args, 160)).toBe('')
    const [fifty] = await receive('fifty-args')
    expect(fifty.args).toHaveLength(50)
    expectBoundedPreviews(fifty.args)
    const flood = await receive('flood')
    expect(flood.map(r => r.args[0])).toEqual(Array.from({ length: FLOOD_COUNT }, (_, i) => i))
    const entries = [...names, zero, fifty, ...flood].map(entryOf)
    const back = roundTrip(entries)
    expect(back).toHaveLength(entries.length)
    expect(argsOf(back[MANY_NAMES])).toEqual([])
    expect(argsOf(back[MANY_NAMES + 1])).toEqual(fifty.args)
  })
})

/** What each malformed open packet must be called (the diagnosis title says it after the colon). */
const PROBLEMS: Record<MalformedOpenKind, RegExp> = {
  'cut-json': /^the open packet is not valid JSON \(/,
  'cut-json-list': /^the open packet is not valid JSON \(/,
  'not-an-object': /^the open packet is a list, not a JSON object$/,
  'sid-not-string': /^"sid" is 42 \(a number\), not a session id string$/,
  'ping-interval-not-number': /^"pingInterval" is "25000" \(a string\), not a positive number of milliseconds$/,
  'ping-timeout-negative': /^"pingTimeout" is -1 \(a number\), not a positive number of milliseconds$/,
  'huge-max-payload': /^"maxPayload" is 1e\+300, beyond any byte count/,
  'upgrades-not-list': /^"upgrades" is "websocket" \(a string\), not a list of transport names$/,
}

describe('the sessions on malformed Engine.IO open packets', () => {
  it('covers every malformed packet of the fixture', () => {
    expect(Object.keys(PROBLEMS).sort()).toEqual([...MALFORMED_OPEN_KINDS].sort())
  })

  for (const kind of MALFORMED_OPEN_KINDS) {
    it(`ends v4 and v2 sessions, over WebSocket and polling, with the malformed-handshake diagnosis: ${kind}`, async () => {
      const bad = await startMalformedOpenServer(kind)
      const sessions: SessionSource[] = []
      try {
        for (const client of ['v4', 'v2'] as const) {
          for (const transport of ['websocket', 'polling'] as const) {
            const log = new EventLog()
            // Reconnection on (the default): the session must end all the same, not loop on the same packet.
            const options = { url: `${bad.url}/`, transports: [transport], client }
            const s = new LiveSession(options, { log })
            sessions.push(s)
            s.connect()
            const error = await waitForEntry<ConnectErrorEntry>(log, e => e.kind === 'connect_error')
            const where = `${client} over ${transport}`
            expect(error.message, where).toBe(MALFORMED_HANDSHAKE)
            expect(error.willRetry, where).toBe(false)
            expect(error.data, where).toEqual({ problem: expect.stringMatching(PROBLEMS[kind]), packet: packetExcerpt(bad.packet), length: bad.packet.length })
            const snap = await waitForState(s, x => x.status === 'disconnected')
            expect(snap.lastError).toBe(MALFORMED_HANDSHAKE)
            // The bad packet is logged as the open frame it was, before the error.
            const frame = [...log].find((e): e is FrameEntry => e.kind === 'frame' && e.direction === 'in')
            expect(frame?.engineType, where).toBe('open')
            expect(frame?.data, where).toBe(bad.packet.slice(1))
            expect(frame!.id).toBeLessThan(error.id)

            const d = explainFailure({ url: bad.url, error: { message: error.message, data: error.data, description: error.description } })
            expect(d?.code, where).toBe('malformed-handshake')
            expect(d!.title.startsWith(`${DIAGNOSES['malformed-handshake'].title}: `)).toBe(true)
            expect(d!.title.slice(DIAGNOSES['malformed-handshake'].title.length + 2)).toMatch(PROBLEMS[kind])
            expect(d!.detail.endsWith(`as text): ${bad.packet}`), d!.detail).toBe(true)
          }
        }
        // One handshake each: nobody retried against the same packet.
        expect(bad.handshakes).toBe(4)
      }
      finally {
        for (const s of sessions) s.dispose()
        await bad.close()
      }
    })
  }

  it('the probe names the malformed handshake too, with the packet as text', async () => {
    // The probe reads a body as a handshake when it starts like one (`0{…"sid":`): every packet but the list.
    for (const kind of MALFORMED_OPEN_KINDS.filter(k => /^0\{.*"sid"\s*:/.test(MALFORMED_OPEN_PACKETS[k]))) {
      const bad = await startMalformedOpenServer(kind)
      try {
        const d = await diagnoseConnection({ url: `${bad.url}/`, error: { message: 'xhr poll error' }, timeoutMs: 2000 })
        expect(d.code, kind).toBe('malformed-handshake')
        expect(d.title.slice(DIAGNOSES['malformed-handshake'].title.length + 2)).toMatch(PROBLEMS[kind])
        expect(d.detail).toContain(bad.packet)
        expect(d.probe[0]).toMatchObject({ purpose: 'handshake', outcome: 'answered', looksLike: 'eio4-open' })
      }
      finally {
        await bad.close()
      }
    }
  })

  it('bounds the packet shown and writes control characters out', () => {
    const long = `0{"sid":"${'x'.repeat(500)}\u001E`
    const shown = packetExcerpt(long)
    expect(shown).toHaveLength(120)
    expect(packetExcerpt('0{"a":"\u001E\u0000<b>"}')).toBe('0{"a":"\\u001e\\u0000<b>"}')
    const d = explainFailure({ url: 'http://127.0.0.1:1/', error: { message: MALFORMED_HANDSHAKE, data: { problem: 'x'.repeat(1000), packet: long, length: long.length } } })
    expect(d?.code).toBe('malformed-handshake')
    expect(d!.title.length).toBeLessThan(400)
    expect(d!.detail).toContain(`first 120 of ${long.length} characters`)
  })

  it('accepts the open packets of real servers: socket.io 4 (maxPayload a number, or null for Infinity) and 2.x (none)', async () => {
    const packets: string[] = []
    for (const maxHttpBufferSize of [1e6, Infinity]) {
      const http = createServer()
      const io = new Server(http, { maxHttpBufferSize })
      const port = await listen(http)
      try {
        const body = await (await fetch(`http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`)).text()
        packets.push(body)
      }
      finally {
        io.close()
      }
    }
    expect(packets[1]).toContain('"maxPayload":null')
    for (const body of packets)
      expect(readOpenPacket(body.slice(1))).toMatchObject({ ok: true, handshake: { sid: expect.any(String), upgrades: ['websocket'] } })
    expect(readOpenPacket('{"sid":"a","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":60000}')).toMatchObject({ ok: true })
    expect(readOpenPacket(new Uint8Array([1]))).toEqual({ ok: false, problem: 'the open packet is binary, not JSON text' })
    expect(readOpenPacket('{"sid":"a","upgrades":[],"pingInterval":2147483647,"pingTimeout":1}')).toMatchObject({ ok: false, problem: expect.stringMatching(/longest timer/) })
  })
})
