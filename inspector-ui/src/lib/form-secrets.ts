/**
 * Secrets in a connect form as the user typed it (issue 16 items 1 and 3): what a saved connection, a
 * restored tab and a workspace export may keep. The same rule as Recent's (`recentEntry` in
 * connect-form.ts), applied to the form's text instead of parsed options, because the form may hold
 * `{{variables}}` (a template URL is not a URL, `{ n: {{count}} }` is not JSON5):
 * - without "remember secrets": no `auth`, no cookies, no secret-looking header or query value
 *   (`isSecretName`), no URL password or secret-looking URL parameter;
 * - a value made only of variables (`{{token}}`, `Bearer {{token}}`) is not a literal secret: it is kept
 *   (the secret itself lives in the environment, whose secret values never reach localStorage or a file);
 * - with "remember secrets": everything, except values that carry the inspector's own credentials.
 * Text that cannot be read (JSON5 that does not parse even with its variables filled in) is left out whole
 * when it may hold a secret.
 */
import type { ConnectForm } from './connect-form'
import JSON5 from 'json5'
import { isSecretName } from './connect-form'

/** The form fields that may hold secrets. */
export const SECRET_FIELDS = ['url', 'auth', 'query', 'headers', 'cookies'] as const
export type SecretField = typeof SECRET_FIELDS[number]

export interface FormSplit {
  /** The form without what is not kept. */
  kept: ConnectForm
  /** The original text of every field that `kept` changed (for sessionStorage, never localStorage). */
  secrets: Partial<Record<SecretField, string>>
  /** What was left out, by name (`auth`, `header Authorization`, `URL parameter token`, `cookies`). */
  omitted: string[]
  /** Literal secrets kept (only with `keepSecrets`), by the same names: the UI marks them. */
  literal: string[]
}

const VARIABLE = /\{\{\s*[A-Z_][\w.-]*\s*\}\}/gi
/** What may stand around variables in a value that is still "only variables": an auth scheme. */
const SCHEME_ONLY = /^\s*(?:(?:bearer|basic|token|digest)\s*)?$/i

/** `{{token}}`, `Bearer {{ token }}`: variables only (no literal secret in it). */
export function variablesOnly(value: unknown): boolean {
  if (typeof value !== 'string')
    return false
  const rest = value.replace(VARIABLE, '')
  return rest !== value && SCHEME_ONLY.test(rest)
}

/** Every leaf of a JSON value is variables only (an empty object/list has no secret either). */
function allVariables(value: unknown): boolean {
  if (Array.isArray(value))
    return value.every(allVariables)
  if (typeof value === 'object' && value !== null)
    return Object.values(value).every(allVariables)
  return variablesOnly(value)
}

/** `{ n: {{count}}, t: "{{token}}" }` → `{ n: "{{count}}", t: "{{token}}" }`: variables outside strings quoted. */
function quoteBareVariables(text: string): string {
  let out = ''
  let quote: string | undefined
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quote) {
      out += ch
      if (ch === '\\' && i + 1 < text.length)
        out += text[++i]
      else if (ch === quote)
        quote = undefined
      continue
    }
    if (ch === '"' || ch === '\'') {
      quote = ch
      out += ch
      continue
    }
    VARIABLE.lastIndex = i
    const match = text.startsWith('{{', i) ? VARIABLE.exec(text) : null
    if (match && match.index === i) {
      out += JSON.stringify(match[0])
      i += match[0].length - 1
      continue
    }
    out += ch
  }
  return out
}

type Parsed = { value: Record<string, unknown>, exact: boolean } | undefined

/**
 * JSON5 object text; when it does not parse, once more with each variable written as a string
 * (`{ n: {{count}} }`): `exact: false` then (the text must not be rewritten from that value).
 */
function parseObject(text: string): Parsed {
  for (const [candidate, exact] of [[text, true], [quoteBareVariables(text), false]] as const) {
    try {
      const value: unknown = JSON5.parse(candidate)
      if (typeof value === 'object' && value !== null && !Array.isArray(value))
        return { value: value as Record<string, unknown>, exact }
    }
    catch {}
  }
  return undefined
}

type Drop = (name: string, value: unknown) => boolean

/** Headers / query text less the entries `drop` names. */
function objectWithout(text: string, what: string, field: string, drop: Drop, dropUnreadable: (text: string) => boolean, omitted: string[]): string {
  if (!text.trim())
    return text
  const parsed = parseObject(text)
  if (!parsed) {
    // Unreadable (Connect will say why): it may hold anything, so the rule applies to the whole text.
    if (dropUnreadable(text)) {
      omitted.push(field)
      return ''
    }
    return text
  }
  const kept: Record<string, unknown> = {}
  const dropped: string[] = []
  for (const [name, value] of Object.entries(parsed.value)) {
    if (drop(name, value))
      dropped.push(name)
    else
      kept[name] = value
  }
  if (dropped.length === 0)
    return text
  if (!parsed.exact) {
    // Cannot rewrite it without changing what the variables mean: leave the whole field out.
    omitted.push(field)
    return ''
  }
  for (const name of dropped) omitted.push(`${what} ${name}`)
  return Object.keys(kept).length > 0 ? JSON.stringify(kept) : ''
}

