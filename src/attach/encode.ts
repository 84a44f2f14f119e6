/**
 * The mirror's encoder: a batch of entries → the relay wire's text (relay/wire.ts `encodeEntries`: the
 * capture file's tagged JSON, entry by entry), with a fast path for the entries most apps send.
 */
import type { LogEntry } from '../core/types'
import type { MirrorEntry } from './shared'
import { encodeEntry } from '../core/export/encoding'

/**
 * Longest entry sent whole: the relay wire's own limit (relay/wire.ts `WIRE_MAX_ENTRY_CHARS`; a test keeps
 * them equal). Not imported: wire.ts brings the capture validator, which the app's bundle does not need.
 */
export const MAX_ENTRY_CHARS = 16 * 1024 * 1024

/** Values a payload may hold for the plain path (checked per entry: `budget` counts down). */
const PLAIN_NODES = 256
const PLAIN_DEPTH = 32
let budget = 0

/**
 * A batch → the relay wire's text: what relay/wire.ts `encodeEntries` writes (entry by entry, so one that
 * cannot be encoded arrives marked `truncated` and never takes its batch down), about twice as fast.
 * @example decodeEntries(encodeBatch([event])) // [event], as encodeEntries([event]) would give
 */
export function encodeBatch(entries: readonly MirrorEntry[]): string {
  // The common batch: every entry plain (see `isPlainEntry`), one native call for all.
  let plain = true
  for (let i = 0; i < entries.length && plain; i++) plain = isPlainEntry(entries[i])
  if (plain) {
    try {
      const text = JSON.stringify(entries)
      if (text.length <= MAX_ENTRY_CHARS)
        return text // (then no entry of it is over the limit either)
    }
    catch {}
  }
  const parts: string[] = []
  for (const e of entries) {
    let text: string | undefined
    if (isPlainEntry(e)) {
      try {
        text = JSON.stringify(e)
      }
      catch {}
      if (text !== undefined && text.length > MAX_ENTRY_CHARS)
        text = undefined
    }
    parts.push(text ?? encodeEntry(e as unknown as LogEntry, { maxChars: MAX_ENTRY_CHARS }))
  }
  return `[${parts.join(',')}]`
}

/**
 * The hot path of the flush (an entry costs the app this, once). Most entries hold only what JSON holds as
 * is: header fields that are strings, finite numbers or booleans, and a payload (`args`, a frame's `data`)
 * of plain objects, arrays and such values. For those, plain `JSON.stringify` writes exactly what the
 * tagged encoder would, two to three times as fast (the tagged replacer is a JS call per value). Anything
 * else — binary, `undefined`, NaN, a Date, a user `$t` key, a class instance, an object field (a
 * disconnect's `description`), more than `PLAIN_NODES` values, a cycle, an entry over the size limit — goes
 * to `encodeEntry`, which tags it or marks it `truncated` exactly as the relay does.
 * test/attach/encode.test.ts compares the two.
 */
function isPlainEntry(e: MirrorEntry): boolean {
  try {
    const r = e as unknown as Record<string, unknown>
    budget = PLAIN_NODES
    for (const k in r) {
      const v = r[k]
      if (typeof v === 'object' && v !== null) {
        if ((k !== 'args' && k !== 'data') || !isPlain(v, 0))
          return false
      }
      else if (v !== undefined && !isPlainLeaf(v)) {
        return false
      }
    }
    return true
  }
  catch {
    return false // a getter that throws: encodeEntry marks it
  }
}

function isPlainLeaf(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0)
  }
  return false
}

function isPlain(v: object, depth: number): boolean {
  if (--budget < 0 || depth > PLAIN_DEPTH)
    return false
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i]
      if (x === null)
        continue
      if (typeof x === 'object' ? !isPlain(x, depth + 1) : !isPlainLeaf(x))
        return false
    }
    return true
  }
  const proto = Object.getPrototypeOf(v)
  if (proto !== Object.prototype && proto !== null)
    return false // binary, Date, Map, Error, class instances: the tagged encoder decides
  for (const k in v) {
    if (k === '$t' || !Object.prototype.hasOwnProperty.call(v, k))
      return false
    const x = (v as Record<string, unknown>)[k]
    if (x === null)
      continue
    if (typeof x === 'object' ? !isPlain(x, depth + 1) : !isPlainLeaf(x))
      return false
  }
  return true
}
