/**
 * The Monaco build the inspector uses, loaded lazily (`import('./monaco/setup')`) the first time an
 * editor mounts. Only the editor core, a few editing contributions and the JavaScript Monarch
 * tokenizer (JSON5 highlighting: comments, unquoted keys, single quotes) — no language workers: errors
 * come from the core's `parseComposer` as markers, not from Monaco's JSON service.
 *
 * Workers: the one editor worker is a bundled file (`?worker`), created with `new Worker(url, {type:
 * 'module'})` by Vite — no blob URLs, no eval, so it runs under the served Content-Security-Policy.
 */
import * as monacoApi from 'monaco-editor/editor/editor.api.js'
import EditorWorker from 'monaco-editor/editor/editor.worker.js?worker'
import 'monaco-editor/features/codicon/register.js'
import 'monaco-editor/features/clipboard/register.js'
import 'monaco-editor/features/hover/register.js'
import 'monaco-editor/features/bracketMatching/register.js'
import 'monaco-editor/features/wordOperations/register.js'
import 'monaco-editor/features/comment/register.js'
import 'monaco-editor/features/contextmenu/register.js'
import 'monaco-editor/features/placeholderText/register.js'
// Completion of argument structure from the event catalog's schema (issue 17).
import 'monaco-editor/features/suggest/register.js'
// features/suggest only registers inline completions from suggestions; the suggest widget itself (its
// controller, Ctrl+Space, trigger characters) is this contribution, which editor.main would otherwise bring.
import 'monaco-editor/editor/contrib/suggest/browser/suggestController.js'
import 'monaco-editor/languages/definitions/javascript/register.js'

export * as monaco from 'monaco-editor/editor/editor.api.js'

globalThis.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
}

/** One completion offered in the composer's arguments editor. */
export interface EditorCompletion {
  readonly label: string
  readonly insertText: string
  readonly kind: 'key' | 'value' | 'snippet'
  readonly detail?: string
}

/** Gives the completions for the text at a character offset. */
export type CompletionSource = (text: string, offset: number) => readonly EditorCompletion[]

let completionSource: CompletionSource | undefined

/**
 * Set where completions come from (the composer, from the catalog's schema of the event being written).
 * One source for the page: the composer is the only editor that completes (its JavaScript-tokenized
 * model). Returns the disposer, which clears it only if it is still the one set.
 */
export function setCompletionSource(source: CompletionSource): () => void {
  completionSource = source
  return () => {
    if (completionSource === source)
      completionSource = undefined
  }
}

const KINDS = {
  key: monacoApi.languages.CompletionItemKind.Property,
  value: monacoApi.languages.CompletionItemKind.EnumMember,
  snippet: monacoApi.languages.CompletionItemKind.Snippet,
} as const

monacoApi.languages.registerCompletionItemProvider('javascript', {
  // Opened by these as well as by Ctrl+Space (the editor has quickSuggestions off: typed text is parsed).
  triggerCharacters: ['"', '\'', '{', ':', ','],
  provideCompletionItems(model, position) {
    const items = completionSource?.(model.getValue(), model.getOffsetAt(position)) ?? []
    const word = model.getWordUntilPosition(position)
    const range = new monacoApi.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn)
    return {
      suggestions: items.map((item, i) => ({
        label: item.label,
        insertText: item.insertText,
        detail: item.detail,
        kind: KINDS[item.kind],
        sortText: String(i).padStart(4, '0'),
        range,
      })),
    }
  },
})
