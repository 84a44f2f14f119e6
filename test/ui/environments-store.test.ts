// @vitest-environment happy-dom
/**
 * Environments and `{{variables}}` (issue 16 item 2): the store (persistence: non-secrets in
 * localStorage, secrets in sessionStorage unless kept), the connect form's resolution, and what Recent
 * keeps (the template, never a secret's value) — with a real socket.io server whose middleware checks the
 * token.
 */
import type { VueWrapper } from '@vue/test-utils'
import type { Socket as ServerSocket } from 'socket.io'
import { createServer } from 'node:http'
import { validateEnvironments } from '#core'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { Server } from 'socket.io'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { defaultForm } from '../../inspector-ui/src/lib/connect-form'
import { resolveConnectForm, templateOptions } from '../../inspector-ui/src/lib/connect-vars'
import { storageProblems } from '../../inspector-ui/src/lib/storage'
import { useConnectStore } from '../../inspector-ui/src/stores/connect'
import { parseVariablesText, SECRETS_KEY, useEnvironmentsStore } from '../../inspector-ui/src/stores/environments'
import { usePrefsStore } from '../../inspector-ui/src/stores/prefs'
import { resetInspector, useSessionsStore } from '../../inspector-ui/src/stores/sessions'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'

const ENV_KEY = 'sio-inspector-v1-environments'
const TOKEN = 'tok-9f3a-SECRET-value'

/** A socket.io 4 server that admits a socket only with `auth.token === TOKEN`, and says what it got. */
let PORT = 0
let closeReal: () => Promise<void> = async () => {}
const seen: unknown[] = []
beforeAll(async () => {
  const http = createServer((_req, res) => res.writeHead(404).end())
  const sockets = trackSockets(http)
  const io = new Server(http, { cors: { origin: true } })
  const check = (socket: ServerSocket, next: (err?: Error) => void): void => {
    seen.push(socket.handshake.auth)
    next(socket.handshake.auth?.token === TOKEN ? undefined : new Error('bad token'))
  }
  // The main namespace is not one of the dynamic ones: it gets the check too.
  io.use(check)
  io.of(/^\/.+$/).use(check)
  PORT = await listen(http)
  closeReal = async () => {
    io.close()
    await closeServer(http, sockets)
  }
})

beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
  storageProblems.value = []
  seen.length = 0
  setActivePinia(createPinia())
})
afterEach(() => {
  resetInspector()
})
afterAll(() => closeReal())

/** A reload: new stores over the same storage. */
function reload(): void {
  setActivePinia(createPinia())
}

/** Every value of every localStorage key, as one text. */
function allLocalStorage(): string {
  const parts: string[] = []
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i)!
    parts.push(`${key}=${localStorage.getItem(key)}`)
  }
  return parts.join('\n')
}

async function connected(id: string): Promise<void> {
  const sessions = useSessionsStore()
  await expect.poll(() => sessions.snapshotOf(id)?.status, { timeout: 5000 }).toBe('connected')
}

