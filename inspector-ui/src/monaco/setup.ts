/**
 * The Monaco build the inspector uses, loaded lazily (`import('./monaco/setup')`) the first time an
 * editor mounts. Only the editor core, a few editing contributions and the JavaScript Monarch
 * tokenizer (JSON5 highlighting: comments, unquoted keys, single quotes) — no language workers: errors
 * come from the core's `parseComposer` as markers, not from Monaco's JSON service.
 *
 * Workers: the one editor worker is a bundled file (`?worker`), created with `new Worker(url, {type:
 * 'module'})` by Vite — no blob URLs, no eval, so it runs under the served Content-Security-Policy.
 */
import EditorWorker from 'monaco-editor/editor/editor.worker.js?worker'
import 'monaco-editor/features/codicon/register.js'
import 'monaco-editor/features/clipboard/register.js'
import 'monaco-editor/features/hover/register.js'
import 'monaco-editor/features/bracketMatching/register.js'
import 'monaco-editor/features/wordOperations/register.js'
import 'monaco-editor/features/comment/register.js'
import 'monaco-editor/features/contextmenu/register.js'
import 'monaco-editor/features/placeholderText/register.js'
import 'monaco-editor/languages/definitions/javascript/register.js'

export * as monaco from 'monaco-editor/editor/editor.api.js'

globalThis.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
}
