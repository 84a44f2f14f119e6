import type { JsonSchema } from './types'
import { Validator } from '@cfworker/json-schema'
import { isBinary } from '../log/preview'

/**
 * Argument validation against imported schemas, with @cfworker/json-schema (an interpreter: no code
 * generation, so it runs under the inspector page's CSP, unlike ajv). Draft-07, AsyncAPI's dialect.
 * Reasons read like "argument 1: property `text` must be a string".
 */

export interface ArgsProblem {
  readonly reason: string
  /** JSON pointer into the arguments array, e.g. `/0/text`; `` for the array itself. */
  readonly path: string
}

export type ArgsCheck = (args: readonly unknown[]) => ArgsProblem | undefined

/** Keywords whose error only says "something inside failed": the inner error explains it. */
const WRAPPERS = new Set(['items', 'prefixItems', 'properties', 'patternProperties', 'allOf', '$ref', 'false', 'contains', 'additionalItems', 'dependentSchemas', 'then', 'else', 'if', 'unevaluatedItems', 'unevaluatedProperties'])
const CLONE_DEPTH = 64

/**
 * Compile once (per catalog key, cached by the caller); the check is then a plain function.
 * @example compileArgsCheck({ type: 'array', items: [{ type: 'string' }] })([1])?.reason // 'argument 1 must be a string'
 */
export function compileArgsCheck(schema: JsonSchema): ArgsCheck {
  let validator: Validator
  try {
    // A copy: the validator annotates the schema it is given (`__absolute_uri__`), and catalog schemas are frozen.
    validator = new Validator(JSON.parse(JSON.stringify(schema)) as never, schema.prefixItems ? '2020-12' : '7', false)
  }
  catch (err) {
    // A schema the validator cannot take (e.g. an unresolvable $ref) checks nothing rather than breaking the log.
    const message = err instanceof Error ? err.message : String(err)
    return () => ({ reason: `the schema cannot be used: ${message}`, path: '' })
  }
  return (args) => {
    let result
    try {
      result = validator.validate(toJsonValue(args, 0))
    }
    catch (err) {
      return { reason: `cannot validate: ${err instanceof Error ? err.message : String(err)}`, path: '' }
    }
    if (result.valid)
      return undefined
    return describe(result.errors, schema, args.length)
  }
}

/** What JSON carries: binary becomes a (placeholder) string, as `format: binary` expects; Dates their ISO text. */
function toJsonValue(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== 'object')
    return v === undefined ? null : v
  if (isBinary(v))
    return ''
  if (v instanceof Date)
    return v.toISOString()
  if (depth >= CLONE_DEPTH)
    return null
  if (Array.isArray(v))
    return v.map(x => toJsonValue(x, depth + 1))
  const o = v as Record<string, unknown>
  if (isBinaryTagged(o))
    return ''
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(o)) out[k] = toJsonValue(o[k], depth + 1)
  return out
}

function isBinaryTagged(o: Record<string, unknown>): boolean {
  const keys = Object.keys(o)
  return keys.length === 1 && keys[0] === '$binary' && typeof o.$binary === 'string'
}

interface OutputUnit { keyword: string, keywordLocation: string, instanceLocation: string, error: string }

function describe(errors: readonly OutputUnit[], schema: JsonSchema, argCount: number): ArgsProblem {
  // anyOf / oneOf: the branches' own errors are noise; the alternative itself is the reason.
  const alternatives = errors.filter(e => e.keyword === 'anyOf' || e.keyword === 'oneOf').map(e => `${e.keywordLocation}/`)
  // The most telling problem first: a wrong type reads better than the required key it also lacks.
  let leaf: OutputUnit | undefined
  for (const e of errors) {
    if (WRAPPERS.has(e.keyword) || alternatives.some(a => e.keywordLocation.startsWith(a)))
      continue
    if (!leaf || rank(e.keyword) < rank(leaf.keyword))
      leaf = e
  }
  leaf ??= errors[errors.length - 1]
  if (!leaf)
    return { reason: 'the arguments do not match the schema', path: '' }
  const parts = pointerParts(leaf.instanceLocation)
  const path = parts.length ? `/${parts.map(p => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}` : ''
  const at = schemaAt(schema, leaf.keywordLocation)
  switch (leaf.keyword) {
    case 'type':
      return { reason: `${where(parts)} must be ${typePhrase(at)}`, path }
    case 'required': {
      const name = /"(.*)"/.exec(leaf.error)?.[1] ?? '?'
      return { reason: `${where([...parts, name])} is required`, path: `${path}/${name}` }
    }
    case 'additionalProperties': {
      const name = /"(.*)"/.exec(leaf.error)?.[1] ?? '?'
      return { reason: `${where([...parts, name])} is not allowed`, path: `${path}/${name}` }
    }
    case 'format':
      return { reason: `${where(parts)} must be a \`${String(at)}\` string`, path }
    case 'enum':
      return { reason: `${where(parts)} must be one of ${Array.isArray(at) ? at.map(x => JSON.stringify(x)).join(', ') : '?'}`, path }
    case 'const':
      return { reason: `${where(parts)} must be ${JSON.stringify(at)}`, path }
    case 'minItems':
      return parts.length === 0
        ? { reason: `expects at least ${plural(Number(at), 'argument')} (got ${argCount})`, path }
        : { reason: `${where(parts)} must have at least ${plural(Number(at), 'item')}`, path }
    case 'maxItems':
      return parts.length === 0
        ? { reason: `expects at most ${plural(Number(at), 'argument')} (got ${argCount})`, path }
        : { reason: `${where(parts)} must have at most ${plural(Number(at), 'item')}`, path }
    case 'anyOf':
    case 'oneOf':
      return { reason: `${where(parts)} matches none of the allowed shapes`, path }
    default:
      // minimum, pattern, minLength, …: the validator's own sentence, placed.
      return { reason: `${where(parts)}: ${leaf.error.replace(/\.$/, '').replace(/^Instance /, '')}`, path }
  }
}

const RANKS: Record<string, number> = { type: 0, enum: 1, const: 1, format: 2, required: 3, additionalProperties: 4, minItems: 5, maxItems: 5, anyOf: 6, oneOf: 6 }
function rank(keyword: string): number {
  return RANKS[keyword] ?? 7
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function pointerParts(location: string): string[] {
  const p = location.replace(/^#/, '')
  if (!p)
    return []
  return p.slice(1).split('/').map(s => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** `arguments`, `argument 2`, `argument 1: property \`user.name\``, `argument 1: item \`list[3]\``. */
function where(parts: readonly string[]): string {
  if (parts.length === 0)
    return 'the arguments'
  const arg = `argument ${Number(parts[0]) + 1}`
  if (parts.length === 1)
    return arg
  let dotted = ''
  let lastIsIndex = false
  for (const p of parts.slice(1)) {
    lastIsIndex = /^\d+$/.test(p)
    dotted += lastIsIndex ? `[${p}]` : (dotted ? `.${p}` : p)
  }
  return `${arg}: ${lastIsIndex ? 'item' : 'property'} \`${dotted}\``
}

function typePhrase(t: unknown): string {
  const names = Array.isArray(t) ? t.map(String) : [String(t)]
  return names.map(n => (/^[aeiou]/.test(n) ? `an ${n}` : n === 'null' ? 'null' : `a ${n}`)).join(' or ')
}

function schemaAt(schema: JsonSchema, keywordLocation: string): unknown {
  let cur: unknown = schema
  for (const part of pointerParts(keywordLocation)) {
    if (cur === null || typeof cur !== 'object')
      return undefined
    cur = (cur as Record<string, unknown>)[part]
  }
  return cur
}
