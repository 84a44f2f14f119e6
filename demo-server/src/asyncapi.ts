/**
 * The demo server's AsyncAPI 3.0 document (issue 17), built from the event table of src/shared/demo-events.ts
 * (SERVER_EVENT_SPECS, CLIENT_EVENT_SPECS), never written by hand: the document and the code cannot drift.
 *
 * Mapping (the catalog's import convention, src/core/catalog/types.ts, and /work/shared/SOCKETIO-NOTES.md §10):
 * - one channel per namespace, `address` = the namespace (`/`, `/namespace1`, `/namespace2`);
 * - one message per event and direction, `name` = the event name; `payload` = the JSON Schema of the event's
 *   **arguments array**, a draft-07 tuple (`items: [...]`, `minItems`, and `maxItems` unless it takes any number);
 * - the document describes the server: `send` operations are server → client, `receive` client → server;
 * - an ack is the message's `x-ack` extension: `{ payload: <tuple schema of the ack's arguments>, required,
 *   description }`. (AsyncAPI's `reply` would make the ack a message of its own, which an importer would read
 *   as one more event of the same name.)
 * Messages live once in `components.messages` (keys may only hold `[A-Za-z0-9._-]`, so `chat:room` becomes
 * `client.chat_room`); each channel references them.
 *
 * @example
 * const doc = buildDemoAsyncApi({ host: 'localhost:3000' })
 * doc.channels.namespace1.address // '/namespace1'
 */
import type { DemoArgs, DemoEventSpec, DemoJsonSchema, DemoNamespace } from '../../src/shared/demo-events'
import { CLIENT_EVENT_SPECS, DEMO_NAMESPACES, SERVER_EVENT_SPECS } from '../../src/shared/demo-events'

/** The demo's document as plain JSON. */
export interface DemoAsyncApiDocument {
  asyncapi: '3.0.0'
  info: { title: string, version: string, description: string }
  defaultContentType: string
  servers?: Record<string, { host: string, protocol: string, pathname: string, description: string }>
  channels: Record<string, { address: string, title: string, messages: Record<string, { $ref: string }> }>
  operations: Record<string, { action: 'send' | 'receive', channel: { $ref: string }, messages: { $ref: string }[], summary: string }>
  components: { messages: Record<string, Record<string, unknown>> }
}

export interface DemoAsyncApiOptions {
  /**
   * The `host[:port]` clients reach the demo at, put in `servers`; the route passes the request's Host (already
   * checked by the Host guard). @default no `servers` section
   */
  host?: string
}

/** Which side sends the event: `server` (an AsyncAPI `send`) or `client` (`receive`). */
type Sender = 'server' | 'client'

/** `/` → `root`, `/namespace1` → `namespace1`: channel ids are keys of the document. */
export function channelId(namespace: DemoNamespace): string {
  return namespace === '/' ? 'root' : namespace.slice(1).replace(/[^\w.-]/g, '_')
}

/** `client` + `chat:room` → `client.chat_room`: unique per direction, a valid component key. */
export function messageId(sender: Sender, event: string): string {
  return `${sender}.${event.replace(/[^\w.-]/g, '_')}`
}

/**
 * The arguments array as a draft-07 tuple. Draft-07 (and AsyncAPI's schema of it) refuses an empty `items: []`:
 * no arguments is `maxItems: 0`, any number of them is `items: <the rest's schema>`.
 */
export function tupleSchema(spec: DemoArgs): DemoJsonSchema {
  if (spec.args.length === 0)
    return spec.rest ? { type: 'array', items: spec.rest } : { type: 'array', maxItems: 0 }
  return {
    type: 'array',
    items: spec.args,
    minItems: spec.args.length,
    ...(spec.rest ? { additionalItems: spec.rest } : { maxItems: spec.args.length }),
  }
}

function message(sender: Sender, event: string, spec: DemoEventSpec): Record<string, unknown> {
  return {
    name: event,
    title: event,
    summary: spec.summary,
    ...(spec.ack
      ? { 'x-ack': { payload: tupleSchema(spec.ack), required: spec.ack.required, description: spec.ack.description } }
      : {}),
    payload: tupleSchema(spec),
    description: sender === 'server' ? 'Sent by the server.' : 'Sent by the client.',
  }
}

/**
 * The whole event table, both directions, on every demo namespace.
 * @example buildDemoAsyncApi().operations['root.receive.client.chat'].action // 'receive'
 */
export function buildDemoAsyncApi(options: DemoAsyncApiOptions = {}): DemoAsyncApiDocument {
  const tables: [Sender, Record<string, DemoEventSpec>][] = [['server', SERVER_EVENT_SPECS], ['client', CLIENT_EVENT_SPECS]]
  const messages: DemoAsyncApiDocument['components']['messages'] = {}
  for (const [sender, table] of tables) {
    for (const [event, spec] of Object.entries(table))
      messages[messageId(sender, event)] = message(sender, event, spec)
  }
  const channels: DemoAsyncApiDocument['channels'] = {}
  const operations: DemoAsyncApiDocument['operations'] = {}
  for (const namespace of DEMO_NAMESPACES) {
    const id = channelId(namespace)
    const channel: DemoAsyncApiDocument['channels'][string] = { address: namespace, title: `Namespace ${namespace}`, messages: {} }
    channels[id] = channel
    for (const [sender, table] of tables) {
      for (const [event, spec] of Object.entries(table)) {
        const msg = messageId(sender, event)
        channel.messages[msg] = { $ref: `#/components/messages/${msg}` }
        operations[`${id}.${sender === 'server' ? 'send' : 'receive'}.${msg}`] = {
          action: sender === 'server' ? 'send' : 'receive',
          channel: { $ref: `#/channels/${id}` },
          messages: [{ $ref: `#/channels/${id}/messages/${msg}` }],
          summary: spec.summary,
        }
      }
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Socket.IO Inspector demo server',
      version: '1.0.0',
      description: 'The teaching tutorial\'s event set on socket.io 4.8, on the namespaces '
        + `${DEMO_NAMESPACES.join(', ')} (admin-ui\'s /admin is not described). A message's payload is the event's `
        + 'arguments array (a tuple); `x-ack.payload` is the arguments of its acknowledgement. Generated from '
        + 'src/shared/demo-events.ts.',
    },
    defaultContentType: 'application/json',
    ...(options.host
      ? {
          servers: {
            demo: {
              host: options.host,
              protocol: 'ws',
              pathname: '/socket.io/',
              description: 'Socket.IO 4 (Engine.IO 4): WebSocket, or HTTP long-polling on the same path.',
            },
          },
        }
      : {}),
    channels,
    operations,
    components: { messages },
  }
}
