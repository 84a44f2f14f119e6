/**
 * Environments (issue 16 item 2): named sets of variables (`local`, `staging`…), one of them current, used
 * as `{{name}}` in the connect form and the composer (resolved by `resolveText` at connect/send time).
 *
 * Where values live:
 * - localStorage `sio-inspector-v1-environments`: the environments, their variables and the current
 *   environment's name — secret variables with an empty value;
 * - sessionStorage `sio-inspector-v1-secrets`: secret values, per environment (they survive a reload of
 *   this tab, not a new tab or browser);
 * - an environment whose "keep secrets in this browser" is ticked keeps its secret values in localStorage
 *   instead (in clear, like Recent's "remember secrets").
 * A secret value is never exported (`exportEnvironments` gives its name, `secret: true` and `""`).
 */
import type { EnvironmentFile, SecretValue, Variables } from '#core'
import { resolveTemplate, validateEnvironments, VARIABLE_NAME } from '#core'
import JSON5 from 'json5'
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { t } from '../i18n'
import { isRecord, readStored, STORAGE_PREFIX, writeStored } from '../lib/storage'

export interface EnvVariable {
  name: string
  value: string
  secret: boolean
}

export interface Environment {
  name: string
  variables: EnvVariable[]
  /** Secret values of this environment are kept in localStorage (clear text) rather than sessionStorage. */
  keepSecrets: boolean
}

/** What localStorage holds (`environments`). */
interface StoredEnvironments {
  current: string
  environments: Array<EnvironmentFile & { keepSecrets?: true }>
}

export const DEFAULT_ENVIRONMENT = 'local'
export const SECRETS_KEY = `${STORAGE_PREFIX}secrets`

export type TextResolution = { ok: true, text: string } | { ok: false, message: string, unknown: string[] }

function validateStored(raw: unknown): StoredEnvironments {
  if (!isRecord(raw))
    throw new Error('environments: expected an object')
  const list = validateEnvironments(raw.environments, 'environments.environments')
  if (list.length === 0)
    throw new Error('environments.environments: empty')
  const rawList = raw.environments as unknown[]
  const environments = list.map((env, i) => {
    const item = rawList[i]
    return isRecord(item) && item.keepSecrets === true ? { ...env, keepSecrets: true as const } : env
  })
  const current = typeof raw.current === 'string' && list.some(env => env.name === raw.current) ? raw.current : list[0]!.name
  return { current, environments }
}

function sessionStore(): Storage | undefined {
  try {
    return globalThis.sessionStorage
  }
  catch {
    return undefined
  }
}

/** Secret values of this tab, by environment and variable name; anything unreadable is dropped. */
function readSecrets(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  try {
    const text = sessionStore()?.getItem(SECRETS_KEY)
    const raw: unknown = text == null ? undefined : JSON.parse(text)
    if (!isRecord(raw))
      return out
    for (const [env, values] of Object.entries(raw)) {
      if (!isRecord(values))
        continue
      out[env] = {}
      for (const [name, value] of Object.entries(values)) {
        if (typeof value === 'string')
          out[env][name] = value
      }
    }
  }
  catch {
    // A damaged or blocked sessionStorage: the secrets are typed again (they were only this tab's).
  }
  return out
}

function writeSecrets(values: Record<string, Record<string, string>>): void {
  try {
    if (Object.keys(values).length === 0)
      sessionStore()?.removeItem(SECRETS_KEY)
    else
      sessionStore()?.setItem(SECRETS_KEY, JSON.stringify(values))
  }
  catch {
    // Full or blocked: the secrets last for this page only.
  }
}

export type VariablesParse = { ok: true, values: Record<string, string> } | { ok: false, message: string }

/**
 * The panel's text → variables: a JSON (JSON5) object of names to text; numbers and booleans are taken as
 * their text. Anything else is a specific error (nothing is applied).
 * @example parseVariablesText('{ host: "127.0.0.1:3000", port: 3000 }') // { ok: true, values: { host: '127.0.0.1:3000', port: '3000' } }
 */
