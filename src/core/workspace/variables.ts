/**
 * Environments and `{{variables}}` (issue 16 item 2): named sets of variables, used as `{{name}}` in a
 * connection's fields and the composer's arguments, resolved when the user connects or sends.
 *
 * Resolution is text substitution, like Postman's: `{{name}}` is replaced by the value as it is, before the
 * text is parsed (so `{ token: "{{token}}" }` and `{ n: {{count}} }` both work). Rules, each tested:
 * - a name is `[A-Za-z_][\w.-]*` (`api.host`, `tenant-id`); spaces inside the braces are allowed
 *   (`{{ host }}`);
 * - anything else in braces (`{{}}`, `{{ 1x }}`, an unclosed `{{host`) is left as text: it is not a variable
 *   reference, and JSON payloads may well contain `{{`;
 * - an unknown name fails the whole text, naming every unknown name at once, so nothing half-resolved is
 *   ever sent;
 * - values are inserted literally (no `$&`-style replacement patterns) and are not resolved again (a value
 *   containing `{{x}}` stays as it is: no recursion, no loops).
 */

/** Variable name → value, as resolution sees them (the current environment's). */
export type Variables = Readonly<Record<string, string>>

/** One environment as files and storage hold it. A secret is exported with an empty value. */
export interface EnvironmentFile {
  name: string
  variables: Array<{ name: string, value: string, secret?: boolean }>
}

export type ResolveResult
  = | { ok: true, text: string, used: string[] }
    | { ok: false, unknown: string[], message: string }

export interface ResolveOptions {
  /** The environment's name, for the message (`not in the environment "local"`). */
  environment?: string
}

/** A variable's name: what may stand between `{{` and `}}` (surrounding spaces aside). */
export const VARIABLE_NAME = /^[A-Z_][\w.-]*$/i

/** `{{ name }}`: lazy and without nested braces, so `{{a}} {{b}}` is two references and `{{{a}}}` finds `a`. */
const REFERENCE = /\{\{([^{}]*)\}\}/g

interface Reference { start: number, end: number, name: string }

function references(text: string): Reference[] {
  const found: Reference[] = []
  for (const match of text.matchAll(REFERENCE)) {
    const name = match[1]!.trim()
    if (VARIABLE_NAME.test(name))
      found.push({ start: match.index!, end: match.index! + match[0].length, name })
  }
  return found
}

/**
 * The variable names `text` uses, in order of first use, each once.
 * @example findVariables('http://{{host}}/{{ ns }}?t={{host}}') // ['host', 'ns']
 */
export function findVariables(text: string): string[] {
  return [...new Set(references(text).map(ref => ref.name))]
}

/**
 * Replace every `{{name}}` in `text` by its value; fail, naming each unknown name, when one is missing.
 * @example
 * resolveTemplate('http://{{host}}/', { host: '127.0.0.1:3000' }) // { ok: true, text: 'http://127.0.0.1:3000/', used: ['host'] }
 * resolveTemplate('{{token}}', {}, { environment: 'local' })
 * // { ok: false, unknown: ['token'], message: 'Unknown variable {{token}} (not in the environment "local")' }
 */
export function resolveTemplate(text: string, vars: Variables, options: ResolveOptions = {}): ResolveResult {
  const refs = references(text)
  if (refs.length === 0)
    return { ok: true, text, used: [] }
  const has = (name: string): boolean => Object.prototype.hasOwnProperty.call(vars, name) && typeof vars[name] === 'string'
  const unknown = [...new Set(refs.filter(ref => !has(ref.name)).map(ref => ref.name))]
  if (unknown.length > 0)
    return { ok: false, unknown, message: unknownMessage(unknown, options.environment) }
  // Built piece by piece (not String.replace with a string): a value's `$&` or `$1` stays as it is.
  let out = ''
  let at = 0
  for (const ref of refs) {
    out += text.slice(at, ref.start) + vars[ref.name]!
    at = ref.end
  }
  out += text.slice(at)
  return { ok: true, text: out, used: [...new Set(refs.map(ref => ref.name))] }
}

/**
 * The message for unknown names.
 * @example unknownMessage(['a', 'b'], 'staging') // 'Unknown variables {{a}}, {{b}} (not in the environment "staging")'
 */
