import type { JsonSchema, JsonSchemaType } from './types'
import { format as formats } from '@cfworker/json-schema'
import { isBinary } from '../log/preview'

/**
 * Schema inference for event arguments. It runs on every event at full rate, so it merges each value into a
 * compact mutable shape (type bits, format bits, per-key counts) and renders the JSON Schema only when asked
 * (`ArgsSchemaInferrer.schema()`, cached until the next merge). Every merge is bounded:
 * - depth: values nested deeper than `INFER_LIMITS.depth` levels count by type only (no properties/items);
 * - keys: at most `INFER_LIMITS.keys` keys per object are recorded (later new keys are ignored);
 * - array items: the first `INFER_LIMITS.items` items are merged (a sample, not every item);
 * - nodes: at most `INFER_LIMITS.nodes` values per observation; the rest of it is not looked at;
 * - positions: the first `INFER_LIMITS.positions` arguments get a schema each (the tuple stays open after that).
 * Once a key's shape is stable (the same shape signature `INFER_LIMITS.stableRun` times in a row), values
 * with that same signature skip the merge (the signature is a bounded walk that builds a short string),
 * except every `INFER_LIMITS.resampleEvery`-th observation, which merges anyway so string formats and
 * deep details still learn from the traffic.
 */
export const INFER_LIMITS = Object.freeze({
  depth: 8,
  keys: 200,
  items: 20,
  nodes: 2000,
  positions: 20,
  signatureNodes: 128,
  stableRun: 4,
  resampleEvery: 64,
})

const T_NULL = 1
const T_BOOL = 2
const T_INT = 4
const T_NUM = 8
const T_STR = 16
const T_OBJ = 32
const T_ARR = 64
const T_BIN = 128
/** Something JSON Schema cannot type (undefined, a function, a bigint). */
const T_ANY = 256

const F_UUID = 1
const F_EMAIL = 2
const F_DATETIME = 4
const F_URI = 8
const F_ALL = F_UUID | F_EMAIL | F_DATETIME | F_URI
const FORMAT_NAMES: ReadonlyArray<[number, string]> = [[F_UUID, 'uuid'], [F_EMAIL, 'email'], [F_DATETIME, 'date-time'], [F_URI, 'uri']]
/** Strings longer than this never get a format (a format check on a long text costs, and is never one). */
const FORMAT_MAX_LENGTH = 2048
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\/./i

interface Shape {
  t: number
  /** Formats every string seen so far matched (bits); meaningful once `t & T_STR`. */
  fmt: number
  /** Objects merged here (a key is required when it was present in every one of them). */
  objects: number
  props?: Map<string, { count: number, shape: Shape }>
  /** Merged item schema of arrays seen here. */
  item?: Shape
  /** Some object or array here was past the depth bound: its inside is not described. */
  deep?: boolean
}

function newShape(): Shape {
  return { t: 0, fmt: F_ALL, objects: 0 }
}

interface Budget { nodes: number }

/** `{ $binary: '<base64>' }` with exactly that key: how exports and the composer write bytes. */
function isBinaryTag(v: object): boolean {
  if (Array.isArray(v))
    return false
  let n = 0
  for (const k in v) {
    if (k !== '$binary' || ++n > 1)
      return false
  }
  return n === 1 && typeof (v as { $binary: unknown }).$binary === 'string'
}

function stringFormats(s: string, fmt: number): number {
  if (s.length > FORMAT_MAX_LENGTH)
    return 0
  // Cheap guards before each regex: most strings fail on their first character or their length.
  if (fmt & F_UUID && !(s.length === 36 && formats.uuid(s)))
    fmt &= ~F_UUID
  if (fmt & F_EMAIL && !(s.includes('@') && formats.email(s)))
    fmt &= ~F_EMAIL
  if (fmt & F_DATETIME && !(s.length >= 20 && s.length <= 40 && s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57 && formats['date-time'](s)))
    fmt &= ~F_DATETIME
  if (fmt & F_URI && !(HAS_SCHEME.test(s) && formats.uri(s)))
    fmt &= ~F_URI
  return fmt
}

