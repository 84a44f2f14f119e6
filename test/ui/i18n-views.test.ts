// @vitest-environment happy-dom
/**
 * The Server, Attach, Catalog and Scenario views in Korean (issue 16 item 7): the messages the stores and
 * libs word for the user follow the language, English stays as it was (plurals, spacing), and components
 * render Korean labels while their data attributes keep the engine's words.
 */
import type { Component } from 'vue'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { schemaCompletions } from '../../inspector-ui/src/components/catalog/schema-complete'
import { loadLanguage, t } from '../../inspector-ui/src/i18n'
import { useCatalogStore } from '../../inspector-ui/src/stores/catalog'
import { useScenariosStore } from '../../inspector-ui/src/stores/scenarios'
import { useServerStore } from '../../inspector-ui/src/stores/server'
import { resetInspector } from '../../inspector-ui/src/stores/sessions'
import { lang, setLang } from '../../inspector-ui/src/tutorial/lang'

const ServerDetails = (await import('../../inspector-ui/src/components/server/ServerDetails.vue')).default as Component
const ScenarioStepRow = (await import('../../inspector-ui/src/components/scenario/ScenarioStepRow.vue')).default as Component

// Korean is a chunk of its own in the app (loaded on the first switch); here it is loaded up front.
beforeAll(() => loadLanguage('ko'))

describe('the views\' messages in English and Korean', () => {
  const original = lang.value
  beforeEach(() => {
    resetInspector()
    setActivePinia(createPinia())
    setLang('en')
  })
  afterEach(() => {
    setLang(original)
    resetInspector()
  })

  it('keeps the English wording, plurals and spacing', () => {
    expect(t('server.tree.socketsHere', { n: 1 }, 1)).toBe('1 socket here')
    expect(t('server.tree.socketsHere', { n: 0 }, 0)).toBe('0 sockets here')
    expect(t('server.tree.clients', { n: 3 }, 3)).toBe('3 clients')
    expect(t('server.tree.polling', { n: 2 })).toBe(' (2 polling)')
    expect(t('server.tree.pidUp', { pid: 7, uptime: '5s' })).toBe('pid 7 · up 5s · ')
    expect(t('server.empty.idle')).toBe('Connect to a server instrumented with @socket.io/admin-ui to see its namespaces, rooms and sockets.')
    expect(t('scenario.tabsOpened', { n: 1 }, 1)).toBe('(1 tab opened)')
    expect(t('scenario.tabsOpened', { n: 2 }, 2)).toBe('(2 tabs opened)')
    expect(t('catalog.import.parserRefused', { n: 1 }, 1)).toBe('the AsyncAPI parser refused it (1 problem)')
    expect(t('server.feed.disabled', { hint: 'instrument(io, { auth, mode: "development" })' })).toContain('`instrument(io, { auth, mode: "development" })`')
  })

  it('words the server store\'s action messages in the chosen language', async () => {
    const server = useServerStore()
    const en = await server.join('/', 'room1', 'abc')
    expect(en).toEqual({ ok: false, error: 'Not connected to the admin namespace.' })
    expect(server.lastAction?.label).toBe('join abc → room1')
    setLang('ko')
    const ko = await server.emitTo('/', undefined, 'ping', [])
    expect(ko).toEqual({ ok: false, error: 'admin 네임스페이스에 연결되어 있지 않습니다.' })
    expect(server.lastAction?.label).toBe('emit "ping" → /')
    await server.disconnectSocket('/', 'abc')
    expect(server.lastAction?.label).toBe('연결 끊기 abc')
  })

  it('words the catalog\'s import errors in Korean, the file name kept', async () => {
    setLang('ko')
    const catalog = useCatalogStore()
    const outcome = await catalog.importText('{}', 'http://127.0.0.1:3000', 'doc.json')
    expect(outcome.ok).toBe(false)
    const error = outcome.ok ? '' : outcome.error
    expect(error).toContain('"doc.json"을(를) 가져오지 못했습니다')
    expect(error).toContain('인스펙터의 Node 서버가 필요합니다')
    const unnamed = await catalog.importText('{}', 'http://127.0.0.1:3000')
    expect(unnamed.ok ? '' : unnamed.error).toMatch(/^문서을\(를\) 가져오지 못했습니다/)
  })

  it('words the schema completions in Korean', () => {
    setLang('ko')
    const tuple = { type: 'array', items: [{ type: 'object', properties: { tag: { type: 'string' } }, required: ['tag'] }] } as const
    const top = schemaCompletions(tuple as never, '', 0)
    expect(top[0]).toMatchObject({ label: '스키마에서 만든 인자', detail: '모든 인자, 필수 키 채움' })
    const keys = schemaCompletions(tuple as never, '[{ ', 3)
    expect(keys.find(s => s.label === 'tag')?.detail).toBe('필수 string')
  })

  it('words the scenario store\'s import error in Korean, the engine\'s reason kept', () => {
    setLang('ko')
    const store = useScenariosStore()
    const outcome = store.importText('not json at all', 'broken.json')
    expect(outcome.ok).toBe(false)
    expect(outcome.ok ? '' : outcome.error).toMatch(/^"broken\.json"은\(는\) 시나리오가 아닙니다: /)
  })

  it('renders the server details and a scenario step in Korean, data attributes unchanged', async () => {
    const row = { kind: 'server', key: 's:node-1', depth: 0, id: 'node-1', hostname: 'box', pid: 42, uptime: 5, clientsCount: 2, pollingClientsCount: 1, nodeSockets: 3, silentMs: undefined, expanded: true, expandable: true }
    const details = mount(ServerDetails, { props: { row, socket: undefined, features: [], connected: true, lastAction: undefined, mineTab: undefined, cluster: true } })
    expect(details.text()).toContain('hostname')
    expect(details.text()).toContain('2 (1 polling)')
    expect(details.find('code').text()).toBe('node-1')
    setLang('ko')
    await nextTick()
    expect(details.text()).toContain('호스트 이름')
    expect(details.text()).toContain('2 (polling 1)')
    // A backticked name in a message is code, not text with backticks.
    expect(details.findAll('code').map(c => c.text())).toContain('socket.data.node')
    details.unmount()

    const step = mount(ScenarioStepRow, { props: { step: { kind: 'emit', session: 's1', name: 'chat', args: ['hi'], ack: true, atMs: 10 }, index: 0, result: { index: 0, status: 'pass', ms: 12 }, sessionLabel: '1 · tab' } })
    const status = step.get('[data-testid="scenario-step-status"]')
    expect(status.text()).toBe('통과')
    expect(step.get('[data-testid="scenario-step"]').attributes('data-status')).toBe('pass')
    expect(step.text()).toContain('emit chat (ack)')
    expect(step.get('[data-testid="scenario-step-timing"]').text()).toBe('12 ms (기록: 10 ms)')
    setLang('en')
    await nextTick()
    expect(status.text()).toBe('pass')
    expect(step.get('[data-testid="scenario-step-timing"]').text()).toBe('12 ms (recorded 10 ms)')
    step.unmount()
  })
})
