/**
 * Completions for the composer's arguments editor from an event's schema (issue 17): where the cursor is
 * in the JSON5 arguments text (which argument, which keys down), then the keys and values the schema
 * allows there. Pure functions over text: no Monaco, testable in Node.
 *
 * The scan is tolerant (the text is being typed, so it is usually incomplete) and bounded by the cursor
 * offset; comments and strings are skipped the way JSON5 reads them.
 */
import type { JsonSchema } from '#core'
import { t } from '../../i18n'

export type CompletionKind = 'key' | 'value' | 'snippet'

export interface SchemaSuggestion {
  readonly label: string
  /** The text to insert (replacing the word at the cursor). */
  readonly insertText: string
  readonly kind: CompletionKind
  readonly detail?: string
}

type Frame
  = | { t: 'array', index: number }
    | { t: 'object', key: string | undefined, expectingKey: boolean, pendingKey: string | undefined, present: Set<string> }

export interface CursorContext {
  /** From the arguments array: argument index, then keys / indexes down to the container the cursor is in. */
  readonly path: readonly (string | number)[]
  /** `key`: where an object key goes; `value`: where a value goes; `top`: outside the arguments array. */
  readonly at: 'key' | 'value' | 'top'
  /** Keys already written in the object the cursor is in. */
  readonly present: ReadonlySet<string>
  /** The cursor is inside a string literal. */
  readonly inString: boolean
}

const IDENT = /[\w$]/

/** Where the cursor at `offset` is in the arguments text. */
export function cursorContext(text: string, offset: number): CursorContext {
  const stack: Frame[] = []
  let inString: string | undefined
  let buf = ''
  const end = Math.min(offset, text.length)
  for (let i = 0; i < end; i++) {
    const c = text[i]
    const top = stack.at(-1)
    if (inString) {
      if (c === '\\') {
        i++
        continue
      }
      if (c === inString) {
        inString = undefined
        if (top?.t === 'object' && top.expectingKey)
          top.pendingKey = buf
      }
      else {
        buf += c
      }
      continue
    }
    if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i)
      i = nl < 0 || nl >= end ? end : nl
      continue
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2)
      i = close < 0 || close >= end ? end : close + 1
      continue
    }
    switch (c) {
      case '"':
      case '\'':
        inString = c
        buf = ''
        break
      case '[':
        stack.push({ t: 'array', index: 0 })
        break
      case '{':
        stack.push({ t: 'object', key: undefined, expectingKey: true, pendingKey: undefined, present: new Set() })
        break
      case ']':
      case '}':
        stack.pop()
        break
      case ',':
        if (top?.t === 'array') {
          top.index++
        }
        else if (top?.t === 'object') {
          top.expectingKey = true
          top.key = undefined
          top.pendingKey = undefined
        }
        break
      case ':':
        if (top?.t === 'object' && top.expectingKey) {
          top.key = top.pendingKey
          if (top.key !== undefined)
            top.present.add(top.key)
          top.expectingKey = false
        }
        break
      default:
        if (top?.t === 'object' && top.expectingKey && IDENT.test(c)) {
          let j = i
          while (j < end && IDENT.test(text[j])) j++
          top.pendingKey = text.slice(i, j)
          i = j - 1
        }
    }
  }
  // Keys written after the cursor in the same object count as present too (no duplicate suggestions).
  const top = stack.at(-1)
  if (top?.t === 'object') {
    for (const key of keysAhead(text, offset)) top.present.add(key)
  }

  if (stack.length === 0)
    return { path: [], at: 'top', present: new Set(), inString: inString !== undefined }
  const path: (string | number)[] = []
  for (let k = 0; k < stack.length; k++) {
    const frame = stack[k]
    const last = k === stack.length - 1
    if (frame.t === 'array')
      path.push(frame.index)
    else if (!last || !frame.expectingKey)
      path.push(frame.key ?? '')
  }
  const last = stack[stack.length - 1]
  const at = last.t === 'object' && last.expectingKey ? 'key' : 'value'
  return { path, at, present: last.t === 'object' ? last.present : new Set(), inString: inString !== undefined }
}

