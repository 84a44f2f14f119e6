/**
 * Rename in place (a tab's label, a saved connection's name): the key being renamed, the field's text, the
 * refused name's problem, and the field (focused and selected when renaming starts; the template binds it
 * with `ref="renameInput"` inside a `v-for`, hence a list). `apply` returns a problem to keep the field
 * open with it, or undefined when the new name is taken.
 *
 * @example
 * const { renaming, renameText, renameInput, startRename, commitRename } = useInlineRename((id, text) => sessions.rename(id, text))
 */
import { nextTick, ref } from 'vue'

export function useInlineRename(apply: (key: string, text: string) => string | undefined | void) {
  const renaming = ref<string>()
  const renameText = ref('')
  const renameError = ref<string>()
  const renameInput = ref<HTMLInputElement[]>()

  function startRename(key: string, current: string): void {
    renaming.value = key
    renameText.value = current
    renameError.value = undefined
    void nextTick(() => {
      const input = renameInput.value?.[0]
      input?.focus()
      input?.select()
    })
  }

  function commitRename(): void {
    const key = renaming.value
    if (!key)
      return
    const problem = apply(key, renameText.value)
    if (problem) {
      renameError.value = problem
      return
    }
    renaming.value = undefined
  }

  function cancelRename(): void {
    renaming.value = undefined
    renameError.value = undefined
  }

  return { renaming, renameText, renameError, renameInput, startRename, commitRename, cancelRename }
}
