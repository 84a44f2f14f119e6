// @vitest-environment happy-dom
/**
 * The tutorial panel's hooks: 11 steps in order, each with its Run button, and the language switch
 * (browser language by default, the choice kept in localStorage).
 */
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

describe('TutorialPanel', () => {
  beforeEach(() => {
    localStorage.clear()
    vi.resetModules()
    setActivePinia(createPinia())
  })

  async function mountPanel() {
    const pinia = createPinia()
    setActivePinia(pinia)
    const { default: TutorialPanel } = await import('../../inspector-ui/src/components/tutorial/TutorialPanel.vue')
    return mount(TutorialPanel, { global: { plugins: [pinia] } })
  }

  it('lists the 11 steps in order, each with a run button', async () => {
    const wrapper = await mountPanel()
    const steps = wrapper.findAll('[data-testid="tutorial-step"]')
    expect(steps.map(s => s.attributes('data-step'))).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11'])
    for (const s of steps) expect(s.find('[data-testid="tutorial-run"]').exists()).toBe(true)
    expect(steps[10].find('table').exists()).toBe(true)
    wrapper.unmount()
  })

  it('switches to Korean and remembers it', async () => {
    const wrapper = await mountPanel()
    const select = wrapper.get('[data-testid="lang-switch"]')
    await select.setValue('ko')
    expect(wrapper.get('h2').text()).toContain('튜토리얼')
    expect(wrapper.findAll('[data-testid="tutorial-step"]')[0].text()).toContain('연결')
    expect(JSON.parse(localStorage.getItem('sio-inspector-v1-lang')!)).toBe('ko')
    wrapper.unmount()
  })

  it('follows the browser language by default', async () => {
    const { browserLang } = await import('../../inspector-ui/src/tutorial/lang')
    expect(browserLang({ language: 'ko-KR' })).toBe('ko')
    expect(browserLang({ languages: ['en-US', 'ko'] })).toBe('en')
    expect(browserLang(undefined)).toBe('en')
  })

  it('renders code spans as text, never as HTML', async () => {
    const { default: RichText } = await import('../../inspector-ui/src/components/tutorial/RichText.vue')
    const w = mount(RichText, { props: { text: 'a `<b>x</b>` c' } })
    expect(w.find('b').exists()).toBe(false)
    expect(w.get('code').text()).toBe('<b>x</b>')
  })
})
