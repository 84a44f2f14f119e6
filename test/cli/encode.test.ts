import type { LogEntry } from '#core'
import { Buffer } from 'node:buffer'
import { encodeEntry, importCapture } from '#core'
import { describe, expect, it } from 'vitest'
import { encodeCaptureEntry } from '../../src/cli/encode'

const event = (args: unknown[], extra: Record<string, unknown> = {}): LogEntry => ({ id: 7, kind: 'event', sessionId: 's1', time: 1796162227024.3037, mono: 511.508878, direction: 'in', name: 'tick', args, bytes: 194, ...extra }) as LogEntry

function deep(levels: number): unknown {
  let v: unknown = 'bottom'
  for (let i = 0; i < levels; i++) v = [v]
  return v
}

const holey = [1, , 3] // eslint-disable-line no-sparse-arrays -- a hole is what is checked
const cyclic: Record<string, unknown> = { a: 1 }
cyclic.self = cyclic
const nullProto = Object.assign(Object.create(null) as object, { x: 1 })

describe('the capture\'s entry encoder', () => {
  it.each<[string, LogEntry]>([
    ['plain JSON', event([{ n: 1, s: 'é\u2028"\\', list: [true, null, 0, -1.5e300] }, 'two'])],
    ['a top-level Buffer', event([Buffer.from([0, 1, 2, 255])])],
    ['a nested Buffer', event([{ file: Buffer.from('hello'), name: 'a.bin' }, [Buffer.alloc(3, 7)]])],
    ['a Buffer slice of a larger ArrayBuffer', event([Buffer.from([9, 8, 7, 6, 5]).subarray(1, 3)])],
    ['a Uint8Array and an ArrayBuffer', event([new Uint8Array([1, 2]), new ArrayBuffer(2)])],
    ['undefined', event([undefined, { u: undefined }])],
    ['NaN, Infinity and -0', event([Number.NaN, Infinity, -Infinity, -0, { z: -0 }])],
    ['a date and an error', event([new Date(0), new TypeError('bad')])],
    ['a BigInt', event([10n])],
    ['an object with its own $t key', event([{ $t: 'bin', b64: 'AA==' }])],
    ['a hole in an array', event([holey])],
    ['an object without prototype', event([nullProto])],
    ['a map', event([new Map([[1, 2]])])],
    ['a value nested 3,000 levels deep', event([deep(3000)])],
    ['a cycle', event([cyclic])],
    ['a Buffer and undefined together', event([Buffer.from([1]), undefined])],
    ['a frame with bytes', { id: 3, kind: 'frame', sessionId: 's1', time: 1, mono: 2, direction: 'in', transport: 'websocket', engineType: 'message', data: Buffer.from([4, 5]), size: 2, bytes: 122, protocol: 4 } as LogEntry],
    ['a frame with text', { id: 3, kind: 'frame', sessionId: 's1', time: 1, mono: 2, direction: 'out', transport: 'websocket', engineType: 'message', data: '2["x"]', size: 7, bytes: 122, protocol: 4 } as LogEntry],
    ['a disconnect with an undefined description', { id: 4, kind: 'disconnect', sessionId: 's1', time: 1, mono: 2, direction: 'out', socketId: 'a', reason: 'io client disconnect', explanation: 'x', willReconnect: false, description: undefined } as LogEntry],
  ])('writes %s exactly as encodeEntry does', (_what, entry) => {
    expect(encodeCaptureEntry(entry)).toBe(encodeEntry(entry))
  })

  it('writes a Buffer\'s bytes, never its toJSON array', () => {
    const line = encodeCaptureEntry(event([Buffer.alloc(4096, 1)]))
    expect(line).not.toContain('"type":"Buffer"')
    const header = JSON.stringify({ format: 'sio-inspector', version: 1, layout: 'ndjson', exportedAt: '2026-01-01T00:00:00.000Z', sessions: [] })
    const r = importCapture(`${header}\n${line}\n`)
    expect(r.ok && r.entries[0]).toMatchObject({ args: [new Uint8Array(4096).fill(1)] })
  })
})