describe('the environments store', () => {
  it('starts with a "local" environment and resolves {{variables}} with the current one', () => {
    const envs = useEnvironmentsStore()
    expect(envs.environments.map(env => env.name)).toEqual(['local'])
    expect(envs.currentName).toBe('local')
    envs.setVariables({ host: '127.0.0.1:3000' })
    expect(envs.current).toEqual({ host: '127.0.0.1:3000' })
    expect(envs.resolveText('http://{{ host }}/')).toEqual({ ok: true, text: 'http://127.0.0.1:3000/' })
    expect(envs.resolveText('{{a}}{{b}}')).toEqual({ ok: false, unknown: ['a', 'b'], message: 'Unknown variables {{a}}, {{b}} (not in the environment "local")' })
    expect(envs.resolveText('{{token}}')).toEqual({ ok: false, unknown: ['token'], message: 'Unknown variable {{token}} (not in the environment "local")' })
  })

  it('keeps non-secret variables and the current environment across a reload, in versioned localStorage', () => {
    const envs = useEnvironmentsStore()
    envs.setVariables({ host: 'a:1' })
    expect(envs.addEnvironment('staging')).toBeUndefined()
    envs.setVariables({ host: 'staging.example.com' })
    expect(envs.currentName).toBe('staging')
    const stored = JSON.parse(localStorage.getItem(ENV_KEY)!)
    expect(stored.current).toBe('staging')
    expect(validateEnvironments(stored.environments)).toEqual([
      { name: 'local', variables: [{ name: 'host', value: 'a:1' }] },
      { name: 'staging', variables: [{ name: 'host', value: 'staging.example.com' }] },
    ])
    reload()
    const again = useEnvironmentsStore()
    expect(again.currentName).toBe('staging')
    expect(again.current).toEqual({ host: 'staging.example.com' })
    again.select('local')
    expect(again.current).toEqual({ host: 'a:1' })
  })

  it('keeps secret values in sessionStorage only: they survive a reload of the tab, not a new one', () => {
    const envs = useEnvironmentsStore()
    envs.setVariables({ host: 'h', token: TOKEN }, { token: true })
    expect(allLocalStorage()).not.toContain(TOKEN)
    expect(JSON.parse(localStorage.getItem(ENV_KEY)!).environments[0].variables).toEqual([
      { name: 'host', value: 'h' },
      { name: 'token', value: '', secret: true },
    ])
    expect(JSON.parse(sessionStorage.getItem(SECRETS_KEY)!)).toEqual({ local: { token: TOKEN } })
    reload()
    expect(useEnvironmentsStore().current).toEqual({ host: 'h', token: TOKEN })
    // A new tab or browser: no sessionStorage; the secret is known by name, without its value.
    sessionStorage.clear()
    reload()
    const fresh = useEnvironmentsStore()
    expect(fresh.current).toEqual({ host: 'h', token: '' })
    expect(fresh.currentEnv.variables.find(v => v.name === 'token')?.secret).toBe(true)
  })

  it('marking a variable secret takes its value out of localStorage at once; unmarking puts it back', () => {
    const envs = useEnvironmentsStore()
    envs.setVariables({ token: TOKEN })
    expect(localStorage.getItem(ENV_KEY)).toContain(TOKEN)
    envs.setSecret('token', true)
    expect(allLocalStorage()).not.toContain(TOKEN)
    expect(sessionStorage.getItem(SECRETS_KEY)).toContain(TOKEN)
    envs.setSecret('token', false)
    expect(localStorage.getItem(ENV_KEY)).toContain(TOKEN)
    expect(sessionStorage.getItem(SECRETS_KEY)).toBeNull()
  })

  it('keeps secrets in localStorage only when "keep secrets in this browser" is ticked for that environment', () => {
    const envs = useEnvironmentsStore()
    envs.setVariables({ token: TOKEN }, { token: true })
    envs.setKeepSecrets(true)
    expect(localStorage.getItem(ENV_KEY)).toContain(TOKEN)
    expect(sessionStorage.getItem(SECRETS_KEY)).toBeNull()
    sessionStorage.clear()
    reload()
    expect(useEnvironmentsStore().current).toEqual({ token: TOKEN })
    expect(useEnvironmentsStore().currentEnv.keepSecrets).toBe(true)
    useEnvironmentsStore().setKeepSecrets(false)
    expect(allLocalStorage()).not.toContain(TOKEN)
    expect(sessionStorage.getItem(SECRETS_KEY)).toContain(TOKEN)
  })

  it('sets a damaged stored value aside and starts from "local"', () => {
    localStorage.setItem(ENV_KEY, JSON.stringify({ current: 'x', environments: [{ name: 'x', variables: [{ name: '1bad', value: 'v' }] }] }))
    const envs = useEnvironmentsStore()
    expect(envs.environments.map(env => env.name)).toEqual(['local'])
    expect(storageProblems.value).toHaveLength(1)
    expect(storageProblems.value[0]!.message).toContain('environments.environments[0].variables[0].name')
    const aside = storageProblems.value[0]!.movedTo!
    expect(localStorage.getItem(aside)).toContain('1bad')
  })

  it('adds, renames and deletes environments, keeping one and refusing a taken or empty name', () => {
    const envs = useEnvironmentsStore()
    expect(envs.addEnvironment('staging')).toBeUndefined()
    expect(envs.addEnvironment('staging')).toMatch(/already an environment named "staging"/)
    expect(envs.addEnvironment('  ')).toMatch(/name/)
    expect(envs.renameEnvironment('staging', 'local')).toMatch(/already/)
    expect(envs.renameEnvironment('staging', 'prod')).toBeUndefined()
    expect(envs.currentName).toBe('prod')
    envs.deleteEnvironment('prod')
    expect(envs.currentName).toBe('local')
    envs.deleteEnvironment('local')
    expect(envs.environments.map(env => env.name)).toEqual(['local'])
  })

  it('exports secrets by name only, and an import does not erase a secret value the user has', () => {
    const envs = useEnvironmentsStore()
    envs.setVariables({ host: 'h', token: TOKEN }, { token: true })
    const exported = envs.exportEnvironments()
    expect(exported).toEqual([{ name: 'local', variables: [{ name: 'host', value: 'h' }, { name: 'token', value: '', secret: true }] }])
    expect(JSON.stringify(exported)).not.toContain(TOKEN)
    envs.importEnvironments(validateEnvironments([
      { name: 'local', variables: [{ name: 'host', value: 'h2' }, { name: 'token', value: '', secret: true }, { name: 'ns', value: '/chat' }] },
      { name: 'staging', variables: [{ name: 'host', value: 's' }] },
    ]))
    expect(envs.current).toEqual({ host: 'h2', token: TOKEN, ns: '/chat' })
    envs.select('staging')
    expect(envs.current).toEqual({ host: 's' })
  })
})

