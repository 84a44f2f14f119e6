import { ref } from 'vue'

/** Copy text; `copied` names what was copied last, for a second, as feedback. */
export function useClipboard() {
  const copied = ref<string | undefined>()
  let timer: ReturnType<typeof setTimeout> | undefined
  async function copy(text: string, what = 'value'): Promise<void> {
    try {
      await navigator.clipboard.writeText(text)
      copied.value = what
    }
    catch {
      copied.value = `${what} (copy refused by the browser)`
    }
    clearTimeout(timer)
    timer = setTimeout(() => {
      copied.value = undefined
    }, 1500)
  }
  return { copied, copy }
}
