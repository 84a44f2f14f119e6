import type { EventEntry, LogEntry } from '#core'
import { ArgsSchemaInferrer, EventCatalog, INFER_LIMITS, inferArgsSchema, inferSchema, shapeSignature } from '#core'
import { describe, expect, it } from 'vitest'

let nextId = 1
function ev(name: string, args: unknown[], direction: 'in' | 'out' = 'in', extra: Partial<EventEntry> = {}): EventEntry {
  return Object.freeze({ kind: 'event', id: nextId++, sessionId: 's1', time: 1_700_000_000_000 + nextId, mono: nextId, direction, name, args, bytes: 64, ...extra }) as EventEntry
}
const session = { url: 'http://localhost:3000', namespace: '/' }

describe('inferSchema (one position)', () => {
  it.each([
    ['strings', ['a', 'b'], { type: 'string' }],
    ['integers', [1, 2, -3], { type: 'integer' }],
    ['integers and floats widen to number', [1, 2.5], { type: 'number' }],
    ['booleans', [true, false], { type: 'boolean' }],
    ['null', [null], { type: 'null' }],
    ['a union of primitives', ['a', 1, null], { type: ['null', 'integer', 'string'] }],
    ['date-time strings', ['2024-01-01T10:00:00Z', '2024-02-03T04:05:06.789+02:00'], { type: 'string', format: 'date-time' }],
    ['a Date as its ISO string', [new Date(0)], { type: 'string', format: 'date-time' }],
    ['emails', ['ann@example.com'], { type: 'string', format: 'email' }],
    ['uris', ['https://example.com/a?b=1', 'ws://h:3000/'], { type: 'string', format: 'uri' }],
    ['uuids', ['123e4567-e89b-12d3-a456-426614174000'], { type: 'string', format: 'uuid' }],
    ['a format only when every string matches', ['2024-01-01T10:00:00Z', 'yesterday'], { type: 'string' }],
    ['a time is not a uri', ['12:30'], { type: 'string' }],
    ['binary (Uint8Array, Buffer, ArrayBuffer)', [new Uint8Array([1]), Buffer.from('x'), new ArrayBuffer(2)], { type: 'string', format: 'binary' }],
    ['binary written as {$binary}', [{ $binary: 'AQI=' }], { type: 'string', format: 'binary' }],
    ['binary or null', [new Uint8Array(1), null], { type: ['null', 'string'], format: 'binary' }],
    ['strings and binary stay apart', ['a', new Uint8Array(1)], { anyOf: [{ type: 'string' }, { type: 'string', format: 'binary' }] }],
    ['undefined is anything', [undefined], {}],
  ])('%s', (_name, values, expected) => {
    expect(inferSchema(values)).toEqual(expected)
  })

  it('merges object keys: required = present every time, optional otherwise', () => {
    expect(inferSchema([{ a: 1, b: 'x' }, { a: 2, c: true }])).toEqual({
      type: 'object',
      properties: { a: { type: 'integer' }, b: { type: 'string' }, c: { type: 'boolean' } },
      required: ['a'],
    })
  })

  it('merges nested objects and their formats', () => {
    expect(inferSchema([{ user: { id: 'ann@example.com', at: '2024-01-01T00:00:00Z' } }, { user: { id: 'bob@example.com' } }])).toEqual({
      type: 'object',
      properties: { user: { type: 'object', properties: { id: { type: 'string', format: 'email' }, at: { type: 'string', format: 'date-time' } }, required: ['id'] } },
      required: ['user'],
    })
  })

  it('merges the items of arrays, mixed ones included', () => {
    // One rich part (the object) and distinct types: one `type` list, the object's keywords apply to objects only.
    expect(inferSchema([[1, 'a'], [null, { k: 1 }], []])).toEqual({
      type: 'array',
      items: { type: ['null', 'integer', 'string', 'object'], properties: { k: { type: 'integer' } }, required: ['k'] },
    })
    expect(inferSchema([[new Uint8Array(1), 'a', { k: 1 }]])).toEqual({
      type: 'array',
      items: { anyOf: [{ type: 'string' }, { type: 'string', format: 'binary' }, { type: 'object', properties: { k: { type: 'integer' } }, required: ['k'] }] },
    })
    expect(inferSchema([[{ k: 1 }, null]])).toEqual({ type: 'array', items: { type: ['null', 'object'], properties: { k: { type: 'integer' } }, required: ['k'] } })
  })

  it('an object or null keeps its properties', () => {
    expect(inferSchema([{ a: 1 }, null])).toEqual({ type: ['null', 'object'], properties: { a: { type: 'integer' } }, required: ['a'] })
  })

  it('objects and arrays together are an anyOf', () => {
    expect(inferSchema([{ a: 1 }, [1]])).toEqual({ anyOf: [{ type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] }, { type: 'array', items: { type: 'integer' } }] })
  })

  it('stops describing past the depth bound', () => {
    let deep: unknown = 'leaf'
    for (let i = 0; i < 20; i++) deep = { d: deep }
    let s = inferSchema([deep]) as Record<string, unknown>
    let levels = 0
    while (s.properties) {
      s = (s.properties as Record<string, Record<string, unknown>>).d
      levels++
    }
    // Levels 1..depth are described; the object at the bound is only "an object".
    expect(levels).toBe(INFER_LIMITS.depth - 1)
    expect(s).toEqual({ type: 'object' })
  })

  it('records at most INFER_LIMITS.keys keys per object', () => {
    const wide: Record<string, number> = {}
    for (let i = 0; i < 500; i++) wide[`k${i}`] = i
    const s = inferSchema([wide])
    expect(Object.keys(s.properties!)).toHaveLength(INFER_LIMITS.keys)
    expect(s.properties!.k0).toEqual({ type: 'integer' })
    expect(s.properties!.k499).toBeUndefined()
  })

  it('samples the first INFER_LIMITS.items items of an array', () => {
    const list: unknown[] = Array.from({ length: INFER_LIMITS.items }, (_, i) => i)
    list.push('late string')
    expect(inferSchema([list])).toEqual({ type: 'array', items: { type: 'integer' } })
  })

  it('bounds the work on one huge value (node budget): the rest is "anything"', () => {
    const rows = Array.from({ length: 20 }, () => Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, { v: i }])))
    const s = inferSchema([rows])
    // 20 × 200 × 2 nodes > the budget: later keys were not visited, so they are not typed.
    expect(s.type).toBe('array')
    const item = s.items as { properties: Record<string, unknown> }
    expect(item.properties.k0).toEqual({ type: 'object', properties: { v: { type: 'integer' } }, required: ['v'] })
  })
})

