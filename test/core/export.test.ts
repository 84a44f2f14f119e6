import type { EventEntry } from '#core'
import { CAPTURE_FORMAT, CAPTURE_VERSION, encodeCaptureHeader, EventLog, exportLog, exportNdjson, importCapture, Inspector, isDeepPlaceholder, MAX_ENCODE_DEPTH, ReplaySession } from '#core'
import { describe, expect, it } from 'vitest'
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
      [json.replace('"kind":"note"', '"kind":"x"'), /^entry 7 \(line 8\): unknown kind 'x'/],
      [json.replace('"name":"tricky"', '"name":5'), /^entry 3 \(line 4\): event.name must be a string/],
      [json.replace('"b64":"CQkJ"', '"b64":"***"'), /^entry 6 \(line 7\): invalid base64/],
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

function deepArray(levels: number): unknown {
  let v: unknown = 'bottom'
  for (let i = 0; i < levels; i++) v = [v]
  return v
}

/** The placeholder (or value) reached by going `levels` arrays down. */
function descend(v: unknown, levels: number): unknown {
  for (let i = 0; i < levels && Array.isArray(v); i++) v = v[0]
  return v
}

describe('export of values too deep to write', () => {
  it('writes a 200,000-deep array as a bounded, tagged placeholder, and the entries around it whole', () => {
    const log = new EventLog()
    log.append(eventEntry('before', [1]))
    const deepOne = log.append(eventEntry('deep', [deepArray(200_000)]))
    log.append(eventEntry('after', [2]))
    for (const exporter of [exportLog, exportNdjson]) {
      const text = exporter(log, [session])
      expect(text.length).toBeLessThan(100_000)
      expect(text).toContain('"$t":"deep"')
      const r = importCapture(text)
      expect(r.ok).toBe(true)
      if (!r.ok)
        return
      expect(r.entries.map(e => (e as { name?: string }).name)).toEqual(['before', 'deep', 'after'])
      const [, cut, after] = r.entries as EventEntry[]
      expect(cut.id).toBe(deepOne.id)
      expect(cut.truncated).toEqual({ reason: 'depth', maxDepth: MAX_ENCODE_DEPTH })
      // entry → args → the array: the cut is MAX_ENCODE_DEPTH levels below the entry.
      const placeholder = descend(cut.args[0], MAX_ENCODE_DEPTH - 2)
      expect(isDeepPlaceholder(placeholder)).toBe(true)
      expect(placeholder).toEqual({ $t: 'deep', depth: 200_000 - (MAX_ENCODE_DEPTH - 2) })
      expect(after.args).toEqual([2])
      expect(after.truncated).toBeUndefined()
      // Exported again, the placeholder stays a placeholder (not a user object with a `$t` key).
      const again = importCapture(exportLog(r.entries, r.sessions))
      expect(again.ok && isDeepPlaceholder(descend((again.entries[1] as EventEntry).args[0], MAX_ENCODE_DEPTH - 2))).toBe(true)
    }
  })

  it('writes an entry it cannot encode without its payload, marked with why, instead of failing the export', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' }
    cyclic.self = cyclic
    const log = new EventLog()
    log.append(eventEntry('cyclic', [cyclic]))
    log.append(noteEntry('next'))
    const r = importCapture(exportLog(log, [session]))
    expect(r.ok).toBe(true)
    if (r.ok) {
      expect(r.entries[0]).toMatchObject({ kind: 'event', name: 'cyclic', args: [], truncated: { reason: 'unencodable', message: expect.stringMatching(/circular/i) } })
      expect(r.entries[1]).toMatchObject({ kind: 'note', message: 'next' })
    }
  })

  it('keeps a user object that looks like the placeholder a user object', () => {
    const log = new EventLog()
    log.append(eventEntry('mine', [{ $t: 'deep', depth: 3 }]))
    const r = importCapture(exportLog(log, [session]))
    expect(r.ok && (r.entries[0] as EventEntry).args[0]).toEqual({ $t: 'deep', depth: 3 })
    expect(r.ok && isDeepPlaceholder((r.entries[0] as EventEntry).args[0])).toBe(false)
  })
})

