import type { ComposeError, ComposeResult } from '../types'
import JSON5 from 'json5'

/** Event names socket.io refuses to emit (both sides): `emit` throws on them. */
export const RESERVED_EVENTS: readonly string[] = Object.freeze([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
])

const BASE64 = /^[A-Z0-9+/]*={0,2}$/i
const BASE64URL = /^[\w-]*$/
const HEX = /^(?:[0-9a-f]{2})*$/i

function b64ToBytes(s: string): Uint8Array | undefined {
  const clean = s.replace(/\s+/g, '')
  const isUrl = !BASE64.test(clean) && BASE64URL.test(clean)
  if (!isUrl && !BASE64.test(clean))
    return undefined
  const std = isUrl ? clean.replace(/-/g, '+').replace(/_/g, '/') : clean
  const unpadded = std.replace(/=+$/, '')
  if (unpadded.length % 4 === 1)
    return undefined
  const bin = atob(unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4))
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

function hexToBytes(s: string): Uint8Array | undefined {
  const clean = s.replace(/[\s:]/g, '').replace(/^0x/i, '')
  if (!HEX.test(clean))
    return undefined
  const out = new Uint8Array(clean.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function locate(text: string, needle: string): { line?: number, column?: number } {
  const at = text.indexOf(needle)
  if (at < 0)
    return {}
  const before = text.slice(0, at)
  const line = before.split('\n').length
  return { line, column: at - before.lastIndexOf('\n') }
}

function pathToString(path: readonly (string | number)[]): string {
  let s = 'args'
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : /^[A-Z_$][\w$]*$/i.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`
  return s
}

class BinaryError extends Error {
  constructor(message: string, readonly raw: string) { super(message) }
}

/** Replace `{"$binary": b64}` / `{"$hex": hex}` objects (exactly one key) by `Uint8Array`s. Iterative. */
function reviveBinary(root: unknown): unknown {
  const box: { v: unknown } = { v: root }
  const stack: { parent: any, key: string | number, path: (string | number)[] }[] = [{ parent: box, key: 'v', path: [] }]
  while (stack.length > 0) {
    const { parent, key, path } = stack.pop()!
    const v = parent[key]
    if (v === null || typeof v !== 'object')
      continue
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ parent: v, key: i, path: [...path, i] })
      continue
    }
    const keys = Object.keys(v)
    if (keys.length === 1 && (keys[0] === '$binary' || keys[0] === '$hex')) {
      const tag = keys[0]
      const raw = v[tag]
      const where = pathToString(path)
      if (typeof raw !== 'string')
        throw new BinaryError(`${where}: ${tag} must be a string`, '')
      const bytes = tag === '$binary' ? b64ToBytes(raw) : hexToBytes(raw)
      if (!bytes) {
        throw new BinaryError(tag === '$binary'
          ? `${where}: $binary is not valid base64`
          : `${where}: $hex needs an even number of hex digits (0-9, a-f)`, raw)
      }
      if (key === '__proto__')
        Object.defineProperty(parent, key, { value: bytes, enumerable: true, writable: true, configurable: true })
      else
        parent[key] = bytes
      continue
    }
    for (let i = keys.length - 1; i >= 0; i--) stack.push({ parent: v, key: keys[i], path: [...path, keys[i]] })
  }
  return box.v
}

function fail(error: ComposeError): ComposeResult {
  return { ok: false, error }
}

/**
 * Turn what the user typed into exactly what will be emitted.
 *
 * - `argsText` is JSON5. An array is the argument list (`["hello", {n: 1}]` = two arguments); any other
 *   single value is one argument (`"hi"`, `42`, `{a: 1}`); empty or whitespace-only text is no argument.
 *   To send one argument that is itself an array, wrap it: `[[1, 2]]`.
 * - `{"$binary": "<base64>"}` and `{"$hex": "0a ff"}` (objects with exactly that one key) become `Uint8Array`.
 * - Errors are results, never exceptions: `field` says which input is wrong; syntax errors carry the 1-based
 *   line and column reported by json5.
 *
 * @example
 * parseComposer('chat', '["hello", {n: 1}]') // { ok: true, event: 'chat', args: ['hello', { n: 1 }] }
 * parseComposer('connect', '')              // { ok: false, error: { field: 'event', message: '"connect" is reserved …' } }
 * parseComposer('bin', '{$hex: "cafe"}')     // { ok: true, event: 'bin', args: [Uint8Array [0xca, 0xfe]] }
 */
export function parseComposer(event: string, argsText: string): ComposeResult {
  if (typeof event !== 'string' || event.trim() === '')
    return fail({ field: 'event', message: 'The event name is empty.' })
  if (RESERVED_EVENTS.includes(event)) {
    return fail({
      field: 'event',
      message: `"${event}" is reserved by Socket.IO and cannot be emitted (reserved: ${RESERVED_EVENTS.join(', ')}).`,
    })
  }
  if (argsText.trim() === '')
    return { ok: true, event, args: [] }
  let parsed: unknown
  try {
    parsed = JSON5.parse(argsText)
  }
  catch (err) {
    const e = err as { message?: string, lineNumber?: number, columnNumber?: number }
    const message = String(e.message ?? err).replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '')
    return fail({
      field: 'args',
      message: `Syntax error: ${message}`,
      ...(typeof e.lineNumber === 'number' ? { line: e.lineNumber, column: e.columnNumber } : {}),
    })
  }
  let value: unknown
  try {
    value = reviveBinary(parsed)
  }
  catch (err) {
    if (err instanceof BinaryError)
      return fail({ field: 'args', message: err.message, ...(err.raw ? locate(argsText, err.raw) : {}) })
    throw err
  }
  return { ok: true, event, args: Array.isArray(value) ? value : [value] }
}
