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

const LogRow = await load('../../inspector-ui/src/components/LogRow.vue')

describe.skipIf(!LogRow)('logRow', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
  })

  it('re-renders on a log version tick only while it awaits its ack', async () => {
    const { getInspector, resetInspector } = await import('../../inspector-ui/src/stores/sessions')
    const { useLogStore } = await import('../../inspector-ui/src/stores/log')
    resetInspector()
    const log = getInspector().log
    const store = useLogStore()
    const base = { sessionId: 's1', time: Date.now(), mono: performance.now(), bytes: 10 }
    const plain = log.append({ ...base, kind: 'event', name: 'tick', args: [1], direction: 'in' })
    const emitted = log.append({ ...base, kind: 'event', name: 'ask', args: [], direction: 'out', correlationId: 'c1' })
    let ackCalls = 0
    let entryCalls = 0
    const ackOf = store.ackOf
    const entry = store.entry
    store.ackOf = ((e: Parameters<typeof ackOf>[0]) => {
      ackCalls++
      return ackOf(e)
    }) as typeof ackOf
    store.entry = ((id: number) => {
      entryCalls++
      return entry(id)
    }) as typeof entry
    const a = mount(LogRow!, { props: { id: plain.id } })
    const b = mount(LogRow!, { props: { id: emitted.id } })
    expect(b.text()).toContain('awaiting ack')
    const [entriesBefore, acksBefore] = [entryCalls, ackCalls]
    store.version++
    await nextTick()
    // The plain row did not recompute; the waiting one looked for its ack again.
    expect(entryCalls).toBe(entriesBefore)
    expect(ackCalls).toBe(acksBefore + 1)
    a.unmount()
    b.unmount()
  })
})

const VirtualList = await load('../../inspector-ui/src/components/VirtualList.vue')

describe.skipIf(!VirtualList)('virtualList', () => {
  it('shows the rows of the scrolled-to window in order, with recycled row elements, and follows the newest', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => i + 1)
    const Host = defineComponent({
      props: { length: { type: Number, required: true } },
      setup(props) {
        return () => h(VirtualList!, { view: { ids, length: props.length } }, {
          row: ({ id }: { id: number }) => h('span', { 'class': 'cell', 'data-id': id }, `row ${id}`),
        })
      },
    })
    const wrapper = mount(Host, { props: { length: 1000 }, attachTo: document.body })
    const el = wrapper.find('.vlist').element as HTMLElement
    const shown = (): number[] => wrapper.findAll('.cell').map(c => Number(c.attributes('data-id')))
    // happy-dom has no layout: the list sees a 0 px viewport and renders its overscan rows around the position.
    el.scrollTop = 24 * 500
    await wrapper.find('.vlist').trigger('scroll')
    await nextTick()
    const window1 = shown()
    expect(window1.length).toBeGreaterThan(0)
    expect(window1).toEqual([...window1].sort((a, b) => a - b))
    expect(window1[0]).toBeGreaterThan(400)
    const elementsBefore = wrapper.findAll('.vrow').map(r => r.element)
    el.scrollTop = 24 * 700
    await wrapper.find('.vlist').trigger('scroll')
    await nextTick()
    const window2 = shown()
    expect(window2[0]).toBeGreaterThan(600)
    expect(window2).toEqual([...window2].sort((a, b) => a - b))
    // Every row's text and id match: recycled elements show their new entry.
    for (const row of wrapper.findAll('.vrow'))
      expect(row.text()).toBe(`row ${row.attributes('data-vid')}`)
    expect(wrapper.findAll('.vrow').map(r => r.element).filter(e => elementsBefore.includes(e)).length).toBeGreaterThan(0)
    wrapper.unmount()
  })
})
