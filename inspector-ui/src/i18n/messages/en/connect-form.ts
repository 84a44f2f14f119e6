/**
 * The connect form's field errors (lib/connect-form.ts) and its Recent label. Messages a library writes
 * (json5's parse error) and the core's handshake-path rule (`handshakePathProblem`) are quoted as they are.
 */
import type { MessageTree } from '../..'

export default {
  connectForm: {
    fields: {
      auth: 'Auth',
      query: 'Query',
      headers: 'Headers',
      attempts: 'Attempts',
      delay: 'Delay',
      maxDelay: 'Max delay',
      timeout: 'Timeout',
      ackWindow: 'Answer window',
    },
    headerName: 'Headers: "{name}" is not a valid header name (letters, digits and - only, no spaces or colons)',
    headerLineBreak: 'Headers: the value of "{name}" contains a line break',
    headerForbidden: 'Headers: a browser page cannot send "{name}" (it drops it silently); turn on "through the relay"',
    headerForbiddenCookie: 'Headers: a browser page cannot send "{name}" (it drops it silently); turn on "through the relay" and use the Cookies field',
    headerForbiddenOrigin: 'Headers: a browser page cannot send "{name}" (it drops it silently); turn on "through the relay" and use the Origin field',
    origin: 'Origin must be an origin like https://app.example.com',
    originOnly: 'Origin must be only scheme, host and port, like https://app.example.com (no path)',
    urlEmpty: 'Enter the server URL, e.g. http://localhost:3000/namespace1',
    notUrl: 'Not a URL: write it with its scheme, e.g. http://localhost:3000/',
    scheme: 'Unsupported scheme "{scheme}": use http://, https://, ws:// or wss://',
    noHost: 'The URL has no host',
    notJson5: '{what} is not valid JSON5: {message}',
    notObject: '{what} must be an object, like {\'{\'} "key": "value" {\'}\'}',
    notString: '{what}: the value of "{key}" must be a string',
    whole: '{what} must be a whole number',
    wholeMin: '{what} must be a whole number ≥ {min}',
    between: '{what} must be between {min} and {max}',
    pathSlash: 'The handshake path starts with "/", e.g. /socket.io',
    pathSpaces: 'The handshake path cannot contain spaces',
    parserUnknown: 'Parser: unknown parser "{parser}" (use default or msgpack)',
    parserV2: 'Parser: msgpack needs the v4 client (socket.io-msgpack-parser 3 speaks the Socket.IO protocol of socket.io 3/4, not 2.x)',
    noRelay: 'The relay is not available: this page was not served by the inspector\'s server (npm start)',
    cookiesLine: 'Cookies: one line, like sid=abc; theme=dark',
    cookiesPairs: 'Cookies: write name=value pairs separated by "; ", like sid=abc; theme=dark',
    ca: 'CA certificate: paste a PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)',
    maxDelay: 'Max delay must be at least the delay',
    recentConnected: '{url} · connected {at}',
  },
} satisfies MessageTree