describe('the panel\'s variables text', () => {
  it('takes a JSON5 object of text, numbers and booleans as their text', () => {
    expect(parseVariablesText('{ host: "h", port: 3000, tls: false, "api.key-1": "k" }')).toEqual({ ok: true, values: { 'host': 'h', 'port': '3000', 'tls': 'false', 'api.key-1': 'k' } })
    expect(parseVariablesText('  ')).toEqual({ ok: true, values: {} })
  })

  it.each([
    ['{ host: ', /not valid JSON/],
    ['["a"]', /one JSON object/],
    ['{ "a": null }', /value of "a" must be text/],
    ['{ "a": { "b": 1 } }', /value of "a" must be text/],
    ['{ "1a": "x" }', /"1a" is not a variable name/],
  ])('refuses %s with a specific message', (text, message) => {
    const result = parseVariablesText(text)
    expect(result.ok).toBe(false)
    expect(!result.ok && result.message).toMatch(message)
  })
})

describe('the connect form with {{variables}}', () => {
  it('resolves url, path, auth, query and headers, names the field of an unknown variable, and leaves the template as it is', () => {
    const vars: Record<string, string> = { host: '127.0.0.1:3000', p: '/io', t: 'x' }
    const resolve = (text: string): ReturnType<ReturnType<typeof useEnvironmentsStore>['resolveText']> => {
      const names = [...text.matchAll(/\{\{\s*([\w.-]+)\s*\}\}/g)].map(m => m[1]!)
      const unknown = names.filter(n => !(n in vars))
      if (unknown.length)
        return { ok: false, unknown, message: `unknown ${unknown.join(',')}` }
      return { ok: true, text: text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_m, n: string) => vars[n]!) }
    }
    const form = { ...defaultForm('http://{{host}}/'), path: '{{p}}', auth: '{ token: "{{t}}" }', query: '{ a: "{{t}}" }', headers: '{ "X-T": "{{t}}" }', cookies: 'sid={{nope}}' }
    const result = resolveConnectForm(form, resolve)
    expect(result.ok).toBe(true)
    expect(result.ok && result.form).toMatchObject({ url: 'http://127.0.0.1:3000/', path: '/io', auth: '{ token: "x" }', query: '{ a: "x" }', headers: '{ "X-T": "x" }', cookies: 'sid={{nope}}' })
    expect(form.url).toBe('http://{{host}}/')
    // Cookies are the relay's: resolved (and an unknown name failing) only when the relay is on.
    expect(resolveConnectForm({ ...form, relay: true }, resolve)).toEqual({ ok: false, field: 'cookies', unknown: ['nope'], message: 'unknown nope' })
    expect(resolveConnectForm({ ...form, auth: '{ token: "{{missing}}" }' }, resolve)).toMatchObject({ ok: false, field: 'auth', unknown: ['missing'] })
  })

  it('recent options keep each field that used a variable as its template, and put secrets back by name otherwise', () => {
    const template = { ...defaultForm('http://{{host}}/'), auth: '{ token: "{{token}}", n: {{count}} }', headers: '{ "X-Trace": "{{trace}}" }' }
    const options = { url: 'http://127.0.0.1:3000/', auth: { token: TOKEN, n: 3 }, extraHeaders: { 'X-Trace': 'on' }, query: { a: 'plain' } }
    const kept = templateOptions(template, options, [{ name: 'token', value: TOKEN }])
    // The auth template does not parse alone (`{{count}}` is not a value): resolved, with the secret put back.
    expect(kept).toEqual({ url: 'http://{{host}}/', auth: { token: '{{token}}', n: 3 }, extraHeaders: { 'X-Trace': '{{trace}}' }, query: { a: 'plain' } })
  })

  it('connects with the resolved form; Recent keeps the template and no secret value anywhere in localStorage', async () => {
    const envs = useEnvironmentsStore()
    envs.setVariables({ port: String(PORT), ns: '/', token: TOKEN }, { token: true })
    const connect = useConnectStore()
    const prefs = usePrefsStore()
    const sessions = useSessionsStore()
    const form = connect.formFor(undefined)
    form.url = 'http://127.0.0.1:{{port}}{{ns}}'
    form.auth = '{ token: "{{token}}" }'
    form.reconnection = false
    // Even with "remember secrets": a variable's value is not what the user typed.
    form.rememberSecrets = true
    const id = connect.connect(undefined)!
    expect(id).toBeDefined()
    await connected(id)
    expect(seen).toContainEqual({ token: TOKEN })
    expect(sessions.optionsById[id]).toMatchObject({ url: `http://127.0.0.1:${PORT}/`, auth: { token: TOKEN } })
    // The tab's form is still the template.
    expect(connect.formFor(id)).toMatchObject({ url: 'http://127.0.0.1:{{port}}{{ns}}', auth: '{ token: "{{token}}" }' })
    expect(prefs.recent[0]).toMatchObject({ url: 'http://127.0.0.1:{{port}}{{ns}}', auth: { token: '{{token}}' }, rememberSecrets: true })
    expect(allLocalStorage()).not.toContain(TOKEN)
    // Loading it back gives the template, which connects with the environment current then.
    connect.loadRecent(undefined, 'http://127.0.0.1:{{port}}{{ns}}')
    expect(connect.formFor(undefined).url).toBe('http://127.0.0.1:{{port}}{{ns}}')
    expect(connect.formFor(undefined).auth).toBe('{"token":"{{token}}"}')
  })

  it('an unknown variable is the error of its field, naming it, and nothing is opened', () => {
    const connect = useConnectStore()
    const sessions = useSessionsStore()
    const form = connect.formFor(undefined)
    form.url = `http://127.0.0.1:${PORT}/{{nope}}`
    expect(connect.connect(undefined)).toBeUndefined()
    expect(connect.errorsFor(undefined).url).toBe('Unknown variable {{nope}} (not in the environment "local")')
    expect(sessions.tabs).toHaveLength(0)
    form.url = `http://127.0.0.1:${PORT}/`
    form.auth = '{ token: "{{tok}}" }'
    expect(connect.connect(undefined)).toBeUndefined()
    expect(connect.errorsFor(undefined)).toEqual({ auth: 'Unknown variable {{tok}} (not in the environment "local")' })
    expect(sessions.tabs).toHaveLength(0)
    expect(seen).toHaveLength(0)
  })

  it('a changed variable value counts as changed options: Connect connects again with the new value', async () => {
    const envs = useEnvironmentsStore()
    envs.setVariables({ token: 'wrong' }, { token: true })
    const connect = useConnectStore()
    const sessions = useSessionsStore()
    const form = connect.formFor(undefined)
    form.url = `http://127.0.0.1:${PORT}/`
    form.auth = '{ token: "{{token}}" }'
    form.reconnection = false
    const id = connect.connect(undefined)!
    await expect.poll(() => sessions.snapshotOf(id)?.lastError ?? '', { timeout: 5000 }).toMatch(/bad token/)
    expect(connect.changed(id)).toBe(false)
    envs.setVariables({ token: TOKEN })
    expect(connect.changed(id)).toBe(true)
    expect(connect.connect(id)).toBe(id)
    await connected(id)
    expect(sessions.optionsById[id]!.auth).toEqual({ token: TOKEN })
    expect(connect.changed(id)).toBe(false)
  })
})