describe('import validates every field', () => {
  const good = JSON.parse(exportNdjson(sampleLog(), [session]).split('\n')[0]) as Record<string, unknown>
  /** An NDJSON file whose header's first session is `change`d. */
  const withSession = (change: Record<string, unknown>): string => {
    const lines = exportNdjson(sampleLog(), [session]).split('\n')
    lines[0] = JSON.stringify({ ...good, sessions: [{ ...session, ...change }] })
    return lines.join('\n')
  }
  const withHeader = (change: Record<string, unknown>): string => {
    const lines = exportNdjson(sampleLog(), [session]).split('\n')
    lines[0] = JSON.stringify({ ...good, ...change })
    return lines.join('\n')
  }
  const withEntry = (index: number, change: Record<string, unknown>): string => {
    const lines = exportNdjson(sampleLog(), [session]).split('\n')
    lines[index + 1] = JSON.stringify({ ...JSON.parse(lines[index + 1]), ...change })
    return lines.join('\n')
  }
  const record = { socketId: 'abc', connectedAt: 1 }

  it.each([
    ['idHistory: [null]', withSession({ idHistory: [null] }), 'sessions[0].idHistory[0] must be an object'],
    ['an idHistory record without its socket id', withSession({ idHistory: [{ connectedAt: 1 }] }), 'sessions[0].idHistory[0].socketId must be a string'],
    ['an idHistory record with a text time', withSession({ idHistory: [record, { ...record, connectedAt: 'noon' }] }), 'sessions[0].idHistory[1].connectedAt must be a finite number'],
    ['an idHistory record with an unknown transport', withSession({ idHistory: [{ ...record, transport: 'carrier-pigeon' }] }), 'sessions[0].idHistory[0].transport must be one of polling, websocket, webtransport or absent'],
    ['idHistory that is not an array', withSession({ idHistory: 'none' }), 'sessions[0].idHistory must be an array or absent'],
    ['an unknown status', withSession({ status: 'exploded' }), 'sessions[0].status must be one of idle, connecting, connected, disconnected, reconnecting'],
    ['a numeric label', withSession({ label: 5 }), 'sessions[0].label must be a string or absent'],
    ['a text reconnect count', withSession({ reconnectAttempt: '2' }), 'sessions[0].reconnectAttempt must be a finite number or absent'],
    ['a session that is not an object', withHeader({ sessions: [null] }), 'sessions[0] must be an object'],
    ['two sessions with one id', withHeader({ sessions: [session, session] }), 'sessions[1].id \'s1\' is used by an earlier session'],
    ['a negative entry count', withHeader({ entryCount: -1 }), 'damaged: the header\'s entryCount must be a whole number'],
    ['an unknown layout', withHeader({ layout: 'csv' }), 'damaged: the header\'s layout must be "json" or "ndjson"'],
    ['a numeric export date', withHeader({ exportedAt: 5 }), 'damaged: the header\'s exportedAt must be a string'],
    ['an entry time that is NaN', withEntry(0, { time: { $t: 'num', v: 'NaN' } }), 'entry 1 (line 2): time must be a finite number'],
    ['an event said to be local', withEntry(2, { direction: 'local' }), 'entry 3 (line 4): event.direction must be \'in\' or \'out\''],
    ['a note of an unknown level', withEntry(6, { level: 'loud' }), 'entry 7 (line 8): note.level must be one of info, warn, error'],
    ['a frame of protocol 9', withEntry(4, { protocol: 9 }), 'entry 5 (line 6): frame.protocol must be 3 or 4'],
    ['a bad truncation mark', withEntry(2, { truncated: { reason: 'bored' } }), 'entry 3 (line 4): truncated.reason must be one of depth, size, unencodable'],
  ])('refuses %s, naming the field, in both readers', async (_label, text, message) => {
    const sync = importCapture(text)
    expect(sync).toEqual({ ok: false, error: message })
    const inspector = new Inspector()
    expect(await inspector.importCaptureAsync(text, { sliceMs: 0 })).toMatchObject({ ok: false, error: message, sessionIds: [] })
    expect(inspector.list()).toEqual([])
  })

  it('keeps only the checked fields of each idHistory record', () => {
    const r = importCapture(withSession({ idHistory: [{ ...record, recovered: true, reason: 'transport close', extra: { x: 1 } }] }))
    expect(r.ok && r.sessions[0].idHistory).toEqual([{ socketId: 'abc', engineId: undefined, transport: undefined, recovered: true, connectedAt: 1, reason: 'transport close' }])
  })
})

