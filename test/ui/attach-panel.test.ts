// @vitest-environment happy-dom
/**
 * The Attach panel (issue 19) as a component: with the page's attach config it holds exactly the token and
 * the snippets filled with the inspector's URL and token; without it (a page on another machine, attach
 * off) it says why and shows no token. The server view's attached-server section renders payloads as text.
 */
import type { AttachedServerView } from '../../inspector-ui/src/stores/attach'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import AttachedServer from '../../inspector-ui/src/components/attach/AttachedServer.vue'
import AttachPanel from '../../inspector-ui/src/components/attach/AttachPanel.vue'
import { resetRuntimeConfig } from '../../inspector-ui/src/config'
import { attachSnippets, resetAttach } from '../../inspector-ui/src/stores/attach'
import { resetInspector } from '../../inspector-ui/src/stores/sessions'

function setConfig(config: object | undefined): void {
  for (const old of document.querySelectorAll('meta[name="sio-inspector-config"]')) old.remove()
  if (config) {
    const meta = document.createElement('meta')
    meta.setAttribute('name', 'sio-inspector-config')
    meta.setAttribute('content', JSON.stringify(config))
    document.head.append(meta)
  }
  resetRuntimeConfig()
}

beforeEach(() => {
  setActivePinia(createPinia())
})
afterEach(() => {
  setConfig(undefined)
  resetAttach()
  resetInspector()
  document.body.innerHTML = ''
})

describe('the Attach panel', () => {
  it('holds exactly the token, and the snippets with the inspector\'s URL and token', async () => {
    const token = 'Tok3n-with_<b>-looking-text'
    setConfig({ attach: { token, url: 'http://localhost:5173', path: '/attach/socket.io' } })
    const wrapper = mount(AttachPanel, { attachTo: document.body })
    await nextTick()
    expect(wrapper.get('[data-testid="attach-token"]').text()).toBe(token)
    expect(wrapper.find('[data-testid="attach-token"] b').exists()).toBe(false)
    const snippets = attachSnippets('http://localhost:5173', token)
    expect(wrapper.get('[data-testid="attach-snippet-node"]').element.textContent).toBe(snippets.node)
    expect(wrapper.get('[data-testid="attach-snippet-browser"]').element.textContent).toBe(snippets.browser)
    expect(wrapper.get('[data-testid="attach-snippet-server"]').element.textContent).toBe(snippets.server)
    expect(snippets.node).toContain(`attach(socket, { inspector: 'http://localhost:5173', token: '${token}', name: 'my-app' })`)
    expect(wrapper.find('[data-testid="attach-unavailable"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="attach-apps-empty"]').text()).toContain('No app attached yet')
    wrapper.unmount()
  })

  it('says why there is no token when the page has no attach config', async () => {
    setConfig({ demoUrl: 'http://localhost:3000' })
    const wrapper = mount(AttachPanel, { attachTo: document.body })
    await nextTick()
    expect(wrapper.find('[data-testid="attach-token"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="attach-snippet-node"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="attach-unavailable"]').text()).toContain('only to a page opened on the machine it runs on')
    wrapper.unmount()
  })

  it('escapes quotes in the snippet\'s strings (the text stays a valid string literal)', () => {
    expect(attachSnippets('http://h:1', 'a\'b\\c').node).toContain(`token: 'a\\'b\\\\c'`)
  })
})

describe('the attached server section', () => {
  it('shows an empty server as such, with its name', async () => {
    const view: AttachedServerView = {
      attachId: 'x',
      name: '<i>api</i>',
      url: '',
      runtime: 'node',
      present: false,
      droppedByApp: 0,
      droppedHere: 0,
      entries: 0,
      sockets: [],
      version: 0,
    }
    const wrapper = mount(AttachedServer, { props: { view } })
    await nextTick()
    const root = wrapper.get('[data-testid="attached-server"]')
    expect(root.attributes('data-name')).toBe('<i>api</i>')
    expect(root.text()).toContain('Attached server: <i>api</i>')
    expect(root.find('i').exists()).toBe(false)
    expect(wrapper.get('[data-testid="attached-server-presence"]').text()).toContain('gone')
    wrapper.unmount()
  })
})
