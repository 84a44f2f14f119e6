/**
 * A translated sentence with marked-up parts (`<strong>name</strong>`, `<code>allowEmit</code>`) without
 * v-html: the message names its parts as parameters (`{name}`), which come back as slots to render in
 * the template, so each language places them where its word order wants them.
 */
import { t } from '../../i18n'

export interface Segment {
  text: string
  /** Set for a part the template renders itself (the parameter's name). */
  slot?: string
}

const MARK = '\u0001'

/**
 * @example
 * segments('composer.attached.emit', ['name', 'option']) // [{ text: 'Sends through ' }, { text: '', slot: 'name' }, …]
 */
export function segments(key: string, slots: readonly string[], named: Record<string, unknown> = {}): Segment[] {
  const params: Record<string, unknown> = { ...named }
  for (const slot of slots) params[slot] = `${MARK}${slot}${MARK}`
  return t(key, params).split(MARK).map((text, i) => i % 2 === 1 ? { text: '', slot: text } : { text }).filter(s => s.slot || s.text)
}
