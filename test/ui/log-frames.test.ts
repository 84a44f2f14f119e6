// @vitest-environment happy-dom
/**
 * Issue 11, items 13 and 14, in the components: the JSON tree marks what the text filter matched (as text
 * nodes in `<mark>`), opens itself down to the match, and shows small binary as hex without a click.
 */
import type { Component } from 'vue'
import { entryMatchPaths } from '#core'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick } from 'vue'
import { markSegments } from '../../inspector-ui/src/lib/mark-text'

async function load(path: string): Promise<Component | undefined> {
  try {
    return ((await import(/* @vite-ignore */ path)) as { default: Component }).default
  }
  catch {
    return undefined
  }
}

describe('markSegments', () => {
  it('splits a text at each case-insensitive match, keeping every character', () => {
    const parts = markSegments('{role: "Admin"}, "admin"', 'ADMIN')
    expect(parts.map(p => p.text).join('')).toBe('{role: "Admin"}, "admin"')
    expect(parts.filter(p => p.mark).map(p => p.text)).toEqual(['Admin', 'admin'])
    expect(markSegments('abc', '')).toEqual([{ text: 'abc', mark: false }])
    // `İ` lowercases to two characters: no marks rather than wrong ones.
    expect(markSegments('İstanbul', 'stan').every(p => !p.mark)).toBe(true)
  })
})

const JsonNode = await load('../../inspector-ui/src/components/JsonNode.vue')

describe.skipIf(!JsonNode)('jsonNode with the text filter', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
  })

  /** The detail's arguments, as EntryDetail renders them. */
  function tree(args: unknown[], needle: string): ReturnType<typeof mount> {
    const entry = { id: 1, sessionId: 's', time: 0, mono: 0, direction: 'in', kind: 'event', name: 'tick', args, bytes: 1 } as const
    const matches = entryMatchPaths(entry, needle)
    return mount(defineComponent({
      render: () => h('div', args.map((value, i) => h(JsonNode!, { label: `arg ${i}`, value, open: i < 5, path: `$[${i}]`, needle, matches }))),
    }))
  }

  it('marks `role: "admin"` on the key and the value it spans, below a collapsed object that opened itself', async () => {
    const wrapper = tree([{ seq: 12 }, { user: { role: 'admin', name: 'Ada' } }], 'role: "admin"')
    await nextTick()
    const marks = wrapper.findAll('mark').map(m => m.text())
    expect(marks).toEqual(['role', '"admin"'])
    // Nothing but text: the payload's characters are text nodes.
    expect(wrapper.find('mark').element.children).toHaveLength(0)
  })

  it('marks a substring inside a value, and `seq: 12` on its key and value', async () => {
    const sub = tree([{ seq: 12, note: 'the admin said hi' }], 'admin')
    await nextTick()
    expect(sub.findAll('mark').map(m => m.text())).toEqual(['admin'])
    const whole = tree([{ seq: 12, other: 120 }], 'seq: 12')
    await nextTick()
    expect(whole.findAll('mark').map(m => m.text())).toEqual(['seq', '12'])
  })

  it('shows a 4-byte Buffer and nested binary as hex inline, larger binary as its first bytes', async () => {
    const wrapper = tree([Buffer.from([1, 2, 3, 0xAB]), { file: new Uint8Array([0xDE, 0xAD, 0xBE, 0xEF]) }, new Uint8Array(1229)], '')
    await nextTick()
    const hex = wrapper.findAll('[data-testid="json-hex"]').map(n => n.text())
    expect(hex).toEqual(['01 02 03 ab', 'de ad be ef', `${Array.from({ length: 16 }, () => '00').join(' ')} … (first 16 bytes)`])
    expect(wrapper.text()).toContain('binary 4 B')
  })

  it('keeps the summary of a long array on one line', async () => {
    const wrapper = mount(JsonNode!, { props: { value: Array.from({ length: 300 }, (_, i) => i), label: 'arg 0' } })
    await nextTick()
    const summary = wrapper.find('.json-summary')
    expect(summary.text()).toBe('Array(300)')
  })
})