export function parseVariablesText(text: string): VariablesParse {
  const trimmed = text.trim()
  if (!trimmed)
    return { ok: true, values: {} }
  let raw: unknown
  try {
    raw = JSON5.parse(trimmed)
  }
  catch (error) {
    return { ok: false, message: t('env.errors.json', { error: error instanceof Error ? error.message.replace(/^JSON5: /, '') : String(error) }) }
  }
  if (!isRecord(raw))
    return { ok: false, message: t('env.errors.object') }
  const values: Record<string, string> = {}
  for (const [name, value] of Object.entries(raw)) {
    if (!VARIABLE_NAME.test(name))
      return { ok: false, message: t('env.errors.name', { name }) }
    if (typeof value === 'string')
      values[name] = value
    else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean')
      values[name] = String(value)
    else
      return { ok: false, message: t('env.errors.value', { name }) }
  }
  return { ok: true, values }
}

export const useEnvironmentsStore = defineStore('environments', () => {
  const fallback: StoredEnvironments = { current: DEFAULT_ENVIRONMENT, environments: [{ name: DEFAULT_ENVIRONMENT, variables: [] }] }
  const stored = readStored('environments', validateStored, fallback)
  const secrets = readSecrets()
  const environments = ref<Environment[]>(stored.environments.map(env => ({
    name: env.name,
    keepSecrets: env.keepSecrets === true,
    variables: env.variables.map(v => ({
      name: v.name,
      // A secret's value: localStorage's when kept there, else this tab's sessionStorage.
      value: v.secret && !(env.keepSecrets && v.value) ? secrets[env.name]?.[v.name] ?? v.value : v.value,
      secret: v.secret === true,
    })),
  })))
  const currentName = ref(stored.current)
  /** The environments panel (EnvPanel.vue) is open. */
  const panelOpen = ref(false)

  const currentEnv = computed<Environment>(() => environments.value.find(env => env.name === currentName.value) ?? environments.value[0]!)
  /** The current environment's variables, name → value. */
  const current = computed<Variables>(() => Object.fromEntries(currentEnv.value.variables.map(v => [v.name, v.value])))

  function persist(): void {
    const list = environments.value
    writeStored('environments', {
      current: currentName.value,
      environments: list.map(env => ({
        name: env.name,
        ...(env.keepSecrets ? { keepSecrets: true } : {}),
        variables: env.variables.map(v => v.secret
          ? { name: v.name, value: env.keepSecrets ? v.value : '', secret: true }
          : { name: v.name, value: v.value }),
      })),
    } satisfies StoredEnvironments)
    const tabSecrets: Record<string, Record<string, string>> = {}
    for (const env of list) {
      if (env.keepSecrets)
        continue
      const values = env.variables.filter(v => v.secret && v.value !== '')
      if (values.length > 0)
        tabSecrets[env.name] = Object.fromEntries(values.map(v => [v.name, v.value]))
    }
    writeSecrets(tabSecrets)
  }
  watch([environments, currentName], persist, { deep: true, flush: 'sync' })

  /** Resolve `{{name}}`s with the current environment; an unknown name fails, naming every one. */
  function resolveText(text: string): TextResolution {
    const result = resolveTemplate(text, current.value, { environment: currentName.value })
    if (result.ok)
      return { ok: true, text: result.text }
    const names = result.unknown.map(name => `{{${name}}}`).join(', ')
    return { ok: false, unknown: result.unknown, message: t('env.unknown', { names, env: currentName.value }, result.unknown.length) }
  }

  /** Every environment's secret values (non-empty), by name: what an export puts back as `{{name}}`. */
  function allSecrets(): SecretValue[] {
    return environments.value.flatMap(env => env.variables.filter(v => v.secret && v.value !== '').map(v => ({ name: v.name, value: v.value })))
  }

  function find(name: string): Environment | undefined {
    return environments.value.find(env => env.name === name)
  }

  /** A problem with `name` as a new environment name, or undefined. */
  function nameProblem(name: string, except?: string): string | undefined {
    const trimmed = name.trim()
    if (!trimmed)
      return t('env.errors.envEmpty')
    if (trimmed !== except && find(trimmed))
      return t('env.errors.envTaken', { name: trimmed })
    return undefined
  }

  /** Add an environment (and make it current). Returns the problem, or undefined. */
  function addEnvironment(name: string): string | undefined {
    const problem = nameProblem(name)
    if (problem)
      return problem
    environments.value.push({ name: name.trim(), variables: [], keepSecrets: false })
    currentName.value = name.trim()
    return undefined
  }

  function renameEnvironment(from: string, to: string): string | undefined {
    const env = find(from)
    if (!env)
      return undefined
    const problem = nameProblem(to, from)
    if (problem)
      return problem
    env.name = to.trim()
    if (currentName.value === from)
      currentName.value = env.name
    return undefined
  }

  /** Delete an environment; the last one stays (there is always a current environment). */
  function deleteEnvironment(name: string): void {
    if (environments.value.length <= 1)
      return
    environments.value = environments.value.filter(env => env.name !== name)
    if (!find(currentName.value))
      currentName.value = environments.value[0]!.name
  }

  function select(name: string): void {
    if (find(name))
      currentName.value = name
  }

  /**
   * Replace the current environment's variables by `values` (the panel's JSON): names not in it are
   * removed, a kept name keeps its secret flag; `secret` marks new names (or unmarks) as given.
   */
  function setVariables(values: Record<string, string>, secret: Readonly<Record<string, boolean>> = {}): void {
    const env = currentEnv.value
    const before = new Map(env.variables.map(v => [v.name, v]))
    env.variables = Object.entries(values).map(([name, value]) => ({
      name,
      value,
      secret: secret[name] ?? before.get(name)?.secret ?? false,
    }))
  }

  function setSecret(name: string, on: boolean): void {
    const variable = currentEnv.value.variables.find(v => v.name === name)
    if (variable)
      variable.secret = on
  }

  function setKeepSecrets(on: boolean): void {
    currentEnv.value.keepSecrets = on
  }

  /** Every environment for a file: secret variables with their name, `secret: true` and no value. */
  function exportEnvironments(): EnvironmentFile[] {
    return environments.value.map(env => ({
      name: env.name,
      variables: env.variables.map(v => v.secret ? { name: v.name, value: '', secret: true } : { name: v.name, value: v.value }),
    }))
  }

  /**
   * Merge environments from a file (validate it first: `validateEnvironments`), by environment name and
   * then by variable name. An imported secret without a value does not erase the value the user has.
   */
  function importEnvironments(list: EnvironmentFile[]): void {
    for (const incoming of list) {
      let env = find(incoming.name)
      if (!env) {
        environments.value.push({ name: incoming.name, variables: [], keepSecrets: false })
        env = environments.value[environments.value.length - 1]!
      }
      for (const v of incoming.variables) {
        const existing = env.variables.find(item => item.name === v.name)
        if (existing) {
          existing.secret = v.secret === true
          if (!(v.secret && v.value === ''))
            existing.value = v.value
        }
        else {
          env.variables.push({ name: v.name, value: v.value, secret: v.secret === true })
        }
      }
    }
  }

  return {
    environments,
    currentName,
    panelOpen,
    openPanel: () => { panelOpen.value = true },
    closePanel: () => { panelOpen.value = false },
    currentEnv,
    current,
    resolveText,
    allSecrets,
    nameProblem,
    addEnvironment,
    renameEnvironment,
    deleteEnvironment,
    select,
    setVariables,
    setSecret,
    setKeepSecrets,
    exportEnvironments,
    importEnvironments,
  }
})
