/**
 * The demo server documents itself (issue 17): `GET /asyncapi.json` is an AsyncAPI 3.0 document generated from
 * the event table of src/shared/demo-events.ts. @asyncapi/parser accepts it without errors; it lists every event
 * of the table in its direction on every demo namespace, with its ack; the table names exactly the events the
 * server handles; and what a real socket.io client sends and receives validates against the document's schemas.
 */
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser'
import type { ClientSocket } from './helpers'
import { Parser } from '@asyncapi/parser'
import { Validator } from '@cfworker/json-schema'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLIENT_EVENT_SPECS, DEMO_NAMESPACES, QUIZ_ANSWER, SERVER_EVENT_SPECS } from '../../src/shared/demo-events'
import { TestBed, waitFor } from './helpers'

/** namespace → direction → event name → { payload, ack } as a consumer of the parsed document sees them. */
type Table = Map<string, Map<'send' | 'receive', Map<string, { payload: unknown, ack: unknown }>>>

function tableOf(document: AsyncAPIDocumentInterface): Table {
  const table: Table = new Map()
  for (const operation of document.operations().all()) {
    const action = operation.action() as 'send' | 'receive'
    for (const channel of operation.channels().all()) {
      const address = channel.address() ?? ''
      for (const message of operation.messages().all()) {
        const byAction = table.get(address) ?? table.set(address, new Map()).get(address)!
        const byName = byAction.get(action) ?? byAction.set(action, new Map()).get(action)!
        const name = message.name()!
        expect(byName.has(name), `${address} ${action} ${name} is described once`).toBe(false)
        const ack = message.extensions().get('x-ack')?.value() as { payload?: unknown } | undefined
        byName.set(name, { payload: message.payload()?.json(), ack: ack?.payload })
      }
    }
  }
  return table
}

let bed: TestBed
let url: string
let response: Response
let text: string
let table: Table

beforeAll(async () => {
  bed = new TestBed()
  url = (await bed.start()).url
  response = await fetch(`${url}/asyncapi.json`)
  text = await response.text()
  const { document, diagnostics } = await new Parser().parse(text)
  // Severity 0 = error: none allowed. (1 warning, 2 info — the parser suggests 3.1 — are fine.)
  expect(diagnostics.filter(d => d.severity === 0).map(d => `${d.path.join('.')}: ${d.message}`)).toEqual([])
  expect(document).toBeDefined()
  table = tableOf(document!)
})
afterAll(() => bed.cleanup())

