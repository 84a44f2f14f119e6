import { ref } from 'vue'
import { t } from '../i18n'

/** Copy text; `copied` names what was copied last, for a second, as feedback. */
export function useClipboard() {
  const copied = ref<string | undefined>()
  let timer: ReturnType<typeof setTimeout> | undefined
  async function copy(text: string, what = t('log.detail.copiedValue')): Promise<void> {
    try {
      await navigator.clipboard.writeText(text)
      copied.value = what
    }
    catch {
      copied.value = t('session.copyRefused', { what })
    }
    clearTimeout(timer)
    timer = setTimeout(() => {
      copied.value = undefined
    }, 1500)
  }
  return { copied, copy }
}
