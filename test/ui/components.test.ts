// @vitest-environment happy-dom
/**
 * Component specs. They need the Vue plugin in the `unit` vitest project (`plugins: [vue()]`); without it
 * an SFC cannot be compiled, and these specs are skipped with that reason printed.
 */
import type { Component } from 'vue'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick } from 'vue'

async function load(path: string): Promise<Component | undefined> {
  try {
    return ((await import(/* @vite-ignore */ path)) as { default: Component }).default
  }
  catch {
    return undefined
  }
}

const JsonNode = await load('../../inspector-ui/src/components/JsonNode.vue')
if (!JsonNode)
  console.warn('[test/ui/components] skipped: the unit vitest project has no Vue plugin, so .vue files cannot be compiled (add `plugins: [vue()]` to it).')

describe.skipIf(!JsonNode)('jsonNode', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
  })

  it('renders hostile strings and keys as text, never as markup', async () => {
    const payload = { '<img src=x onerror=alert(1)>': '<script>window.pwned = 1</script>', '__proto__x': '{{ 7 * 7 }}' }
    const wrapper = mount(JsonNode!, { props: { value: payload, open: true } })
    await nextTick()
    expect(wrapper.find('img').exists()).toBe(false)
    expect(wrapper.find('script').exists()).toBe(false)
    expect(wrapper.text()).toContain('<img src=x onerror=alert(1)>')
    expect(wrapper.text()).toContain('{{ 7 * 7 }}')
  })

  it('shows at most 100 children until asked for more', async () => {
    const wrapper = mount(JsonNode!, { props: { value: Array.from({ length: 250 }, (_, i) => i), open: true } })
    await nextTick()
    expect(wrapper.findAll('.json-children > .json-node')).toHaveLength(100)
    await wrapper.find('.json-children > button.link').trigger('click')
    expect(wrapper.findAll('.json-children > .json-node')).toHaveLength(200)
  })

  it('builds nested children only when opened', async () => {
    let deep: unknown = 'bottom'
    for (let i = 0; i < 3000; i++) deep = { d: deep }
    // Through a parent: test-utils itself walks props passed to `mount` recursively.
    const wrapper = mount(defineComponent({ render: () => h(JsonNode!, { value: deep, open: true }) }))
    await nextTick()
    expect(wrapper.findAll('.json-node')).toHaveLength(2)
    expect(wrapper.text()).toContain('{1 key}')
  })

  it('shows binary as size, hex and text', async () => {
    const wrapper = mount(JsonNode!, { props: { value: new Uint8Array([104, 105, 0xFF]), open: true } })
    await nextTick()
    expect(wrapper.text()).toContain('binary 3 B')
    expect(wrapper.text()).toContain('68 69 ff')
  })
})