describe('the document at GET /asyncapi.json', () => {
  it('serves an AsyncAPI 3.0 JSON document any page may read', () => {
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    const doc = JSON.parse(text)
    expect(doc.asyncapi).toBe('3.0.0')
    // The server entry names the Host the client used (one the Host guard let through).
    expect(doc.servers.demo.host).toBe(new URL(url).host)
  })

  it('answers a Host the demo was not started for with 421, like every other route', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/asyncapi.json`, { headers: { host: 'evil.example:80' } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(421)
  })

  it('describes exactly the event table, in its direction, on every demo namespace', () => {
    expect([...table.keys()].sort()).toEqual([...DEMO_NAMESPACES].sort())
    for (const namespace of DEMO_NAMESPACES) {
      const byAction = table.get(namespace)!
      // `send`: the document describes the server, so what it sends is server → client.
      expect([...byAction.get('send')!.keys()].sort(), namespace).toEqual(Object.keys(SERVER_EVENT_SPECS).sort())
      expect([...byAction.get('receive')!.keys()].sort(), namespace).toEqual(Object.keys(CLIENT_EVENT_SPECS).sort())
      for (const [action, specs] of [['send', SERVER_EVENT_SPECS], ['receive', CLIENT_EVENT_SPECS]] as const) {
        for (const [name, spec] of Object.entries(specs)) {
          const described = byAction.get(action)!.get(name)!
          expect(described.payload, `${namespace} ${name}`).toMatchObject({ type: 'array' })
          // An ack is described exactly where the table has one.
          expect(described.ack !== undefined, `${namespace} ${action} ${name} ack`).toBe(spec.ack !== undefined)
        }
      }
    }
  })

  it('names exactly the events the server handles (the table cannot list one it has not, nor miss one)', async () => {
    for (const namespace of DEMO_NAMESPACES) {
      const socket = await bed.connect(namespace)
      const serverSocket = bed.server.io.of(namespace).sockets.get(socket.id!)!
      // Lifecycle listeners are not events a client sends; socket.io adds a no-op `error` listener to every socket.
      const handled = serverSocket.eventNames().map(String).filter(name => !['disconnect', 'disconnecting', 'error'].includes(name))
      expect(handled.sort(), namespace).toEqual(Object.keys(CLIENT_EVENT_SPECS).sort())
      socket.disconnect()
    }
  })
})

describe('real traffic against the document', () => {
  const validators = new Map<string, Validator>()
  /** Errors of `args` against the document's schema of (namespace, action, event), or of its ack. */
  function check(namespace: string, action: 'send' | 'receive', event: string, args: unknown[], what: 'payload' | 'ack' = 'payload'): string[] {
    const key = `${namespace}|${action}|${event}|${what}`
    let validator = validators.get(key)
    if (!validator) {
      const described = table.get(namespace)?.get(action)?.get(event)
      if (!described?.[what])
        return [`${key} is not described`]
      validator = new Validator(described[what] as object, '7', false)
      validators.set(key, validator)
    }
    // What a schema sees is JSON: the wire form of the arguments (binary aside, which these tests do not send).
    const result = validator.validate(JSON.parse(JSON.stringify(args)))
    return result.valid ? [] : result.errors.map(e => `${key} ${e.instanceLocation}: ${e.error}`)
  }

  /**
   * Records every event the socket receives (`send` in the document) and emits (`receive`): which were seen, and
   * the schema errors of those that broke the document (`errors`, and `invalid`: `out chat`...).
   */
  function record(socket: ClientSocket, namespace: string): { seen: Set<string>, invalid: string[], errors: string[] } {
    const recorded = { seen: new Set<string>(), invalid: [] as string[], errors: [] as string[] }
    const note = (direction: 'in' | 'out', event: string, args: unknown[]): void => {
      recorded.seen.add(`${direction} ${event}`)
      // The quiz's ack function is not an argument on the wire.
      const errors = check(namespace, direction === 'in' ? 'send' : 'receive', event, args.filter(a => typeof a !== 'function'))
      if (errors.length > 0) {
        recorded.invalid.push(`${direction} ${event}`)
        recorded.errors.push(...errors)
      }
    }
    socket.onAny((event: string, ...args: unknown[]) => note('in', event, args))
    socket.onAnyOutgoing((event: string, ...args: unknown[]) => note('out', event, args))
    return recorded
  }

  it('validates welcome, presence, chat, error, echo and the chat/room acks on every namespace', async () => {
    for (const namespace of DEMO_NAMESPACES) {
      const a = bed.socket(namespace)
      const b = bed.socket(namespace)
      const ra = record(a, namespace)
      const rb = record(b, namespace)
      const welcomes = [waitFor(a, 'welcome'), waitFor(b, 'welcome')]
      a.connect()
      await welcomes[0]
      const joined = waitFor(a, 'presence')
      b.connect()
      await Promise.all([welcomes[1], joined])

      const chat = waitFor(b, 'chat')
      const ack = await a.emitWithAck('chat', 'hello')
      expect(check(namespace, 'receive', 'chat', [ack], 'ack')).toEqual([])
      expect((await chat).text).toBe('hello')

      const entered = await b.emitWithAck('enter', 'room1')
      expect(check(namespace, 'receive', 'enter', [entered], 'ack')).toEqual([])
      const roomChat = waitFor(b, 'chat')
      const roomAck = await a.emitWithAck('chat:room', 'room1', 'to the room')
      expect(check(namespace, 'receive', 'chat:room', [roomAck], 'ack')).toEqual([])
      expect((await roomChat).room).toBe('room1')

      const listed = await a.emitWithAck('list:room', 'room1')
      expect(check(namespace, 'receive', 'list:room', [listed], 'ack')).toEqual([])
      const server = await a.emitWithAck('list:server')
      expect(check(namespace, 'receive', 'list:server', [server], 'ack')).toEqual([])
      const rooms = await a.emitWithAck('list:rooms')
      expect(check(namespace, 'receive', 'list:rooms', [rooms], 'ack')).toEqual([])

      // A failure without an ack comes as `error`; with one, as an AckError: both are described.
      const error = waitFor(a, 'error')
      ;(a.emit as (ev: string, ...args: unknown[]) => void)('chat', 42)
      expect((await error).event).toBe('chat')
      const failed = await (a.emitWithAck as (ev: string, ...args: unknown[]) => Promise<unknown>)('enter', '')
      expect(failed).toMatchObject({ ok: false })
      expect(check(namespace, 'receive', 'enter', [failed], 'ack')).toEqual([])

      const echoed = waitFor(a, 'echo')
      ;(a.emit as (ev: string, ...args: unknown[]) => void)('echo', 'x', { y: [1, 2] })
      expect(await echoed).toEqual(['x', { y: [1, 2] }])

      const left = waitFor(a, 'presence')
      b.disconnect()
      expect((await left).action).toBe('left')
      a.disconnect()

      // Only the two emits the server refused break the document; everything the server sent fits it.
      expect(ra.invalid, `${namespace}: ${ra.errors.join('; ')}`).toEqual(['out chat', 'out enter'])
      expect(rb.errors, namespace).toEqual([])
      for (const event of ['in welcome', 'in presence', 'in chat', 'in error', 'in echo', 'out chat', 'out chat:room', 'out enter', 'out list:room', 'out echo'])
        expect(ra.seen.has(event) || rb.seen.has(event), `${namespace} ${event}`).toBe(true)
    }
  })

  it('validates the quiz (an ack the client answers) and a stream', async () => {
    const socket = bed.socket('/')
    const recorded = record(socket, '/')
    socket.on('quiz', (_question, answer) => answer(QUIZ_ANSWER))
    await new Promise<void>((resolve) => {
      socket.once('welcome', () => resolve())
      socket.connect()
    })
    const result = waitFor(socket, 'quiz:result')
    const started = await socket.emitWithAck('quiz:start')
    expect(check('/', 'receive', 'quiz:start', [started], 'ack')).toEqual([])
    expect(await result).toEqual({ answer: QUIZ_ANSWER, correct: true })
    expect(check('/', 'send', 'quiz', [QUIZ_ANSWER], 'ack')).toEqual([])

    const done = waitFor(socket, 'stream:done')
    const stream = await socket.emitWithAck('stream:start', { rate: 1000, count: 3 })
    expect(check('/', 'receive', 'stream:start', [stream], 'ack')).toEqual([])
    expect(await done).toEqual({ sent: 3 })
    socket.disconnect()
    expect(recorded.errors).toEqual([])
    for (const event of ['in quiz', 'in quiz:result', 'in tick', 'in stream:done', 'out stream:start'])
      expect(recorded.seen.has(event), event).toBe(true)
  })

  it('tells traffic that breaks the contract apart (the schemas are not vacuous)', () => {
    expect(check('/', 'receive', 'chat', [42])).not.toEqual([])
    expect(check('/', 'receive', 'enter', [])).not.toEqual([])
    expect(check('/', 'send', 'welcome', [{ id: 'x', namespace: '/', rooms: [], extra: 1 }])).not.toEqual([])
    expect(check('/namespace1', 'send', 'chat', [{ from: 'a', text: 'hi' }])).not.toEqual([])
    expect(check('/', 'receive', 'chat', ['hi'])).toEqual([])
  })
})