describe('captures record the parser', () => {
  const msgpack = chatSession({ parser: 'msgpack' })

  it.each([
    ['JSON', exportLog],
    ['NDJSON', exportNdjson],
  ])('writes parser: msgpack in the session header (%s) and the imported read-only session carries it', async (_label, exporter) => {
    const text = exporter(sampleLog(), [msgpack])
    const header = JSON.parse(exporter === exportNdjson ? text.split('\n')[0] : text) as { sessions: Record<string, unknown>[] }
    expect(header.sessions[0].parser).toBe('msgpack')
    const r = importCapture(text)
    expect(r.ok && r.sessions[0].parser).toBe('msgpack')

    const inspector = new Inspector()
    const sync = inspector.importCapture(text)
    expect(sync.ok && inspector.get(sync.sessionIds[0])!.snapshot()).toMatchObject({ readonly: true, parser: 'msgpack' })
    const sliced = new Inspector()
    const async = await sliced.importCaptureAsync(text, { sliceMs: 0 })
    expect(async.ok && sliced.get(async.sessionIds[0])!.snapshot()).toMatchObject({ readonly: true, parser: 'msgpack' })
  })

  it('reads a session without parser (every file before it) and one with parser: default as the default parser', () => {
    for (const snap of [session, chatSession({ parser: 'default' })]) {
      const r = importCapture(exportNdjson(sampleLog(), [snap]))
      expect(r.ok).toBe(true)
      expect(r.ok && 'parser' in r.sessions[0]).toBe(false)
    }
  })

  it('keeps the parser in a replay session\'s snapshot only when it is not the default, and no live heartbeat', () => {
    const heartbeat = { pingInterval: 25_000, pingTimeout: 20_000 } as never
    expect(new ReplaySession(chatSession({ parser: 'msgpack', heartbeat }), { id: 't1' }).snapshot()).toMatchObject({ id: 't1', readonly: true, parser: 'msgpack' })
    const plain = new ReplaySession(chatSession({ parser: 'default', heartbeat })).snapshot()
    expect(Object.keys(plain)).not.toContain('parser')
    expect(Object.keys(plain)).not.toContain('heartbeat')
  })

  it('writes the CLI\'s streamed header the same way: parser recorded, unset fields absent, no entry count until known', () => {
    const head = JSON.parse(encodeCaptureHeader({ format: CAPTURE_FORMAT, version: CAPTURE_VERSION, layout: 'ndjson', exportedAt: 'now', sessions: [chatSession({ parser: 'msgpack', socketId: undefined })] })) as Record<string, any>
    expect(Object.keys(head)).toEqual(['format', 'version', 'layout', 'exportedAt', 'sessions'])
    expect(head.sessions[0].parser).toBe('msgpack')
    expect(Object.keys(head.sessions[0])).not.toContain('socketId')
    expect(Object.keys(head.sessions[0])).not.toContain('lastError')
  })

  it('refuses a parser it does not speak, naming the field, in both readers', async () => {
    const text = exportNdjson(sampleLog(), [chatSession({ parser: 'cbor' as never })])
    const message = 'sessions[0].parser must be one of default, msgpack or absent'
    expect(importCapture(text)).toEqual({ ok: false, error: message })
    expect(await new Inspector().importCaptureAsync(text, { sliceMs: 0 })).toMatchObject({ ok: false, error: message })
  })
})