describe('the environments panel', () => {
  async function mountPanel(): Promise<VueWrapper> {
    const { default: EnvPanel } = await import('../../inspector-ui/src/components/workspace/EnvPanel.vue')
    return mount(EnvPanel, { attachTo: document.body })
  }

  it('applies the JSON text, masks a secret, and keeps its value when the mask is left as it is', async () => {
    const envs = useEnvironmentsStore()
    const wrapper = await mountPanel()
    const vars = wrapper.get('[data-testid="env-vars"]')
    await vars.setValue(`{ "host": "h", "token": "${TOKEN}" }`)
    // Ticked before Save: the secret never reaches localStorage.
    await wrapper.get('[data-testid="env-secret"][data-name="token"]').setValue(true)
    await wrapper.get('[data-testid="env-save"]').trigger('click')
    expect(envs.current).toEqual({ host: 'h', token: TOKEN })
    // Saved: the panel asks to close (the page is usable at once).
    expect(wrapper.emitted('close')).toHaveLength(1)
    expect(allLocalStorage()).not.toContain(TOKEN)
    expect(wrapper.text()).not.toContain(TOKEN)
    const text = (vars.element as HTMLTextAreaElement).value
    expect(text).not.toContain(TOKEN)
    // Change the other variable, leave the mask: the secret keeps its value.
    await vars.setValue(text.replace('"h"', '"h2"'))
    await wrapper.get('[data-testid="env-save"]').trigger('click')
    expect(envs.current).toEqual({ host: 'h2', token: TOKEN })
    wrapper.unmount()
  })

  it('shows a specific error for bad text and applies nothing', async () => {
    const envs = useEnvironmentsStore()
    envs.setVariables({ host: 'h' })
    const wrapper = await mountPanel()
    await wrapper.get('[data-testid="env-vars"]').setValue('{ "host": null }')
    await wrapper.get('[data-testid="env-save"]').trigger('click')
    expect(wrapper.get('[data-testid="env-error"]').text()).toContain('The value of "host" must be text')
    expect(envs.current).toEqual({ host: 'h' })
    expect(wrapper.emitted('close')).toBeUndefined()
    wrapper.unmount()
  })
})