describe('arguments tuples', () => {
  it('infers one schema per position with minItems/maxItems', () => {
    expect(inferArgsSchema([['a', 1], ['b']])).toEqual({ type: 'array', items: [{ type: 'string' }, { type: 'integer' }], minItems: 1, maxItems: 2 })
    // No argument ever: no (empty) tuple, `maxItems: 0` says it.
    expect(inferArgsSchema([[]])).toEqual({ type: 'array', minItems: 0, maxItems: 0 })
  })

  it('leaves the tuple open past INFER_LIMITS.positions arguments', () => {
    const s = inferArgsSchema([Array.from({ length: 30 }, (_, i) => i)])
    expect(s.items).toHaveLength(INFER_LIMITS.positions)
    expect(s.maxItems).toBeUndefined()
  })

  it('shape signatures equal for the same shape, differ otherwise', () => {
    expect(shapeSignature([{ a: 1 }, 'x'])).toBe(shapeSignature([{ a: 2 }, 'y']))
    expect(shapeSignature([{ a: 1 }])).not.toBe(shapeSignature([{ a: 1.5 }]))
    expect(shapeSignature([{ a: 1 }])).not.toBe(shapeSignature([{ b: 1 }]))
    expect(shapeSignature([1])).not.toBe(shapeSignature([1, 2]))
  })

  it('skips merging once the shape is stable, and still learns a new shape at once', () => {
    const inf = new ArgsSchemaInferrer()
    for (let i = 0; i < 50; i++) inf.add([{ n: i }])
    expect(inf.skipped).toBeGreaterThan(40)
    inf.add([{ n: 1, extra: 'x' }])
    expect(inf.schema()).toEqual({ type: 'array', items: [{ type: 'object', properties: { n: { type: 'integer' }, extra: { type: 'string' } }, required: ['n'] }], minItems: 1, maxItems: 1 })
  })

  it('merges every observation when asked to (skipStable: false)', () => {
    const inf = new ArgsSchemaInferrer({ skipStable: false })
    for (let i = 0; i < 20; i++) inf.add(['2024-01-01T00:00:00Z'])
    inf.add(['not a date'])
    expect(inf.skipped).toBe(0)
    expect(inf.schema().items).toEqual([{ type: 'string' }])
  })
})

