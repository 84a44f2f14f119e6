import type { SecretValue } from '#core'
/**
 * `{{variables}}` in the connect form (issue 16 item 2): the form holds what the user typed (templates);
 * Connect resolves the text fields with the current environment before the form is parsed
 * (`formToOptions`), so a variable can stand anywhere — inside a JSON string (`{ token: "{{token}}" }`) or
 * as a whole value (`{ n: {{count}} }`). The first field with an unknown variable is the error (naming
 * every unknown variable of that field), and nothing is opened or connected.
 */
import type { ConnectField, ConnectForm, ConnectOptions } from './connect-form'
import { findVariables, redactSecrets } from '#core'
import JSON5 from 'json5'

/** The fields that may hold `{{variables}}`, in the order their errors are reported (the form's order). */
export const TEMPLATE_FIELDS = ['url', 'path', 'auth', 'query', 'headers', 'cookies', 'origin'] as const satisfies readonly ConnectField[]

export type TemplateField = typeof TEMPLATE_FIELDS[number]

const RELAY_ONLY: ReadonlySet<TemplateField> = new Set(['cookies', 'origin'])

export type Resolver = (text: string) => { ok: true, text: string } | { ok: false, message: string, unknown: string[] }

export type ConnectFormResolution
  = | { ok: true, form: ConnectForm }
    | { ok: false, message: string, unknown: string[], field: ConnectField }

/**
 * The form with its variables replaced (a copy; the template is left as it is).
 * @example
 * resolveConnectForm({ ...defaultForm('http://{{host}}/') }, text => envs.resolveText(text))
 * // { ok: true, form: { url: 'http://127.0.0.1:3000/', … } }
 */
export function resolveConnectForm(form: ConnectForm, resolveText: Resolver): ConnectFormResolution {
  const resolved: ConnectForm = { ...form }
  for (const field of TEMPLATE_FIELDS) {
    const text = form[field]
    // Forms saved before a field existed may lack it.
    if (typeof text !== 'string' || !text.includes('{{'))
      continue
    // Cookies and Origin are sent by the relay only: without it they are not used, so not resolved either.
    if (!form.relay && RELAY_ONLY.has(field))
      continue
    const result = resolveText(text)
    if (!result.ok)
      return { ok: false, message: result.message, unknown: result.unknown, field }
    resolved[field] = result.text
  }
  return { ok: true, form: resolved }
}

/** Whether any field of the form uses a variable (a Recent entry then keeps the template). */
export function usesVariables(form: ConnectForm): boolean {
  return TEMPLATE_FIELDS.some(field => typeof form[field] === 'string' && findVariables(form[field]).length > 0)
}

/** A template object field (`{ token: "{{token}}" }`) as an object, when it parses without being resolved. */
function templateObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON5.parse(text.trim())
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined
  }
  catch {
    return undefined
  }
}

/**
 * What Recent keeps for a connection made from a template form: the resolved, validated `options` with
 * every field that used a variable put back as its template (`url: 'http://{{host}}/'`,
 * `auth: { token: '{{token}}' }`), so loading it uses the environment current then, and no resolved value
 * of a variable is written. A field whose template does not parse on its own (`{ n: {{count}} }`) keeps
 * its resolved value with every secret value put back as `{{name}}`. Recent's own rules (`recentEntry`:
 * no auth unless "remember secrets"…) apply on top.
 *
 * @example
 * templateOptions({ ...form, url: 'http://{{host}}/' }, { url: 'http://127.0.0.1:3000/' }, []) // { url: 'http://{{host}}/' }
 */
export function templateOptions(template: ConnectForm, options: ConnectOptions, secrets: readonly SecretValue[]): ConnectOptions {
  const uses = (field: TemplateField): boolean => typeof template[field] === 'string' && findVariables(template[field]).length > 0
  const out: ConnectOptions = { ...options }
  if (uses('url'))
    out.url = template.url.trim()
  if (uses('path'))
    out.path = template.path.trim()
  if (uses('auth') && out.auth)
    out.auth = templateObject(template.auth) ?? redactSecrets(out.auth, secrets)
  if (uses('query') && out.query)
    out.query = (templateObject(template.query) ?? redactSecrets(out.query, secrets)) as Record<string, string>
  if (uses('headers') && out.extraHeaders)
    out.extraHeaders = (templateObject(template.headers) ?? redactSecrets(out.extraHeaders, secrets)) as Record<string, string>
  if (uses('cookies') && typeof out.cookies === 'string')
    out.cookies = template.cookies.trim()
  if (uses('origin') && typeof out.origin === 'string')
    out.origin = template.origin.trim()
  return out
}
