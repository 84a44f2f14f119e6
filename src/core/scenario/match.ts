/**
 * Shape matching of an expected payload against the one that came (see ./README.md "Matching"):
 * same types and keys at every depth, arrays of the same length; values are compared only where a rule
 * pins them. Paths are JSON paths from the args array: `$[0].id`, `$[1]["a b"]`, `$[0].items[2]`.
 */
import type { ValueRule } from './types'
import { isBinary } from '../log/preview'

/** Longest value preview in a message. */
const PREVIEW_CHARS = 60

/** The type name a message uses: JSON's types plus what a capture can hold besides. */
function typeOfValue(v: unknown): string {
  if (v === null)
    return 'null'
  if (Array.isArray(v))
    return 'array'
  if (isBinary(v))
    return 'binary'
  if (v instanceof Date)
    return 'date'
  if (v instanceof Error)
    return 'error'
  return typeof v
}

/** A short, single-line preview of a value for a message (`"42"`, `12`, `{"a":1}`). */
function previewValue(v: unknown): string {
  let text: string
  if (isBinary(v))
    return '<binary>'
  if (typeof v === 'bigint') {
    text = `${v}n`
  }
  else if (v === undefined) {
    text = 'undefined'
  }
  else {
    try {
      text = JSON.stringify(v) ?? String(v)
    }
    catch {
      text = String(v)
    }
  }
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text
}

/** `$[0]` + `id` → `$[0].id`; keys that are not identifiers are quoted: `$[0]["a b"]`. */
function childPath(path: string, key: string | number): string {
  if (typeof key === 'number')
    return `${path}[${key}]`
  return /^[A-Z_$][\w$]*$/i.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`
}

/** A rule path with `[*]` (every element of an array) as a pattern over concrete paths. */
function wildcardPattern(path: string): RegExp {
  const parts = path.split('[*]').map(p => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('\\[\\d+\\]')}$`)
}

/** A path as a chain of keys, made into text only when a message or a rule needs it (deep payloads). */
interface PathNode { parent: PathNode | undefined, key: string | number }

function pathText(node: PathNode | undefined): string {
  const keys: (string | number)[] = []
  for (let n = node; n; n = n.parent) keys.push(n.key)
  let out = '$'
  for (let i = keys.length - 1; i >= 0; i--) out = childPath(out, keys[i])
  return out
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b))
    return true
  if (isBinary(a) && isBinary(b)) {
    const x = toU8(a)
    const y = toU8(b)
    return x.length === y.length && x.every((v, i) => v === y[i])
  }
  if (a instanceof Date && b instanceof Date)
    return a.getTime() === b.getTime()
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return false
  if (Array.isArray(a) !== Array.isArray(b))
    return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length)
    return false
  return ka.every(k => Object.prototype.hasOwnProperty.call(b, k)
    && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

function toU8(v: unknown): Uint8Array {
  if (v instanceof Uint8Array)
    return v
  if (ArrayBuffer.isView(v))
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
  return new Uint8Array(v as ArrayBuffer)
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isBinary(v) && !(v instanceof Date) && !(v instanceof Error)
}

/** What a rule says about `got`: undefined when it holds. */
function applyRule(rule: ValueRule, path: string, got: unknown): string | undefined {
  switch (rule.rule) {
    case 'ignore':
      return undefined
    case 'exact':
      return deepEqual(rule.value, got) ? undefined : `${path} expected ${previewValue(rule.value)}, got ${typeOfValue(got)} ${previewValue(got)}`
    case 'oneOf':
      return rule.values.some(v => deepEqual(v, got)) ? undefined : `${path} expected one of ${previewValue(rule.values)}, got ${typeOfValue(got)} ${previewValue(got)}`
    case 'regex': {
      let re: RegExp
      try {
        re = new RegExp(rule.pattern)
      }
      catch {
        return `${path} rule has an invalid pattern /${rule.pattern}/`
      }
      if (typeof got !== 'string' && typeof got !== 'number')
        return `${path} expected a string matching /${rule.pattern}/, got ${typeOfValue(got)} ${previewValue(got)}`
      return re.test(String(got)) ? undefined : `${path} expected to match /${rule.pattern}/, got ${typeOfValue(got)} ${previewValue(got)}`
    }
  }
}

/**
 * Compare `got` with the shape of `expected` (both usually an event's args array). Returns [] when it
 * matches, else one message per difference, in document order.
 * @example matchShape([{ id: 1 }], [{ id: '42', extra: true }]) // ['$[0].id expected number, got string "42"', '$[0].extra unexpected']
 * @example matchShape([{ id: 1 }], [{ id: 2 }], [{ path: '$[0].id', rule: 'exact', value: 1 }]) // ['$[0].id expected 1, got number 2']
 */
export function matchShape(expected: unknown, got: unknown, rules: readonly ValueRule[] = []): string[] {
  const exact = new Map<string, ValueRule>()
  const wild: [RegExp, ValueRule][] = []
  for (const r of rules) {
    if (r.path.includes('[*]'))
      wild.push([wildcardPattern(r.path), r])
    else exact.set(r.path, r)
  }
  const ruleAt = (path: string): ValueRule | undefined => exact.get(path) ?? wild.find(([re]) => re.test(path))?.[1]
  const hasRules = rules.length > 0
  const out: string[] = []
  // Iterative walk (payloads can be deep); pushed in reverse so messages come in document order.
  // A string on the stack is a message found earlier, kept in its place.
  type Item = [unknown, unknown, PathNode | undefined] | string
  const stack: Item[] = [[expected, got, undefined]]
  while (stack.length > 0) {
    const item = stack.pop()!
    if (typeof item === 'string') {
      out.push(item)
      continue
    }
    const [exp, val, node] = item
    const rule = hasRules ? ruleAt(pathText(node)) : undefined
    if (rule) {
      const problem = applyRule(rule, pathText(node), val)
      if (problem)
        out.push(problem)
      continue
    }
    const te = typeOfValue(exp)
    const tg = typeOfValue(val)
    if (te !== tg) {
      out.push(`${pathText(node)} expected ${te}, got ${tg} ${previewValue(val)}`)
      continue
    }
    const next: Item[] = []
    if (Array.isArray(exp)) {
      const arr = val as unknown[]
      if (arr.length !== exp.length)
        out.push(`${pathText(node)} expected ${exp.length} item${exp.length === 1 ? '' : 's'}, got ${arr.length}`)
      const n = Math.min(arr.length, exp.length)
      for (let i = 0; i < n; i++) next.push([exp[i], arr[i], { parent: node, key: i }])
    }
    else if (isPlainObject(exp)) {
      const obj = val as Record<string, unknown>
      const ignored = (k: string): boolean => hasRules && ruleAt(pathText({ parent: node, key: k }))?.rule === 'ignore'
      for (const k of Object.keys(exp)) {
        const child = { parent: node, key: k }
        if (Object.prototype.hasOwnProperty.call(obj, k))
          next.push([exp[k], obj[k], child])
        else if (!ignored(k))
          next.push(`${pathText(child)} missing`)
      }
      for (const k of Object.keys(obj)) {
        if (!Object.prototype.hasOwnProperty.call(exp, k) && !ignored(k))
          next.push(`${pathText({ parent: node, key: k })} unexpected`)
      }
    }
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i])
  }
  return out
}
