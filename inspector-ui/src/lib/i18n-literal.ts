/**
 * A plain text as a vue-i18n message: its `{ } | @` are literal (vue-i18n reads them as a parameter, a
 * plural separator and a linked message). For message files that take their English from the core.
 * @example literal('new Server(http, { parser })') // "new Server(http, {'{'} parser {'}'})"
 */
export function literal(text: string): string {
  return text.replace(/[{}|@]/g, c => `{'${c}'}`)
}
