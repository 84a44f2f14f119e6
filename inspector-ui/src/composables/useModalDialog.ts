/**
 * A panel that is a modal `<dialog>` while it is mounted (the Attach, Environments and Workspace panels):
 * shown with `showModal()` on mount (focus trapped, the page inert behind it), the first control focused,
 * closed on unmount with the focus back on what opened it. Escape and a click on the backdrop close it
 * through the owner's state (`onClose`: the panel unmounts), not the browser's own close, so both stay in
 * step. `onEscape` may take Escape for itself first (e.g. to end a rename) by returning true.
 *
 * @example
 * const { onCancel, onClick } = useModalDialog(dialog, { focus: () => closeButton.value, onClose: () => emit('close') })
 * // <dialog ref="dialog" @cancel="onCancel" @click="onClick">
 */
import type { Ref } from 'vue'
import { nextTick, onBeforeUnmount, onMounted } from 'vue'

export interface ModalDialogOptions {
  /** The element to focus once shown. */
  focus: () => HTMLElement | undefined
  onClose: () => void
  /** Escape pressed: return true when it was handled (the dialog stays open). */
  onEscape?: () => boolean
}

export function useModalDialog(dialog: Ref<HTMLDialogElement | undefined>, options: ModalDialogOptions) {
  /** The element focused before the panel opened (its header button): focus goes back there. */
  let opener: HTMLElement | null = null

  onMounted(() => {
    opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    const el = dialog.value
    if (el && typeof el.showModal === 'function' && !el.open)
      el.showModal()
    void nextTick(() => options.focus()?.focus())
  })
  onBeforeUnmount(() => {
    if (dialog.value?.open)
      dialog.value.close()
    opener?.focus()
  })

  function onCancel(event: Event): void {
    event.preventDefault()
    if (options.onEscape?.())
      return
    options.onClose()
  }

  /** A click on the backdrop (outside the panel's box) closes it too. */
  function onClick(event: MouseEvent): void {
    if (event.target === dialog.value)
      options.onClose()
  }

  return { onCancel, onClick }
}