describe('fields that are not set', () => {
  it.each([
    ['JSON', exportLog],
    ['NDJSON', exportNdjson],
  ])('are absent in the file (%s), not {"$t":"undef"}; undefined payload values keep their tag', (_label, exporter) => {
    const log = new EventLog()
    // What a v2 session wrote: optional fields present with the value undefined.
    log.append(eventEntry('emit', [undefined, { kept: undefined }], 'out', 's1', { correlationId: undefined, compress: undefined, volatile: undefined }))
    log.append({ kind: 'disconnect', sessionId: 's1', time: 9, mono: 9, direction: 'local', socketId: undefined, reason: 'io client disconnect', explanation: 'x', willReconnect: false, description: undefined })
    const snap = chatSession({ status: 'disconnected', socketId: undefined, engineId: undefined, transport: undefined, lastError: undefined, idHistory: [{ socketId: 'abc', engineId: undefined, transport: undefined, recovered: false, connectedAt: 1, disconnectedAt: undefined }] })
    const text = exporter(log, [snap])
    const lines = text.split('\n')
    const header = JSON.parse(exporter === exportNdjson ? lines[0] : text) as { sessions: Record<string, unknown>[] }
    expect(Object.keys(header.sessions[0])).not.toContain('socketId')
    expect(Object.keys(header.sessions[0])).not.toContain('lastError')
    expect(Object.keys((header.sessions[0].idHistory as object[])[0])).toEqual(['socketId', 'recovered', 'connectedAt'])
    const [event, disconnect] = lines.slice(1, 3).map(l => JSON.parse(l.replace(/,$/, '')) as Record<string, unknown>)
    expect(Object.keys(event)).not.toEqual(expect.arrayContaining(['correlationId']))
    expect(Object.keys(event).filter(k => ['correlationId', 'compress', 'volatile'].includes(k))).toEqual([])
    expect(event.args).toEqual([{ $t: 'undef' }, { kept: { $t: 'undef' } }])
    expect(Object.keys(disconnect).filter(k => k === 'socketId' || k === 'description')).toEqual([])

    const r = importCapture(text)
    if (!r.ok)
      throw new Error(r.error)
    expect((r.entries[0] as EventEntry).args).toStrictEqual([undefined, { kept: undefined }])
    expect(r.sessions[0]).toMatchObject({ socketId: undefined, status: 'disconnected' })
  })
})

describe('one reader for both layouts', () => {
  const log = sampleLog()

  it.each([
    ['JSON', exportLog],
    ['NDJSON', exportNdjson],
  ])('names the entry and its line for a damaged field (%s), in both readers', async (_label, exporter) => {
    // Entry n (from 1) is on line n + 1 in both layouts: the header is line 1.
    const text = exporter(log, [session]).replace('"name":"tricky"', '"name":5')
    const message = 'entry 3 (line 4): event.name must be a string'
    expect(importCapture(text)).toEqual({ ok: false, error: message })
    expect(await new Inspector().importCaptureAsync(text, { sliceMs: 0 })).toMatchObject({ ok: false, error: message })
  })

  it('gives the same entries and sessions for a document, its NDJSON and its re-formatted copy', () => {
    const json = exportLog(log, [session])
    const results = [json, exportNdjson(log, [session]), JSON.stringify(JSON.parse(json), null, 2)].map(t => importCapture(t))
    for (const r of results) expect(r).toStrictEqual(results[0])
    expect(results[0].ok).toBe(true)
  })

  it('still loads a file written before this version (undefined tags, no parser)', () => {
    const old = [
      '{"format":"sio-inspector","version":1,"layout":"ndjson","exportedAt":"2024-05-06T07:08:09.010Z","entryCount":2,"sessions":[{"id":"s1","label":"/chat","url":"http://127.0.0.1:3000/chat","namespace":"/chat","status":"disconnected","readonly":false,"socketId":{"$t":"undef"},"engineId":{"$t":"undef"},"transport":{"$t":"undef"},"reconnectAttempt":0,"lastError":{"$t":"undef"},"idHistory":[{"socketId":"abc","engineId":"eng","transport":"websocket","recovered":false,"connectedAt":1,"disconnectedAt":5,"reason":"io client disconnect"}],"pendingServerAcks":[]}]}',
      '{"kind":"event","sessionId":"s1","time":2,"mono":2,"direction":"out","name":"hi","args":[{"$t":"undef"}],"correlationId":{"$t":"undef"},"compress":{"$t":"undef"},"bytes":10,"id":1}',
      '{"kind":"disconnect","sessionId":"s1","time":5,"mono":5,"direction":"local","socketId":{"$t":"undef"},"reason":"io client disconnect","explanation":"x","willReconnect":false,"description":{"$t":"undef"},"id":2}',
      '',
    ].join('\n')
    const r = importCapture(old)
    if (!r.ok)
      throw new Error(r.error)
    expect(r.sessions[0]).toMatchObject({ id: 's1', readonly: true, socketId: undefined, idHistory: [{ socketId: 'abc', reason: 'io client disconnect' }] })
    expect(r.sessions[0].parser).toBeUndefined()
    expect(r.entries.map(e => e.kind)).toEqual(['event', 'disconnect'])
    expect((r.entries[0] as EventEntry).args).toEqual([undefined])
  })
})
