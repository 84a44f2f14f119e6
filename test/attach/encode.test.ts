import type { LogEntry } from '#core'
import type { MirrorEntry } from '../../src/attach/shared'
import { decodeWire, encodeEntries, WIRE_MAX_ENTRY_CHARS } from '#core'
import { describe, expect, it } from 'vitest'
import { encodeBatch, MAX_ENTRY_CHARS } from '../../src/attach/encode'

const base = { time: 1_700_000_000_000.5, mono: 1234.25, direction: 'in' } as const

function ev(args: unknown[], extra: Record<string, unknown> = {}): MirrorEntry {
  return { kind: 'event', ...base, name: 'e', args, ...extra } as unknown as MirrorEntry
}

class Point {
  constructor(public x: number, public y: number) {}
}

function deep(levels: number): unknown {
  let v: unknown = 1
  for (let i = 0; i < levels; i++) v = [v]
  return v
}

const cyclic: Record<string, unknown> = { a: 1 }
cyclic.self = cyclic
const throwing = Object.defineProperty({}, 'x', {
  enumerable: true,
  get: () => {
    throw new Error('getter')
  },
})

const cases: [string, MirrorEntry][] = [
  ['a plain event', ev([1, 'two', { three: [3, null, true] }], { correlationId: 'a.o1', queued: true })],
  ['no arguments', ev([])],
  ['an unset optional field', ev([1], { correlationId: undefined })],
  ['binary', ev([new Uint8Array([1, 2, 3]), { b: Buffer.from('hi') }, new ArrayBuffer(2)])],
  ['undefined, NaN, Infinity and -0', ev([undefined, Number.NaN, Infinity, -0, [undefined]])],
  ['a sparse array', ev([[1, , 3]])], // eslint-disable-line no-sparse-arrays
  ['a Date, a BigInt, an Error', ev([new Date(0), 10n ** 20n, new TypeError('bad')])],
  ['a user object with a $t key', ev([{ $t: 'bin', b64: 'AA==' }])],
  ['a class instance and a Map', ev([new Point(1, 2), new Map([[1, 2]])])],
  ['a function in an object', ev([{ f: () => 1, k: 1 }])],
  ['a null-prototype object', ev([Object.assign(Object.create(null), { a: 1 })])],
  ['nested too deep for JSON.stringify', ev([deep(5000)])],
  ['a cycle', ev([cyclic])],
  ['a getter that throws', ev([throwing])],
  ['many values', ev([Array.from({ length: 1000 }, (_, i) => ({ i }))])],
  ['a text frame', { kind: 'frame', ...base, engineType: 'message', data: '2["x"]', size: 7, protocol: 4, transport: 'websocket' } as unknown as MirrorEntry],
  ['a binary frame', { kind: 'frame', ...base, engineType: 'message', data: new Uint8Array([4, 5]), size: 2, protocol: 4 } as unknown as MirrorEntry],
  ['an ack', { kind: 'ack', ...base, correlationId: 'a.o1', name: 'e', args: [{ ok: true }], latencyMs: 3.5, timedOut: false } as unknown as MirrorEntry],
  ['a disconnect with a description', { kind: 'disconnect', ...base, reason: 'transport close', willReconnect: true, description: { name: 'Error', message: 'x' } } as unknown as MirrorEntry],
  ['a connect_error with data', { kind: 'connect_error', ...base, message: 'no', data: { reason: 'bad' }, willRetry: false } as unknown as MirrorEntry],
  ['a note', { kind: 'note', ...base, direction: 'local', level: 'warn', message: 'm' } as unknown as MirrorEntry],
  ['a server entry', ev(['x'], { peer: 'abc', peerNamespace: '/chat' })],
]

/** What the relay would send for these entries (relay/wire.ts), decoded. */
function viaRelay(entries: MirrorEntry[]): unknown {
  return decodeWire(encodeEntries(entries as unknown as LogEntry[]))
}

describe('the mirror\'s encoder (encodeBatch)', () => {
  it('uses the relay wire\'s entry limit', () => {
    expect(MAX_ENTRY_CHARS).toBe(WIRE_MAX_ENTRY_CHARS)
  })

  it.each(cases)('writes %s as the relay wire does', (_label, e) => {
    const text = encodeBatch([e])
    expect(decodeWire(text)).toEqual(viaRelay([e]))
    expect(text).toBe(encodeEntries([e as unknown as LogEntry]))
  })

  it('writes a mixed batch as the relay wire does, entry by entry', () => {
    const all = cases.map(c => c[1])
    expect(encodeBatch(all)).toBe(encodeEntries(all as unknown as LogEntry[]))
    // The plain batch (one native call) too.
    const plain = [cases[0][1], cases[1][1], cases[15][1], cases[17][1]]
    expect(encodeBatch(plain)).toBe(encodeEntries(plain as unknown as LogEntry[]))
  })

  it('marks an entry over the size limit as the relay does, and keeps its neighbours whole', () => {
    const huge = ev(['x'.repeat(MAX_ENTRY_CHARS)])
    const small = ev(['small'])
    const text = encodeBatch([small, huge, small])
    expect(text).toBe(encodeEntries([small, huge, small] as unknown as LogEntry[]))
    const [a, b, c] = decodeWire(text) as Record<string, any>[]
    expect(a.args).toEqual(['small'])
    expect(b.truncated).toMatchObject({ reason: 'size' })
    expect(b.args).toEqual([])
    expect(c.args).toEqual(['small'])
  })
})
