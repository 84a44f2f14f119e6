/**
 * The shell (App.vue): header, view buttons, tabs, banners. The tab marks `v2`, `relay`, `file` and
 * `attached` are short technical badges and stay as they are (their tooltips are translated); URLs, file
 * names, tab names and the messages quoted in the banners (a parse error, the core's import error) are data.
 */
import type { MessageTree } from '../..'

export default {
  app: {
    uiLang: 'Language',
    sessions: 'Sessions',
    views: {
      timeline: 'Timeline',
      server: 'Server',
      tutorial: 'Tutorial',
      scenario: 'Scenario',
      catalog: 'Catalog',
      attach: 'Attach',
      attachTitle: 'Inspect your own app: the attach token and snippets, and the apps attached now',
      attachTitleUnavailable: 'Inspect your own app (not available on this page: see why)',
      import: 'Import',
      importTitle: 'Open an exported log as a read-only tab',
    },
    theme: {
      system: 'Theme: system',
      dark: 'Theme: dark',
      light: 'Theme: light',
    },
    tab: {
      rename: 'Tab name (empty: the default)',
      renameHint: '{title}. Double-click to rename.',
      close: 'Close tab {n} ({label})',
      closeTitle: 'Close (disposes the session)',
      newTitle: 'New connection (Ctrl/Cmd+T, Alt+T)',
      state: {
        connecting: 'connecting',
        connected: 'connected',
        disconnected: 'disconnected',
        reconnecting: 'reconnecting',
        imported: 'imported capture',
      },
      v2: 'socket.io-client v2',
      relay: 'through the relay',
      markV2: 'socket.io-client v2 (for socket.io 2.x servers)',
      markRelay: 'through the relay (the inspector\'s Node process)',
      markImported: 'imported capture (read-only)',
      attachedCanEmit: 'can emit: the composer emits through the app\'s socket',
      attachedReadOnly: 'read-only: the app did not allow emits',
      attachedTitle: 'attached: mirrors {name}\'s own socket ({runtime}), {how}',
      attachedLeftTitle: '{title} — the app left; its log stays',
      left: '(left)',
      leftTitle: 'The app\'s mirror left the inspector; the tab keeps its log and continues when the app attaches again',
    },
    dismiss: 'dismiss',
    scenarioNotSaved: 'Not saved as a scenario: {message}',
    exportFailed: 'Export failed, no file was written: {message}',
    importFailed: '"{file}" could not be imported: {message}',
    importEmpty: '"{file}" holds no session.',
    storageProblem: 'A saved setting could not be read ({key}: {message}).',
    storageMoved: 'It was set aside as {movedTo}; defaults are used.',
  },
} satisfies MessageTree
