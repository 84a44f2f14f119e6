/**
 * Public types of the event catalog (issue 17): what a Socket.IO API looks like, learned from traffic and/or
 * imported from an AsyncAPI document, per server origin and namespace. Browser-safe: no @asyncapi/parser here
 * (it compiles schemas with `new Function`, which the inspector page's CSP forbids); parse documents on the
 * Node side (`src/shared/asyncapi.ts` `parseAsyncApi`) and hand the parsed JSON to `EventCatalog.importAsyncApi`.
 *
 * Conventions:
 * - `in` = the server emitted it (server → client), `out` = the client emitted it (client → server), as in the log.
 * - An event's schema describes its **arguments array**: a tuple
 *   `{ type: 'array', items: [schema of argument 1, ...], minItems, maxItems }` (draft-07, AsyncAPI's dialect).
 * - Origins are normalised by `catalogOrigin(url)`: `ws:`/`wss:` become `http:`/`https:`, path dropped, so a
 *   session opened as `ws://host:3000/` and one opened as `http://host:3000` share a catalog.
 */

/** Which way an event travels: `in` from the server, `out` to it (the log's direction). */
export type CatalogDirection = 'in' | 'out'

/** Where a catalog event's definition comes from. */
export type CatalogSource = 'learned' | 'imported' | 'both'

export type JsonSchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null'

/**
 * A JSON Schema (draft-07, plus `prefixItems` from 2020-12 accepted on import). Only the keywords the catalog
 * writes are typed; imported schemas may carry any other keyword (kept as is).
 */
export interface JsonSchema {
  type?: JsonSchemaType | JsonSchemaType[]
  /** `date-time`, `email`, `uri`, `uuid` (inferred when every observed string matches), `binary` (bytes). */
  format?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  /** A schema for every item (arrays inside arguments) or a tuple (the arguments array). */
  items?: JsonSchema | JsonSchema[]
  prefixItems?: JsonSchema[]
  additionalItems?: boolean | JsonSchema
  minItems?: number
  maxItems?: number
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  enum?: unknown[]
  const?: unknown
  title?: string
  description?: string
  examples?: unknown[]
  [keyword: string]: unknown
}

/** Identifies one catalog event. */
export interface CatalogEventKey {
  /** `catalogOrigin(session.url)`, e.g. `http://localhost:3000`. */
  readonly origin: string
  /** Socket.IO namespace, `/` for the main one. */
  readonly namespace: string
  readonly name: string
  readonly direction: CatalogDirection
}

/** What the catalog learned from traffic for one key. */
export interface LearnedDefinition {
  /** How many times it was seen (every observation counts, even when its schema merge was skipped). */
  readonly count: number
  /** Wall clock (ms since epoch) of the first and the latest observation (the entries' `time`). */
  readonly firstSeen: number
  readonly lastSeen: number
  /**
   * The latest arguments (as logged: binary stays binary) whose encoded size is within the example bound
   * (`CatalogOptions.maxExampleBytes`); the first one when every later one was too big. Read-only.
   */
  readonly example: readonly unknown[]
  /** Inferred tuple schema of the arguments array, merged across observations. Do not mutate. */
  readonly schema: JsonSchema
  /** When an observation asked for an ack (`correlationId`) and its ack was seen: the ack args' schema. */
  readonly ack?: JsonSchema
}

/** What an imported AsyncAPI document declares for one key. */
export interface ImportedDefinition {
  /** Tuple schema of the arguments array (`prefixItems` normalised to `items: [...]`); absent = any args. */
  readonly schema?: JsonSchema
  /**
   * The ack's arguments schema, when the message declares one with the `x-ack` extension:
   * `x-ack: { payload: <tuple schema of the ack args> }` (or directly `x-ack: <tuple schema>`).
   * For `out` events the server answers with these args; for `in` events the client is expected to.
   */
  readonly ack?: JsonSchema
  readonly summary?: string
  readonly description?: string
  /** Examples' payloads (arguments arrays) from the message's `examples`. */
  readonly examples: readonly (readonly unknown[])[]
  /** The message's id in the document (`components.messages` key or channel message key). */
  readonly messageId: string
}

/** One event of the catalog: one row of the Catalog view (one per origin + namespace + name + direction). */
export interface CatalogEvent extends CatalogEventKey {
  /** `origin|namespace|direction|name`: stable and unique, usable as a list key. */
  readonly id: string
  readonly source: CatalogSource
  readonly learned?: LearnedDefinition
  readonly imported?: ImportedDefinition
  /** Convenience: the schema to complete and validate with (imported when declared, else the learned one). */
  readonly schema?: JsonSchema
  /** Convenience: an example arguments array (learned example, else the first imported example). */
  readonly example?: readonly unknown[]
  /** Convenience: learned count (0 when only imported). */
  readonly count: number
}

/** A document imported for one origin. */
export interface ImportedDocumentInfo {
  readonly origin: string
  /** `info.title` / `info.version` of the document. */
  readonly title: string
  readonly version: string
  /** The document's `asyncapi` field, e.g. `3.0.0` or `2.6.0`. */
  readonly asyncapi: string
  /** Namespaces it declares (channel addresses). Events in other namespaces are not marked undeclared. */
  readonly namespaces: readonly string[]
  /** Number of (namespace, event, direction) definitions read. */
  readonly events: number
}