/** `key:` / `"key":` at the same depth after the cursor, up to the object's end (a rough, bounded look). */
function keysAhead(text: string, offset: number): string[] {
  const keys: string[] = []
  let depth = 0
  const re = /["']?([\w$-]+)["']?\s*:|[[\]{}]/g
  re.lastIndex = offset
  for (let m = re.exec(text); m && keys.length < 200; m = re.exec(text)) {
    const c = m[0]
    if (c === '{' || c === '[') {
      depth++
    }
    else if (c === '}' || c === ']') {
      if (depth === 0)
        break
      depth--
    }
    else if (depth === 0) {
      keys.push(m[1])
    }
  }
  return keys
}

/** The schema and its `anyOf` / `oneOf` / `allOf` branches, flattened (bounded depth). */
function branches(schema: JsonSchema | undefined, depth = 0): JsonSchema[] {
  if (!schema || typeof schema !== 'object' || depth > 4)
    return []
  const out = [schema]
  for (const list of [schema.anyOf, schema.oneOf, schema.allOf]) {
    if (Array.isArray(list)) {
      for (const sub of list) out.push(...branches(sub, depth + 1))
    }
  }
  return out
}

function child(schema: JsonSchema, segment: string | number): JsonSchema | undefined {
  if (typeof segment === 'number') {
    const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : undefined
    if (tuple)
      return tuple[segment] ?? (typeof schema.additionalItems === 'object' ? schema.additionalItems : undefined)
    return schema.items && !Array.isArray(schema.items) ? schema.items : undefined
  }
  const prop = schema.properties?.[segment]
  if (prop)
    return prop
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined
}

/** The schemas (branches) that apply at `path` inside the arguments tuple schema. */
export function schemasAt(tuple: JsonSchema | undefined, path: readonly (string | number)[]): JsonSchema[] {
  let current = branches(tuple)
  for (const segment of path) {
    const next: JsonSchema[] = []
    for (const schema of current) next.push(...branches(child(schema, segment)))
    current = next
    if (current.length === 0)
      break
  }
  return current
}

function keyText(key: string): string {
  return /^[A-Z_$][\w$]*$/i.test(key) ? key : JSON.stringify(key)
}

/**
 * A value that fits the schema, written as composer text: required keys filled, enums' first value,
 * strings as `""` (date-time formats as now). Bounded depth.
 */
export function skeleton(schema: JsonSchema | undefined, depth = 0): string {
  if (!schema || depth > 6)
    return 'null'
  if (schema.const !== undefined)
    return JSON.stringify(schema.const) ?? 'null'
  if (Array.isArray(schema.enum) && schema.enum.length > 0)
    return JSON.stringify(schema.enum[0]) ?? 'null'
  const first = (schema.anyOf ?? schema.oneOf)?.[0]
  const type = Array.isArray(schema.type) ? schema.type.find(one => one !== 'null') ?? schema.type[0] : schema.type
  if (!type && first)
    return skeleton(first, depth + 1)
  switch (type) {
    case 'object': {
      const keys = schema.required ?? []
      const parts = keys.map(key => `${keyText(key)}: ${skeleton(schema.properties?.[key], depth + 1)}`)
      return parts.length ? `{ ${parts.join(', ')} }` : '{}'
    }
    case 'array': {
      const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : undefined
      if (tuple)
        return `[${tuple.map(item => skeleton(item, depth + 1)).join(', ')}]`
      return '[]'
    }
    case 'string':
      if (schema.format === 'binary')
        return '{ $hex: "" }'
      return schema.format === 'date-time' ? JSON.stringify(new Date(0).toISOString()) : '""'
    case 'integer':
    case 'number':
      return '0'
    case 'boolean':
      return 'false'
    default:
      return 'null'
  }
}

/** What the schema allows at the cursor, for the arguments text of the event it describes. */
export function schemaCompletions(tuple: JsonSchema | undefined, text: string, offset: number): SchemaSuggestion[] {
  if (!tuple)
    return []
  const context = cursorContext(text, offset)
  if (context.at === 'top')
    return [{ label: t('catalog.complete.fromSchemaLabel'), insertText: skeleton({ type: 'array', items: tupleItems(tuple) }), kind: 'snippet', detail: t('catalog.complete.fromSchemaDetail') }]
  const schemas = schemasAt(tuple, context.path)
  const out: SchemaSuggestion[] = []
  const seen = new Set<string>()
  const add = (s: SchemaSuggestion): void => {
    if (!seen.has(s.label) && out.length < 200) {
      seen.add(s.label)
      out.push(s)
    }
  }
  if (context.at === 'key') {
    for (const schema of schemas) {
      const required = new Set(schema.required ?? [])
      for (const [key, prop] of Object.entries(schema.properties ?? {})) {
        if (context.present.has(key))
          continue
        const type = Array.isArray(prop.type) ? prop.type.join(' | ') : prop.type
        add({
          label: key,
          insertText: context.inString ? key : `${keyText(key)}: `,
          kind: 'key',
          detail: `${required.has(key) ? t('catalog.complete.required') : t('catalog.complete.optional')}${type ? ` ${type}` : ''}${prop.format ? ` (${prop.format})` : ''}`,
        })
      }
    }
    return out
  }
  for (const schema of schemas) {
    const values = Array.isArray(schema.enum) ? schema.enum : schema.const !== undefined ? [schema.const] : []
    for (const value of values) {
      if (context.inString && typeof value !== 'string')
        continue
      const text = context.inString ? String(value) : JSON.stringify(value)
      if (text !== undefined)
        add({ label: text, insertText: text, kind: 'value', detail: t('catalog.complete.allowedValue') })
    }
    const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []
    if (!context.inString && types.includes('boolean')) {
      add({ label: 'true', insertText: 'true', kind: 'value' })
      add({ label: 'false', insertText: 'false', kind: 'value' })
    }
    if (!context.inString && (types.includes('object') || types.includes('array')) && values.length === 0)
      add({ label: types.includes('object') ? '{…}' : '[…]', insertText: skeleton(schema), kind: 'snippet', detail: t('catalog.complete.fromSchema') })
  }
  return out
}

function tupleItems(tuple: JsonSchema): JsonSchema[] {
  return Array.isArray(tuple.prefixItems) ? tuple.prefixItems : Array.isArray(tuple.items) ? tuple.items : []
}