/** The URL text without a password and secret-looking parameters; written by hand (it may be a template). */
function urlWithout(text: string, drop: Drop, omitted: string[]): string {
  let url = text
  const userinfo = /^([a-z][\w+.-]*:\/\/)([^/?#@]*)@/i.exec(url)
  if (userinfo?.[2].includes(':')) {
    const [user, ...pass] = userinfo[2].split(':')
    if (drop('password', pass.join(':'))) {
      url = `${userinfo[1]}${user ? `${user}@` : ''}${url.slice(userinfo[0].length)}`
      omitted.push('URL password')
    }
  }
  const q = url.indexOf('?')
  if (q < 0)
    return url
  const hashAt = url.indexOf('#', q)
  const end = hashAt < 0 ? url.length : hashAt
  const params = url.slice(q + 1, end).split('&')
  const kept = params.filter((param) => {
    if (!param)
      return false
    const [rawName, ...rawValue] = param.split('=')
    const decode = (s: string): string => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '))
      }
      catch {
        return s
      }
    }
    const name = decode(rawName)
    if (drop(name, decode(rawValue.join('=')))) {
      omitted.push(`URL parameter ${name}`)
      return false
    }
    return true
  })
  if (kept.length === params.filter(Boolean).length)
    return url
  return `${url.slice(0, q)}${kept.length ? `?${kept.join('&')}` : ''}${url.slice(end)}`
}

function carries(value: unknown, secrets: readonly string[]): boolean {
  if (secrets.length === 0)
    return false
  let text: string
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value) ?? ''
  }
  catch {
    return true
  }
  return secrets.some(secret => text.includes(secret))
}

function splitWith(form: ConnectForm, keepSecrets: boolean, neverKeep: readonly string[]): { kept: ConnectForm, omitted: string[] } {
  const own = (value: unknown): boolean => carries(value, neverKeep)
  const drop: Drop = keepSecrets
    ? (_name, value) => own(value)
    : (name, value) => (isSecretName(name) && !allVariables(value)) || own(value)
  // Unreadable text: without "remember secrets", left out when any word of it looks like a secret's name.
  const dropUnreadable = (text: string): boolean => own(text) || (!keepSecrets && isSecretName(text.replace(VARIABLE, '')))
  const omitted: string[] = []
  const kept: ConnectForm = { ...form }
  kept.url = urlWithout(form.url, drop, omitted)
  if (form.auth.trim()) {
    const parsed = parseObject(form.auth)
    if (keepSecrets) {
      kept.auth = objectWithout(form.auth, 'auth', 'auth', drop, dropUnreadable, omitted)
    }
    else if (!parsed || !allVariables(parsed.value) || own(form.auth)) {
      kept.auth = ''
      omitted.push('auth')
    }
  }
  kept.headers = objectWithout(form.headers, 'header', 'headers', drop, dropUnreadable, omitted)
  kept.query = objectWithout(form.query, 'query', 'query', drop, dropUnreadable, omitted)
  const cookies = form.cookies?.trim() ?? ''
  if (cookies) {
    const values = cookies.split(';').filter(part => part.trim()).map(part => part.slice(part.indexOf('=') + 1))
    const keep = keepSecrets ? !own(cookies) : values.every(variablesOnly) && !own(cookies)
    if (!keep) {
      kept.cookies = ''
      omitted.push('cookies')
    }
  }
  return { kept, omitted }
}

/**
 * Split a form into what may be stored (`kept`) and what may not. `keepSecrets` is the form's
 * "remember secrets" box (the caller passes `false` for an export); `neverKeep` the inspector's own
 * credentials (`inspectorSecrets`), never kept.
 *
 * @example
 * splitFormSecrets({ ...defaultForm('http://localhost:3000/'), auth: '{ token: "t" }' }, { keepSecrets: false })
 * // { kept: { …, auth: '' }, secrets: { auth: '{ token: "t" }' }, omitted: ['auth'], literal: [] }
 */
export function splitFormSecrets(form: ConnectForm, choice: { keepSecrets: boolean, neverKeep?: readonly string[] }): FormSplit {
  const neverKeep = (choice.neverKeep ?? []).filter(secret => secret.length > 0)
  const { kept, omitted } = splitWith(form, choice.keepSecrets, neverKeep)
  const secrets: Partial<Record<SecretField, string>> = {}
  for (const field of SECRET_FIELDS) {
    if (kept[field] !== form[field])
      secrets[field] = form[field]
  }
  let literal: string[] = []
  if (choice.keepSecrets) {
    const strict = splitWith(form, false, neverKeep).omitted
    literal = strict.filter(name => !omitted.includes(name))
  }
  return { kept, secrets, omitted, literal }
}
