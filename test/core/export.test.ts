import { describe, expect, it } from 'vitest'
import { exportLog, exportNdjson, importCapture } from '../../src/core/export/format'
import { EventLog } from '../../src/core/log/event-log'
import { ackEntry, chatSession, eventEntry, frameEntry, noteEntry } from './fixtures/entries'

const session = chatSession({ idHistory: [{ socketId: 'abc', engineId: 'eng', transport: 'websocket', recovered: false, connectedAt: 1 }] })

function deep(n: number): unknown {
  let v: unknown = { bottom: new Uint8Array([1]) }
  for (let i = 0; i < n; i++) v = { d: v }
  return v
}

const tricky = {
  undef: undefined,
  nan: Number.NaN,
  inf: Infinity,
  ninf: -Infinity,
  negZero: -0,
  date: new Date('2024-05-06T07:08:09.010Z'),
  big: 12345678901234567890n,
  err: Object.assign(new TypeError('bad'), { stack: 'TypeError: bad\n    at x' }),
  bin: new Uint8Array([0, 1, 254, 255]),
  userTag: { $t: 'bin', b64: 'not really' },
  list: [undefined, 1, new Uint8Array(0)],
  proto: JSON.parse('{"__proto__": {"polluted": true}}'),
  unicode: 'é 😀 \uD800',
}

function sampleLog(): EventLog {
  const log = new EventLog()
  log.append({ kind: 'connecting', sessionId: 's1', time: 1, mono: 1, direction: 'local', url: session.url, namespace: '/chat' })
  log.append({ kind: 'connect', sessionId: 's1', time: 2, mono: 2, direction: 'in', socketId: 'abc', engineId: 'eng', transport: 'websocket', recovered: false })
  log.append(eventEntry('tricky', [tricky, 'second', 3], 'in', 's1', { correlationId: 's1.i1', recoveryOffset: 'Q8K' }))
  log.append(ackEntry('tricky', [Buffer.from('buffer!')], 'out'))
  log.append(frameEntry('2/chat,["tricky"]'))
  log.append(frameEntry(new Uint8Array([9, 9, 9])))
  log.append(noteEntry('hello'))
  log.append({ kind: 'disconnect', sessionId: 's1', time: 9, mono: 9, direction: 'in', socketId: 'abc', reason: 'transport close', explanation: 'x', willReconnect: true, description: { description: 'gone' } })
  return log
}

/** What a value looks like after a round trip: every Buffer becomes a Uint8Array. */
function structuredCloneBinary(v: unknown): unknown {
  if (Buffer.isBuffer(v))
    return new Uint8Array(v)
  if (Array.isArray(v))
    return v.map(structuredCloneBinary)
  if (v && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Date) && !(v instanceof Error)) {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: structuredCloneBinary((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true })
    return out
  }
  return v
}

describe('export and import', () => {
  it.each([
    ['JSON', exportLog],
    ['NDJSON', exportNdjson],
  ])('round-trips every entry deeply through %s, values JSON cannot hold included', (_label, exporter) => {
    const log = sampleLog()
    const text = exporter(log, [session])
    const r = importCapture(text)
    if (!r.ok)
      throw new Error(r.error)
    expect(r.entries).toHaveLength(log.size)
    expect(r.entries).toStrictEqual([...log].map(structuredCloneBinary))
    const back = (r.entries[2] as unknown as { args: [typeof tricky] }).args[0]
    expect(Object.is(back.negZero, -0)).toBe(true)
    expect(back.big).toBe(tricky.big)
    expect(back.err).toBeInstanceOf(Error)
    expect(back.err.name).toBe('TypeError')
    expect(back.userTag).toEqual({ $t: 'bin', b64: 'not really' })
    expect(Object.getPrototypeOf(back.proto)).toBe(Object.prototype)
    expect(Object.keys(back.proto)).toEqual(['__proto__'])
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined()
    expect(r.entries[3]).toMatchObject({ args: [new Uint8Array(Buffer.from('buffer!'))] })
    expect((r.entries[3] as unknown as { args: unknown[] }).args[0]).toBeInstanceOf(Uint8Array)
    expect(r.sessions).toEqual([{ ...session, readonly: true }])
  })

  it('writes a versioned envelope, one entry per line; NDJSON starts with a header line', () => {
    const log = sampleLog()
    const json = exportLog(log, [session])
    const doc = JSON.parse(json)
    expect(doc).toMatchObject({ format: 'sio-inspector', version: 1, entryCount: log.size })
    expect(typeof doc.exportedAt).toBe('string')
    expect(json.split('\n')).toHaveLength(log.size + 3)
    const nd = exportNdjson(log, [session]).trimEnd().split('\n')
    expect(JSON.parse(nd[0])).toMatchObject({ format: 'sio-inspector', version: 1, layout: 'ndjson', entryCount: log.size })
    expect(nd).toHaveLength(log.size + 1)
  })

  it('handles a 3,000-deep payload without overflowing the stack', () => {
    const log = new EventLog()
    log.append(eventEntry('deep', [deep(3000)]))
    const r = importCapture(exportLog(log, [session]))
    expect(r.ok).toBe(true)
    if (r.ok) {
      let v = (r.entries[0] as unknown as { args: unknown[] }).args[0] as { d?: unknown, bottom?: unknown }
      let depth = 0
      while (v.d) {
        v = v.d as typeof v
        depth++
      }
      expect(depth).toBe(3000)
      expect(v.bottom).toEqual(new Uint8Array([1]))
    }
  })

  it('rejects foreign, damaged, truncated and future files with a clear message', () => {
    const log = sampleLog()
    const json = exportLog(log, [session])
    const nd = exportNdjson(log, [session])
    const cases: [string, RegExp][] = [
      ['', /not a Socket.IO Inspector export/],
      ['hello', /not a Socket.IO Inspector export/],
      ['{"some":"json"}', /not a Socket.IO Inspector export/],
      ['[1,2,3]', /not a Socket.IO Inspector export/],
      [json.slice(0, Math.floor(json.length / 2)), /^truncated at line \d+/],
      [json.replace('"version":1', '"version":2'), /version 2 not supported/],
      [nd.replace('"version":1', '"version":2'), /version 2 not supported/],
      [json.replace('"kind":"note"', '"kind":"x"'), /^entry 7: unknown kind 'x'/],
      [json.replace('"name":"tricky"', '"name":5'), /^entry 3: event.name must be a string/],
      [json.replace('"b64":"CQkJ"', '"b64":"***"'), /^entry 6: invalid base64/],
      [nd.split('\n').slice(0, 4).join('\n'), /truncated at line 5: 3 of 8 entries/],
      [`${nd.split('\n').slice(0, 4).join('\n')}\n{"kind":`, /truncated at line 5/],
      [nd.replace('"kind":"note"', '"kind":"note"}}'), /^line 8: invalid JSON/],
    ]
    for (const [text, message] of cases) {
      const r = importCapture(text)
      expect(r.ok, String(message)).toBe(false)
      if (!r.ok)
        expect(r.error).toMatch(message)
    }
    expect(importCapture(json, { maxBytes: 100 })).toMatchObject({ ok: false, error: expect.stringMatching(/too large/) })
  })

  it('gives entries of a session the file does not describe a minimal read-only session', () => {
    const log = new EventLog()
    log.append(noteEntry('orphan', 's9'))
    const r = importCapture(exportLog(log, []))
    expect(r.ok && r.sessions.map(s => [s.id, s.readonly])).toEqual([['s9', true]])
  })
})
