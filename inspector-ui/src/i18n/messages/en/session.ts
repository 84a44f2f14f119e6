/**
 * One tab's page (SessionPage) and the timeline (TimelinePage), the server's ack requests (PendingAcks),
 * the sessions store's messages (stores/sessions.ts), the import's file checks (lib/files.ts) and the
 * editor's loading state (MonacoEditor).
 */
import type { MessageTree } from '../..'

export default {
  session: {
    welcome: {
      url: 'Enter a server URL above (the path is the namespace:',
      press: ') and press',
      tabs: '. Every connection is a tab (',
      timeline: ' for another); the Timeline merges them all.',
    },
    events: 'Events',
    frames: 'Frames',
    export: 'Export',
    exportTitle: 'Download this tab\'s log as a JSON file',
    scenario: 'Save as scenario',
    scenarioTitle: 'Save this tab as a scenario: replay it later and check the server still answers the same way',
    resizeDetail: 'Resize the detail pane',
    resizeSide: 'Resize the side panel',
    importedNote: 'An imported capture: read-only (no connection, nothing to send).',
    timeline: {
      title: 'Timeline',
      intro: 'all sessions, merged in the order things happened',
      export: 'Export all',
      exportTitle: 'Download every session\'s log as one JSON file',
      scenarioTitle: 'Save every tab as one scenario (several clients at once)',
    },
    acks: {
      label: 'Server ack requests',
      title: 'The server awaits an answer',
      waiting: 'the server has been waiting {s} s',
      waitingTitle: 'Since the request arrived. The server\'s own timeout is not sent to clients: it may give up sooner.',
      unknownTimeout: 'The server\'s timeout is unknown to a client.',
      window: 'The inspector\'s own answer window ({window} s, set in Options) closes in {left} s',
      thenDropped: '; then the request is dropped here, unanswered.',
      placeholder: 'answer arguments, e.g. ["4"]',
      answerLabel: 'Answer (JSON5 arguments)',
      answer: 'Answer',
    },
    noSession: 'This tab has no session',
    noRelay: 'The relay is not available: this page was not served by the inspector\'s server',
    closedLabel: '{label} (closed)',
    import: {
      tooBig: '"{name}" is {size} MB: the limit is {limit} MB. Split the capture or export fewer sessions.',
      empty: '"{name}" is empty: not an inspector export.',
      unreadable: '"{name}" could not be read: {message}',
    },
    copyRefused: '{what} (copy refused by the browser)',
    editorLoading: 'Loading editor…',
    editorError: 'The editor could not load: {message}',
  },
} satisfies MessageTree