describe('eventCatalog (learned)', () => {
  it('keys events by origin, namespace, name and direction, with counts, times and an example', () => {
    const c = new EventCatalog()
    const a = ev('chat', [{ text: 'hi' }])
    const b = ev('chat', [{ text: 'yo', at: '2024-01-01T00:00:00Z' }])
    c.observe(a, session)
    c.observe(b, { url: 'ws://localhost:3000/', namespace: '/' })
    c.observe(ev('chat', ['sent'], 'out'), session)
    c.observe(ev('chat', [1], 'in'), { url: 'http://localhost:3000', namespace: '/admin' })
    c.observe(ev('chat', [1], 'in'), { url: 'http://other:3000', namespace: '/' })
    const rows = c.events({ origin: 'http://localhost:3000' })
    expect(rows.map(r => [r.namespace, r.name, r.direction, r.count, r.source])).toEqual([
      ['/', 'chat', 'in', 2, 'learned'],
      ['/', 'chat', 'out', 1, 'learned'],
      ['/admin', 'chat', 'in', 1, 'learned'],
    ])
    const chat = rows[0]
    expect(chat.learned).toMatchObject({ count: 2, firstSeen: a.time, lastSeen: b.time, example: b.args })
    expect(chat.schema).toEqual({ type: 'array', items: [{ type: 'object', properties: { text: { type: 'string' }, at: { type: 'string', format: 'date-time' } }, required: ['text'] }], minItems: 1, maxItems: 1 })
    expect(c.origins()).toEqual(['http://localhost:3000', 'http://other:3000'])
    expect(Object.isFrozen(chat)).toBe(true)
    // Unchanged rows are the same objects on the next call (cheap for views).
    expect(c.events({ origin: 'http://localhost:3000' })[0]).toBe(chat)
  })

  it('ignores entries that are not events, and learns ack schemas from ack entries', () => {
    const c = new EventCatalog()
    c.observe({ kind: 'note', id: 1, sessionId: 's1', time: 1, mono: 1, direction: 'local', level: 'info', message: 'x' } as LogEntry, session)
    expect(c.events()).toEqual([])
    c.observe(ev('echo', [1], 'out', { correlationId: 'c1' }), session)
    c.observe({ kind: 'ack', id: 9, sessionId: 's1', time: 2, mono: 2, direction: 'in', correlationId: 'c1', name: 'echo', args: [{ ok: true }], latencyMs: 1, timedOut: false, bytes: 10 } as LogEntry, session)
    expect(c.get({ origin: session.url, namespace: '/', name: 'echo', direction: 'out' })?.learned?.ack)
      .toEqual({ type: 'array', items: [{ type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] }], minItems: 1, maxItems: 1 })
  })

  it('keeps the latest example within the size bound, else a bounded copy of the first', () => {
    const c = new EventCatalog({ maxExampleBytes: 100 })
    const big = ev('big', ['x'.repeat(1000)], 'in', { bytes: 1010 })
    c.observe(big, session)
    expect(c.events()[0].example).toEqual([`${'x'.repeat(200)}…`])
    c.observe(ev('big', ['small'], 'in', { bytes: 10 }), session)
    expect(c.events()[0].example).toEqual(['small'])
    c.observe(ev('big', ['y'.repeat(1000)], 'in', { bytes: 1010 }), session)
    expect(c.events()[0].example).toEqual(['small'])
  })

  it('does not learn a shape from truncated entries (their args are gone), but counts them', () => {
    const c = new EventCatalog()
    c.observe(ev('t', [1]), session)
    c.observe(ev('t', [], 'in', { truncated: { reason: 'size', size: 1e6 } }), session)
    expect(c.events()[0]).toMatchObject({ count: 2, schema: { minItems: 1, maxItems: 1 } })
  })

  it('bounds the number of keys', () => {
    const c = new EventCatalog({ maxKeys: 3 })
    for (let i = 0; i < 10; i++) c.observe(ev(`e${i}`, []), session)
    expect(c.events()).toHaveLength(3)
    expect(c.stats().droppedKeys).toBe(7)
  })

  it('notifies change at most once per macrotask, and not after the listener is removed', async () => {
    const c = new EventCatalog()
    let calls = 0
    const off = c.on('change', () => calls++)
    for (let i = 0; i < 100; i++) c.observe(ev('x', [i]), session)
    expect(calls).toBe(0)
    await new Promise(r => setTimeout(r, 5))
    expect(calls).toBe(1)
    off()
    c.observe(ev('x', [1]), session)
    await new Promise(r => setTimeout(r, 5))
    expect(calls).toBe(1)
    c.dispose()
  })

  it('clearLearned forgets the learned rows of one origin', () => {
    const c = new EventCatalog()
    c.observe(ev('a', []), session)
    c.observe(ev('b', []), { url: 'http://other', namespace: '/' })
    c.clearLearned('http://localhost:3000/')
    expect(c.events().map(e => e.name)).toEqual(['b'])
  })
})
