// @vitest-environment happy-dom
/**
 * The stored layout's revisions (lib/storage-migrate.ts): revision 1 (today's keys, no `schema` key) is
 * brought to 2 once, before the first read, without losing anything; a fresh browser starts at 2; a newer
 * layout is left alone and reported.
 */
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { recheckStoredLayout, storageProblems } from '../../inspector-ui/src/lib/storage'
import { CURRENT_REVISION, migrateStorage, SCHEMA_KEY } from '../../inspector-ui/src/lib/storage-migrate'
import { useComposerStore } from '../../inspector-ui/src/stores/composer'

const HISTORY = 'sio-inspector-v1-history'
const MEMORY = 'sio-inspector-v1-event-memory'

/** Revision 1's history: newest first, as the composer wrote it before issue 16. */
const OLD_HISTORY = [
  { event: 'todo:create', args: '[{ title: "b" }]', ack: true, ackTimeoutMs: 5000, volatile: false, sentAt: 3 },
  { event: 'chat', args: '["hi"]', ack: false, ackTimeoutMs: 10000, volatile: true, sentAt: 2 },
  { event: 'todo:create', args: '[{ title: "a" }]', ack: false, ackTimeoutMs: 10000, volatile: false, sentAt: 1 },
  { event: 42, args: 'not an item' },
]

describe('the stored layout', () => {
  beforeEach(() => {
    localStorage.clear()
    storageProblems.value = []
    recheckStoredLayout()
  })

  it('starts a fresh browser at the current revision', () => {
    expect(migrateStorage(localStorage)).toEqual({ from: CURRENT_REVISION, to: CURRENT_REVISION, steps: [] })
    expect(localStorage.getItem(SCHEMA_KEY)).toBe(String(CURRENT_REVISION))
  })

  it('brings revision 1 to 2: the per-event memory from the history (newest send of each name), the history kept', () => {
    localStorage.setItem(HISTORY, JSON.stringify(OLD_HISTORY))
    localStorage.setItem('sio-inspector-v1-lang', 'ko')
    const outcome = migrateStorage(localStorage)
    expect(outcome.from).toBe(1)
    expect(outcome.to).toBe(2)
    expect(outcome.steps.join('; ')).toContain('2 event names')
    expect(JSON.parse(localStorage.getItem(MEMORY)!)).toEqual([
      { event: 'todo:create', args: '[{ title: "b" }]', ack: true, ackTimeoutMs: 5000, volatile: false, sentAt: 3 },
      { event: 'chat', args: '["hi"]', ack: false, ackTimeoutMs: 10000, volatile: true, sentAt: 2 },
    ])
    expect(JSON.parse(localStorage.getItem(HISTORY)!)).toEqual(OLD_HISTORY)
    expect(localStorage.getItem('sio-inspector-v1-lang')).toBe('"ko"')
    expect(localStorage.getItem(SCHEMA_KEY)).toBe('2')
    // Once only: a second run has nothing to do, and a memory the user has since is never replaced.
    localStorage.setItem(MEMORY, '[]')
    expect(migrateStorage(localStorage).steps).toEqual([])
    expect(localStorage.getItem(MEMORY)).toBe('[]')
  })

  it('leaves a damaged history for its store to set aside, and still moves to revision 2', () => {
    localStorage.setItem(HISTORY, '{broken')
    const outcome = migrateStorage(localStorage)
    expect(outcome).toMatchObject({ from: 1, to: 2, steps: [] })
    expect(localStorage.getItem(HISTORY)).toBe('{broken')
    expect(localStorage.getItem(MEMORY)).toBeNull()
  })

  it('leaves a newer layout as it is and says so', () => {
    localStorage.setItem(SCHEMA_KEY, '9')
    localStorage.setItem(HISTORY, JSON.stringify(OLD_HISTORY))
    const outcome = migrateStorage(localStorage)
    expect(outcome.problem).toContain('newer Socket.IO Inspector (layout revision 9')
    expect(localStorage.getItem(MEMORY)).toBeNull()
    expect(localStorage.getItem(SCHEMA_KEY)).toBe('9')
  })

  it('runs before the first read: the composer of an old browser restores the ack of an event sent with one', async () => {
    localStorage.setItem(HISTORY, JSON.stringify(OLD_HISTORY))
    setActivePinia(createPinia())
    const composer = useComposerStore()
    expect(localStorage.getItem(SCHEMA_KEY)).toBe('2')
    composer.event = 'todo:create'
    await nextTick()
    expect(composer.ack).toBe(true)
    expect(composer.ackTimeoutMs).toBe(5000)
    expect(composer.args).toBe('[{ title: "b" }]')
    // The unreadable item of the old history is its store's to set aside (and say so), as before.
    expect(storageProblems.value.map(p => p.message)).toEqual(['history: 1 unreadable entry set aside'])
  })
})
