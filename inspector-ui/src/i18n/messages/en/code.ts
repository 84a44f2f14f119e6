/**
 * "Copy as client code" (CopyAsCode). The generated script itself (core `clientCode`) stays as the core
 * writes it, comments included: it is code to run, not UI.
 */
import type { MessageTree } from '../..'

export default {
  code: {
    open: 'Copy as code',
    openTitle: 'This connection and its emits as a runnable socket.io-client script',
    title: 'Copy as client code',
    close: 'Close',
    closeLabel: 'Close Copy as code',
    client: 'Client',
    emits: 'Emits',
    tabEmits: 'This tab\'s emits ({n})',
    latest: 'the latest {max} of {total}',
    selected: 'Only the selected row\'s event ({name})',
    selectedNone: 'Only the selected row\'s event: select an outgoing event',
    secrets: { auth: 'auth', headers: 'headers', cookies: 'cookies' },
    secretsNote: 'This code contains this tab\'s {what} values as they are: they may be secrets. Share it with care.',
    saveA: 'Save it as',
    saveB: ' and run',
    saveC: '.',
    copied: 'Copied {what}',
    theCode: 'the code',
    copy: 'Copy',
  },
} satisfies MessageTree