function merge(shape: Shape, v: unknown, depth: number, budget: Budget): void {
  // Out of budget: the rest of this value is not looked at (and not recorded: a huge value must not erase
  // what earlier ones taught; an unvisited key is simply not "present every time").
  if (budget.nodes-- <= 0)
    return
  if (v === null) {
    shape.t |= T_NULL
    return
  }
  switch (typeof v) {
    case 'boolean':
      shape.t |= T_BOOL
      return
    case 'number':
      shape.t |= Number.isInteger(v) ? T_INT : T_NUM
      return
    case 'string':
      shape.fmt = stringFormats(v, shape.t & T_STR ? shape.fmt : F_ALL)
      shape.t |= T_STR
      return
    case 'object':
      break
    default:
      shape.t |= T_ANY
      return
  }
  const o = v as object
  if (isBinary(o) || isBinaryTag(o)) {
    shape.t |= T_BIN
    return
  }
  if (o instanceof Date) {
    // JSON writes a Date as its ISO string.
    shape.fmt = (shape.t & T_STR ? shape.fmt : F_ALL) & F_DATETIME
    shape.t |= T_STR
    return
  }
  if (Array.isArray(o)) {
    shape.t |= T_ARR
    if (depth >= INFER_LIMITS.depth) {
      shape.deep = true
      return
    }
    const n = Math.min(o.length, INFER_LIMITS.items)
    if (n > 0)
      shape.item ??= newShape()
    for (let i = 0; i < n; i++)
      merge(shape.item!, o[i], depth + 1, budget)
    return
  }
  shape.t |= T_OBJ
  if (depth >= INFER_LIMITS.depth) {
    shape.deep = true
    return
  }
  shape.objects++
  const props = shape.props ??= new Map()
  let seen = 0
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k))
      continue
    // Bounded: past `keys` keys, the rest of this object is not looked at.
    if (++seen > INFER_LIMITS.keys)
      break
    let p = props.get(k)
    if (!p) {
      if (props.size >= INFER_LIMITS.keys)
        continue
      p = { count: 0, shape: newShape() }
      props.set(k, p)
    }
    p.count++
    merge(p.shape, (o as Record<string, unknown>)[k], depth + 1, budget)
  }
}

function render(shape: Shape): JsonSchema {
  const t = shape.t
  if (t & T_ANY || t === 0)
    return {}
  const parts: JsonSchema[] = []
  if (t & T_NULL)
    parts.push({ type: 'null' })
  if (t & T_BOOL)
    parts.push({ type: 'boolean' })
  if (t & (T_INT | T_NUM))
    parts.push({ type: t & T_NUM ? 'number' : 'integer' })
  if (t & T_STR) {
    const f = FORMAT_NAMES.find(([bit]) => shape.fmt & bit)
    parts.push(f ? { type: 'string', format: f[1] } : { type: 'string' })
  }
  if (t & T_BIN)
    parts.push({ type: 'string', format: 'binary' })
  if (t & T_OBJ) {
    const s: JsonSchema = { type: 'object' }
    if (!shape.deep && shape.props && shape.props.size > 0) {
      const properties: Record<string, JsonSchema> = {}
      const required: string[] = []
      for (const [k, p] of shape.props) {
        properties[k] = render(p.shape)
        if (p.count === shape.objects)
          required.push(k)
      }
      s.properties = properties
      if (required.length)
        s.required = required
    }
    parts.push(s)
  }
  if (t & T_ARR) {
    const s: JsonSchema = { type: 'array' }
    if (!shape.deep && shape.item)
      s.items = render(shape.item)
    parts.push(s)
  }
  return combine(parts)
}

/**
 * One schema for several types: `{ type: [...] }` when at most one part says more than its type and no two
 * parts share a type (object + null → `{ type: ['object', 'null'], properties }`), else `anyOf`.
 */
function combine(parts: JsonSchema[]): JsonSchema {
  if (parts.length === 1)
    return parts[0]
  const rich = parts.filter(p => Object.keys(p).length > 1)
  const types = parts.map(p => p.type as JsonSchemaType)
  if (rich.length <= 1 && new Set(types).size === types.length) {
    const base = rich[0] ?? {}
    return { ...base, type: types }
  }
  return { anyOf: parts }
}

function signatureOf(v: unknown, depth: number, out: { s: string, n: number }): boolean {
  if (++out.n > INFER_LIMITS.signatureNodes)
    return false
  if (v === null) {
    out.s += 'z'
    return true
  }
  switch (typeof v) {
    case 'boolean': out.s += 'b'
      return true
    case 'number': out.s += Number.isInteger(v) ? 'i' : 'n'
      return true
    case 'string': out.s += 's'
      return true
    case 'object': break
    default: out.s += '?'
      return true
  }
  const o = v as object
  if (isBinary(o)) {
    out.s += 'B'
    return true
  }
  if (depth >= INFER_LIMITS.depth) {
    out.s += Array.isArray(o) ? 'A' : 'O'
    return true
  }
  if (Array.isArray(o)) {
    out.s += '['
    const n = Math.min(o.length, INFER_LIMITS.items)
    for (let i = 0; i < n; i++) {
      if (!signatureOf(o[i], depth + 1, out))
        return false
    }
    out.s += ']'
    return true
  }
  out.s += '{'
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k))
      continue
    out.s += `${k}:`
    if (!signatureOf((o as Record<string, unknown>)[k], depth + 1, out))
      return false
  }
  out.s += '}'
  return true
}