/** `importAsyncApi`'s result. Never throws: a document it cannot read gives `ok: false` with the reason. */
export type CatalogImportResult
  = | { readonly ok: true, readonly info: ImportedDocumentInfo, readonly warnings: readonly string[] }
    | { readonly ok: false, readonly error: string }

/**
 * Why an event does not match the imported document:
 * - `schema`: its arguments break the declared schema; `reason` reads like
 *   "argument 1: property `text` must be a string", `path` is a JSON pointer into the arguments array (`/0/text`);
 * - `undeclared`: the document (imported for this origin, declaring this namespace) has no such event in that
 *   direction.
 * Only imported definitions are checked: learned schemas never produce violations.
 */
export type CatalogViolation
  = | { readonly kind: 'schema', readonly reason: string, readonly path: string }
    | { readonly kind: 'undeclared', readonly reason: string }

/** What the catalog needs from a session: `SessionSnapshot` satisfies it. */
export interface CatalogSessionInfo {
  readonly url: string
  readonly namespace: string
}

export interface CatalogOptions {
  /** Max encoded size (JSON characters, about bytes) of a kept example. @default 4096 */
  readonly maxExampleBytes?: number
  /** Max distinct keys learned (further new keys are ignored, counted in `stats().droppedKeys`). @default 2000 */
  readonly maxKeys?: number
}

/** Catalog counters (bench, diagnostics). */
export interface CatalogStats {
  readonly keys: number
  readonly observations: number
  /** Observations whose merge was skipped because their shape signature equalled the last one. */
  readonly skippedMerges: number
  readonly droppedKeys: number
}

/** Listener map of `EventCatalog.on`. `change` fires at most once per macrotask, after any change. */
export interface CatalogEvents {
  change: () => void
}

/** Options of `exportAsyncApi`. */
export interface ExportAsyncApiOptions {
  /** The server to document: an origin or URL (`http://localhost:3000`, `ws://host/`); normalised. */
  readonly server: string
  /** `info.title`. @default 'Socket.IO API of <host>' */
  readonly title?: string
  /** `info.version`. @default '1.0.0' */
  readonly version?: string
}

/** An AsyncAPI 3.0 document as a plain JSON object (what `exportAsyncApi` returns). */
export interface AsyncApiDocument {
  asyncapi: '3.0.0'
  info: { title: string, version: string, description?: string }
  servers?: Record<string, { host: string, protocol: string, pathname?: string, description?: string }>
  channels: Record<string, Record<string, unknown>>
  operations: Record<string, Record<string, unknown>>
  components?: Record<string, unknown>
  [key: string]: unknown
}

/** Filter of `EventCatalog.events`. */
export interface CatalogFilter {
  readonly origin?: string
  readonly namespace?: string
  readonly direction?: CatalogDirection
}

/**
 * The public surface of `EventCatalog` (catalog.ts), spelled out for code that holds one.
 * @example
 * const catalog = new EventCatalog()
 * session.on('entry', e => catalog.observe(e, session.snapshot()))
 * const off = catalog.on('change', () => render(catalog.events({ origin: catalogOrigin(url) })))
 */
export interface EventCatalogApi {
  /**
   * Learn from one log entry (`event` entries: name, args; `ack` entries: the ack schema of the event they
   * answer). Other kinds are ignored. Bounded work; cheap enough for every entry at full rate.
   */
  observe: (entry: import('../types').LogEntry, session: CatalogSessionInfo) => void
  /**
   * Import an AsyncAPI 2.6 / 3.0 document **already parsed** (`document.json()` of @asyncapi/parser, e.g. from
   * `parseAsyncApi` in src/shared/asyncapi.ts) for one server origin; replaces that origin's previous import.
   */
  importAsyncApi: (document: unknown, opts: { readonly origin: string }) => CatalogImportResult
  /** Forget the document imported for `origin` (learned definitions stay). Returns whether there was one. */
  removeImport: (origin: string) => boolean
  /** The document imported for `origin` (normalised with `catalogOrigin`), if any. */
  importedFor: (origin: string) => ImportedDocumentInfo | undefined
  imports: () => readonly ImportedDocumentInfo[]
  /** Snapshot of the events, sorted by origin, namespace, name, direction. Objects are frozen and reused while unchanged. */
  events: (filter?: CatalogFilter) => readonly CatalogEvent[]
  get: (key: CatalogEventKey) => CatalogEvent | undefined
  /** Origins that have learned or imported events. */
  origins: () => readonly string[]
  /**
   * Check a log entry against the document imported for its session's origin: `undefined` when it matches,
   * is not an event/ack, or nothing is imported there. Validators are compiled once per key and cached.
   */
  check: (entry: import('../types').LogEntry, session: CatalogSessionInfo) => CatalogViolation | undefined
  /** The same check for arguments about to be emitted (composer warnings) or received. */
  checkArgs: (key: CatalogEventKey, args: readonly unknown[]) => CatalogViolation | undefined
  /** Forget learned definitions (of one origin, or all). */
  clearLearned: (origin?: string) => void
  stats: () => CatalogStats
  /** Increments on every change: a cheap memo key. */
  readonly version: number
  /** `change`: at most one call per macrotask, after any change. Returns the unsubscribe. */
  on: <K extends keyof CatalogEvents>(event: K, listener: CatalogEvents[K]) => import('../types').Disposer
  /** Drop listeners and pending notifications. */
  dispose: () => void
}