export function unknownMessage(unknown: readonly string[], environment?: string): string {
  const names = unknown.map(name => `{{${name}}}`).join(', ')
  const where = environment === undefined ? 'not defined' : `not in the environment "${environment}"`
  return `Unknown variable${unknown.length === 1 ? '' : 's'} ${names} (${where})`
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Check a list of environments (a file's, storage's): every problem names its path. Environment names are
 * unique and non-empty; variable names follow `VARIABLE_NAME` and are unique within their environment.
 * @example validateEnvironments([{ name: 'local', variables: [{ name: 'host', value: '127.0.0.1:3000' }] }])
 * @example validateEnvironments([{ name: 'x', variables: [{ name: 1 }] }]) // throws 'environments[0].variables[0].name: expected text'
 */
export function validateEnvironments(raw: unknown, where = 'environments'): EnvironmentFile[] {
  if (!Array.isArray(raw))
    throw new Error(`${where}: expected a list`)
  const names = new Set<string>()
  return raw.map((env, i) => {
    const at = `${where}[${i}]`
    if (!isRecord(env))
      throw new Error(`${at}: expected an object`)
    if (typeof env.name !== 'string')
      throw new Error(`${at}.name: expected text`)
    const name = env.name.trim()
    if (!name)
      throw new Error(`${at}.name: empty`)
    if (names.has(name))
      throw new Error(`${at}.name: "${name}" is already used by another environment`)
    names.add(name)
    if (!Array.isArray(env.variables))
      throw new Error(`${at}.variables: expected a list`)
    const seen = new Set<string>()
    const variables = env.variables.map((v, j) => {
      const vat = `${at}.variables[${j}]`
      if (!isRecord(v))
        throw new Error(`${vat}: expected an object`)
      if (typeof v.name !== 'string')
        throw new Error(`${vat}.name: expected text`)
      if (!VARIABLE_NAME.test(v.name))
        throw new Error(`${vat}.name: "${v.name}" is not a variable name (letters, digits, _ . -; not starting with a digit)`)
      if (seen.has(v.name))
        throw new Error(`${vat}.name: "${v.name}" appears twice`)
      seen.add(v.name)
      if (typeof v.value !== 'string')
        throw new Error(`${vat}.value: expected text`)
      if (v.secret !== undefined && typeof v.secret !== 'boolean')
        throw new Error(`${vat}.secret: expected true or false`)
      return v.secret ? { name: v.name, value: v.value, secret: true } : { name: v.name, value: v.value }
    })
    return { name, variables }
  })
}

/** A secret variable's value, to be kept out of what is written (exports, Recent). */
export interface SecretValue {
  readonly name: string
  readonly value: string
}

/**
 * The forms a value takes in text: as it is, JSON-escaped once (a string inside JSON, e.g. the auth of a
 * CONNECT frame), and twice (that frame's text inside an exported entry).
 */
function secretForms(value: string): string[] {
  const once = JSON.stringify(value).slice(1, -1)
  const twice = JSON.stringify(once).slice(1, -1)
  return [...new Set([value, once, twice])]
}

/**
 * `text` with every secret value put back as `{{name}}` (longest values first, so a value that contains
 * another is replaced whole).
 * @example redactText('0{"token":"s3cret"}', [{ name: 'token', value: 's3cret' }]) // '0{"token":"{{token}}"}'
 */
export function redactText(text: string, secrets: readonly SecretValue[]): string {
  const forms = secrets
    .filter(secret => secret.value !== '')
    .flatMap(secret => secretForms(secret.value).map(form => ({ form, name: secret.name })))
    .sort((a, b) => b.form.length - a.form.length)
  let out = text
  for (const { form, name } of forms) {
    // split/join, not String.replace: the value is text, never a pattern.
    if (out.includes(form))
      out = out.split(form).join(`{{${name}}}`)
  }
  return out
}

function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * A copy of `value` whose strings (in plain objects and arrays, not keys) have every secret value put back
 * as `{{name}}`: for what is written out (an exported log: a CONNECT frame carries the resolved `auth`).
 * Other objects (bytes, errors, dates) are kept as they are: a secret inside binary data is not found.
 * Returns `value` itself when there is no secret.
 * @example redactSecrets({ data: '0{"token":"s3cret"}' }, [{ name: 'token', value: 's3cret' }]) // { data: '0{"token":"{{token}}"}' }
 */
export function redactSecrets<T>(value: T, secrets: readonly SecretValue[]): T {
  const live = secrets.filter(secret => secret.value !== '')
  if (live.length === 0)
    return value
  const walk = (item: unknown, depth: number): unknown => {
    if (typeof item === 'string')
      return redactText(item, live)
    // Entries are bounded in depth by the core (MAX_ENCODE_DEPTH); this guard only stops a cycle.
    if (typeof item !== 'object' || item === null || depth > 200)
      return item
    if (Array.isArray(item))
      return item.map(element => walk(element, depth + 1))
    if (!isPlain(item))
      return item
    // Keys are left as they are: an entry's keys are its structure (a short secret could match one).
    return Object.fromEntries(Object.entries(item).map(([key, element]) => [key, walk(element, depth + 1)]))
  }
  return walk(value, 0) as T
}

/**
 * The inverse of `redactSecrets` for what is run again (a saved scenario replayed): every `{{name}}` of a
 * secret variable the user has now is its value again, in the strings of plain objects and arrays. Other
 * `{{…}}` text is data and stays as it is (a payload may be a template of the app's own).
 * @example restoreSecrets({ auth: { token: '{{token}}' } }, [{ name: 'token', value: 's3cret' }]) // { auth: { token: 's3cret' } }
 */
export function restoreSecrets<T>(value: T, secrets: readonly SecretValue[]): T {
  const live = secrets.filter(secret => secret.value !== '')
  if (live.length === 0)
    return value
  const walk = (item: unknown, depth: number): unknown => {
    if (typeof item === 'string') {
      let out = item
      for (const secret of live) {
        const placeholder = `{{${secret.name}}}`
        if (out.includes(placeholder))
          out = out.split(placeholder).join(secret.value)
      }
      return out
    }
    if (typeof item !== 'object' || item === null || depth > 200)
      return item
    if (Array.isArray(item))
      return item.map(element => walk(element, depth + 1))
    if (!isPlain(item))
      return item
    return Object.fromEntries(Object.entries(item).map(([key, element]) => [key, walk(element, depth + 1)]))
  }
  return walk(value, 0) as T
}