/**
 * A short string that equals another value's when both have the same shape (types, keys in order, array
 * items sampled); `undefined` when the value is too big to sign cheaply (then it is always merged).
 * @example shapeSignature([{ a: 1 }]) === shapeSignature([{ a: 2 }]) // true
 */
export function shapeSignature(args: readonly unknown[]): string | undefined {
  const out = { s: `${args.length}(`, n: 0 }
  for (let i = 0; i < args.length; i++) {
    if (!signatureOf(args[i], 1, out))
      return undefined
  }
  return out.s
}

/**
 * Learns the tuple schema of one event's arguments array, observation after observation.
 * @example
 * const inf = new ArgsSchemaInferrer()
 * inf.add(['hi', { n: 1 }]); inf.add(['yo', { n: 2.5, x: null }])
 * inf.schema() // { type: 'array', items: [{ type: 'string' }, { type: 'object', properties: { n: { type: 'number' }, x: { type: 'null' } }, required: ['n'] }], minItems: 2, maxItems: 2 }
 */
export class ArgsSchemaInferrer {
  private readonly positions: Shape[] = []
  private minItems = Number.POSITIVE_INFINITY
  private maxItems = 0
  private observations = 0
  private lastSignature: string | undefined
  private sameRun = 0
  private cached: JsonSchema | undefined
  /** Observations whose merge was skipped (stable shape). */
  skipped = 0

  /** `skipStable: false` merges every observation (exact, slower): for one-off inference. */
  constructor(private readonly opts: { readonly skipStable?: boolean } = {}) {}

  /** Merge one arguments array. Returns whether the schema may have changed (false when the merge was skipped). */
  add(args: readonly unknown[]): boolean {
    this.observations++
    const sig = shapeSignature(args)
    if (sig !== undefined && sig === this.lastSignature && this.opts.skipStable !== false) {
      this.sameRun++
      if (this.sameRun >= INFER_LIMITS.stableRun && this.observations % INFER_LIMITS.resampleEvery !== 0) {
        this.skipped++
        return false
      }
    }
    else {
      this.sameRun = 0
      this.lastSignature = sig
    }
    const budget: Budget = { nodes: INFER_LIMITS.nodes }
    const n = Math.min(args.length, INFER_LIMITS.positions)
    for (let i = 0; i < n; i++) {
      const shape = this.positions[i] ??= newShape()
      merge(shape, args[i], 1, budget)
    }
    this.minItems = Math.min(this.minItems, args.length)
    this.maxItems = Math.max(this.maxItems, args.length)
    this.cached = undefined
    return true
  }

  /** The tuple schema learned so far (`{ type: 'array', items: [...], minItems, maxItems }`). Cached; do not mutate. */
  schema(): JsonSchema {
    if (this.cached)
      return this.cached
    const s: JsonSchema = { type: 'array' }
    if (this.observations === 0)
      return (this.cached = s)
    // No argument ever: no `items` (draft-07 wants a non-empty tuple; `maxItems: 0` says "no arguments").
    if (this.positions.length > 0)
      s.items = this.positions.map(render)
    s.minItems = Number.isFinite(this.minItems) ? this.minItems : 0
    // More arguments than positions described: leave the tuple open (no maxItems).
    if (this.maxItems <= INFER_LIMITS.positions)
      s.maxItems = this.maxItems
    return (this.cached = deepFreeze(s))
  }
}

/**
 * The schema of a set of values (one position), e.g. for tests and tools.
 * @example inferSchema(['2024-01-01T00:00:00Z']) // { type: 'string', format: 'date-time' }
 */
export function inferSchema(values: readonly unknown[]): JsonSchema {
  const shape = newShape()
  for (const v of values) merge(shape, v, 1, { nodes: INFER_LIMITS.nodes })
  return render(shape)
}

/**
 * The tuple schema of several arguments arrays of one event (every one merged: no skipping).
 * @example inferArgsSchema([['a', 1], ['b']]) // { type: 'array', items: [{ type: 'string' }, { type: 'integer' }], minItems: 1, maxItems: 2 }
 */
export function inferArgsSchema(argsList: readonly (readonly unknown[])[]): JsonSchema {
  const inf = new ArgsSchemaInferrer({ skipStable: false })
  for (const args of argsList) inf.add(args)
  return inf.schema()
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v)
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k])
  }
  return v
}
