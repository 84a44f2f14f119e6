/**
 * The event log's text filter, for what highlights its matches: the rows (`LogRow`) and the selected entry's
 * detail (`EntryDetail`, a sibling of the log). One event log is on screen at a time (a session's or the
 * timeline's), and it publishes its filter while it lives.
 */
import type { ShallowRef } from 'vue'
import { onScopeDispose, shallowRef, watch } from 'vue'

const needle = shallowRef('')

/** The needle to highlight: the text filter as the filter reads it (trimmed; empty when there is none). */
export function useLogNeedle(): Readonly<ShallowRef<string>> {
  return needle
}

/** Publish a log's text filter (call in the log's setup); cleared when the log goes. */
export function publishLogNeedle(text: () => string | undefined): void {
  watch(text, (value) => {
    needle.value = (value ?? '').trim()
  }, { immediate: true })
  onScopeDispose(() => {
    needle.value = ''
  })
}
