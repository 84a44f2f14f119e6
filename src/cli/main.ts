#!/usr/bin/env node
/**
 * The `socketio-inspector` command (a public contract: README "Install and use"):
 *
 *   socketio-inspector [url] [--port 5173] [--host 127.0.0.1] [--open] [--demo] [--no-relay] [--attach-token T]
 *   socketio-inspector capture <url> [--out FILE] [--count N] [--duration SECONDS] [--events GLOB]... [--frames]
 *                                 [--format ndjson|json] [connection options]
 *   socketio-inspector emit <url> <event> [ARGS] [--ack] [--timeout MS] [connection options]
 *   socketio-inspector asyncapi <capture>... [--out FILE] [--server URL] [--title T] [--doc-version V]
 *   socketio-inspector test <capture-or-scenario>... [--url URL] [--reporter default|junit|json] [--out FILE] [--bail] [--fast]
 *   socketio-inspector --help | --version | <command> --help
 *
 * This file is the parser (commander): every flag, the help, the version, and usage errors (exit 2, a message
 * that names the flag). The commands are ./serve.ts, ./capture.ts and ./emit.ts, loaded on use so `--help`
 * and `--version` start at once (./test.ts too). Exit codes: 0 success, 1 connection failure or server refusal
 * (for `test`: also a failing step), 2 usage error, 3 no ack within `--timeout` (./types.ts `EXIT`). stdout
 * carries data only; everything else is on stderr.
 *
 * Runs as `node dist/cli.js` (the package's bin, `npm run build`) and from the sources as `tsx src/cli/main.ts`.
 */
import type { ServeFlags } from './serve'
import type { TestFlags } from './test'
import type { CaptureFlags, CliIO, ConnectionFlags, EmitFlags } from './types'
import process from 'node:process'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import packageJson from '../../package.json' with { type: 'json' }
import { EXIT } from './types'

/** `--port` and friends: a whole number in [min, max]. */
function wholeNumber(min: number, max: number = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string): number => {
    const text = value.trim()
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `Expected a whole number ≥ ${min}.` : `Expected a whole number from ${min} to ${max}.`)
    return Number(text)
  }
}

/** `--duration SECONDS`: a positive number, fractions allowed. */
function positiveSeconds(value: string): number {
  const n = Number(value.trim())
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('Expected a number of seconds greater than 0 (e.g. 10 or 0.5).')
  return n
}

/** `--host`: one name or address, no spaces (the host check says more when it is malformed). */
function hostName(value: string): string {
  const text = value.trim()
  if (text === '' || /\s/.test(text))
    throw new InvalidArgumentError('Expected a host name or address (e.g. 127.0.0.1, 0.0.0.0, devbox.lan).')
  return text
}

/** Repeatable flags (`--query a=1 --query b=2`) collect into an array. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

const port = wholeNumber(0, 65535)

/** The connection options `capture` and `emit` share, under their own heading in `--help`. */
function addConnectionOptions(command: Command, timeoutHelp: string): Command {
  const group = 'Connection options:'
  const options = [
    new Option('--path <path>', 'the server\'s Socket.IO path (default: /socket.io)'),
    new Option('--transports <list>', 'transports to try, in order: websocket,polling'),
    new Option('--auth <json5>', 'the handshake\'s auth object, JSON5 (e.g. "{token: \'abc\'}")'),
    new Option('--query <k=v>', 'a handshake query parameter (repeatable)').argParser(collect),
    new Option('--header <"K: V">', 'an extra HTTP header on both transports (repeatable)').argParser(collect),
    new Option('--cookie <k=v>', 'a cookie to send (repeatable)').argParser(collect),
    new Option('--origin <origin>', 'the Origin header to send'),
    new Option('--client <version>', 'the client protocol: v4 (socket.io 3/4 servers) or v2 (socket.io 2.x); default v4').choices(['v4', 'v2']),
    // Checked by parseConnectionOptions (a message that says what each value is), not by commander's choices.
    new Option('--parser <parser>', 'the server\'s Socket.IO parser: default (socket.io-parser) or msgpack (socket.io-msgpack-parser); v4 client only'),
    new Option('--insecure', 'accept any TLS certificate (self-signed, expired, other host)'),
    new Option('--ca <file>', 'trust the certificates in this PEM file too'),
    new Option('--timeout <ms>', timeoutHelp).argParser(wholeNumber(1)),
  ]
  for (const option of options)
    command.addOption(option.helpGroup(group))
  return command
}

/** The connection flags out of commander's options object (repeatables default to [], booleans to false). */
function connectionFlags(o: Record<string, unknown>): ConnectionFlags {
  return {
    path: o.path as string | undefined,
    transports: o.transports as string | undefined,
    auth: o.auth as string | undefined,
    query: (o.query as string[] | undefined) ?? [],
    header: (o.header as string[] | undefined) ?? [],
    cookie: (o.cookie as string[] | undefined) ?? [],
    origin: o.origin as string | undefined,
    client: o.client as string | undefined,
    parser: o.parser as string | undefined,
    insecure: o.insecure === true,
    ca: o.ca as string | undefined,
    timeout: o.timeout as number | undefined,
  }
}

/**
 * Parses `argv` (process.argv: node, script, ...args) and runs the command; resolves with the exit code.
 * `signal` aborts on Ctrl+C / SIGTERM: serve stops, capture ends its file cleanly.
 */
export async function runCli(argv: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  let exitCode: number = EXIT.ok
  const program = new Command('socketio-inspector')
  program
    .description('Inspect Socket.IO servers: the inspector in your browser, or headless capture and emit in a terminal or CI.')
    .version(packageJson.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .helpCommand(false)
    // Serve's flags belong before a command only: `emit ... --port 1` is a usage error, not serve's --port.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: text => void io.stdout.write(text),
      writeErr: text => void io.stderr.write(text),
    })
    .showHelpAfterError('(run with --help for usage)')

  program
    .argument('[url]', 'a Socket.IO namespace URL: the page opens with this connection filled in')
    .addOption(new Option('--port <port>', 'the inspector\'s port (0 picks a free one)').argParser(port).default(5173))
    .addOption(new Option('--host <host>', 'the address to listen on; a name or address given here is also answered as a Host').argParser(hostName).default('127.0.0.1'))
    .option('--open', 'open the inspector in the default browser ($BROWSER names another)')
    .option('--demo', 'also start the demo server (prints its URL and admin credentials)')
    .addOption(new Option('--demo-port <port>', 'the demo server\'s port with --demo (0 picks a free one)').argParser(port).default(3000))
    .option('--no-relay', 'do not start the relay: connections run in the browser only')
    .option('--attach-token <token>', 'the token apps attach with (attach(socket, { token })), at least 16 characters; default: $SOCKETIO_INSPECTOR_ATTACH_TOKEN, else a random one per start')
    .addHelpText('after', `
Run "socketio-inspector <command> --help" for a command's options.

Examples:
  npx socketio-inspector --demo
  npx socketio-inspector http://localhost:3000/chat --open
  npx socketio-inspector capture http://localhost:3000/chat --duration 10 --out chat.ndjson
  npx socketio-inspector emit http://localhost:3000/chat message '["hello"]' --ack | jq .
  npx socketio-inspector capture http://localhost:3000/ --parser msgpack --count 10
  npx socketio-inspector test rooms.ndjson --reporter junit --out report.xml`)
    .action(async (url: string | undefined, o: Record<string, unknown>) => {
      const flags: ServeFlags = {
        port: o.port as number,
        host: String(o.host),
        open: o.open === true,
        demo: o.demo === true,
        demoPort: o.demoPort as number,
        relay: o.relay !== false,
        attachToken: typeof o.attachToken === 'string' ? o.attachToken : undefined,
      }
      const { runServe } = await import('./serve')
      exitCode = await runServe(url, flags, io, signal)
    })

  const capture = program
    .command('capture')
    .summary('record a connection headless, in the capture format (NDJSON) the inspector imports')
    .description('Connect like a tab and write every entry in the capture format Export writes (NDJSON: the header line, then one entry per line), to stdout or --out. Stops after --count incoming events, after --duration, or on Ctrl+C / SIGTERM, always leaving a complete file the inspector\'s Import opens.')
    .argument('<url>', 'the Socket.IO namespace URL, e.g. http://localhost:3000/chat')
    .option('--out <file>', 'write to this file instead of stdout')
    .addOption(new Option('--count <n>', 'stop after N incoming events').argParser(wholeNumber(1)))
    .addOption(new Option('--duration <seconds>', 'stop after this many seconds').argParser(positiveSeconds))
    .addOption(new Option('--events <glob>', 'keep only events whose name matches (as the UI\'s name filter; repeatable)').argParser(collect))
    .option('--frames', 'also record the raw Engine.IO / Socket.IO frames')
    .addOption(new Option('--format <format>', 'ndjson (one entry per line) or json (one document)').choices(['ndjson', 'json']).default('ndjson'))
  addConnectionOptions(capture, 'give up connecting after this many milliseconds')
    .addHelpText('after', `
Examples:
  socketio-inspector capture http://localhost:3000/namespace1 --count 100 > capture.ndjson
  socketio-inspector capture https://api.example.com/chat --auth "{token: 'abc'}" --events "chat:*" --duration 30 --out chat.ndjson
  socketio-inspector capture http://localhost:3000/ | jq -c 'select(.kind == "event")'`)
    .action(async (url: string, o: Record<string, unknown>) => {
      const flags: CaptureFlags = {
        ...connectionFlags(o),
        out: o.out as string | undefined,
        count: o.count as number | undefined,
        duration: o.duration as number | undefined,
        events: (o.events as string[] | undefined) ?? [],
        frames: o.frames === true,
        format: o.format as CaptureFlags['format'],
      }
      const { runCapture } = await import('./capture')
      exitCode = await runCapture(url, flags, io, signal)
    })

  const emit = program
    .command('emit')
    .summary('connect, emit one event (ARGS: a JSON5 array), print the ack with --ack')
    .description('Connect, emit one event and disconnect. With --ack, wait for the server\'s ack and print its arguments as one JSON line (the array of arguments) on stdout.')
    .argument('<url>', 'the Socket.IO namespace URL, e.g. http://localhost:3000/chat')
    .argument('<event>', 'the event name')
    .argument('[args]', 'the arguments, a JSON5 array as in the composer (binary via {$binary: ...} / {$hex: ...}), e.g. \'["hi", {n: 1}]\'')
    .option('--ack', 'wait for the ack and print its arguments (exit 3 when none comes within --timeout)')
  addConnectionOptions(emit, 'give up connecting, and waiting for the ack, after this many milliseconds')
    .addHelpText('after', `
Examples:
  socketio-inspector emit http://localhost:3000/ message '["hello"]'
  socketio-inspector emit http://localhost:3000/namespace1 join '["room1"]' --ack --timeout 2000 | jq .`)
    .action(async (url: string, event: string, argsText: string | undefined, o: Record<string, unknown>) => {
      const flags: EmitFlags = { ...connectionFlags(o), ack: o.ack === true }
      const { runEmit } = await import('./emit')
      exitCode = await runEmit(url, event, argsText, flags, io)
    })

  program
    .command('asyncapi')
    .summary('write the AsyncAPI 3.0 document learned from captures')
    .description('Read each capture (JSON or NDJSON, as Export or capture write them), learn every event name, direction and argument schema (and ack schemas), and write an AsyncAPI 3.0 document (JSON) that describes the server: one channel per namespace, `send` = server → client, `receive` = client → server. Exit 0 when written, 1 when a capture cannot be read or is invalid (the file and the problem on stderr), 2 for a usage error.')
    .argument('<captures...>', 'capture files (JSON or NDJSON)')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--server <url>', 'the server to document when the captures hold several')
    .option('--title <title>', 'the document\'s info.title')
    .option('--doc-version <version>', 'the document\'s info.version (default 1.0.0)')
    .addHelpText('after', `
Examples:
  socketio-inspector asyncapi chat.ndjson --out asyncapi.json
  socketio-inspector asyncapi a.ndjson b.json --server http://localhost:3000 --title "Chat API"`)
    .action(async (files: string[], o: Record<string, unknown>) => {
      const { runAsyncApi } = await import('./asyncapi')
      exitCode = await runAsyncApi(files, {
        out: o.out as string | undefined,
        server: o.server as string | undefined,
        title: o.title as string | undefined,
        version: o.docVersion as string | undefined,
      }, io)
    })

  program
    .command('test')
    .summary('replay captures or scenarios and check every step (exit 0 all match, 1 any fails)')
    .description('Replay each capture or scenario file (several sessions at once, as recorded) and check that every expected event and ack comes, in the recorded order and within the allowance, with the recorded shape (and the values its rules pin). Exit 0 when every step matches, 1 when any fails (a connection failure too, with the diagnosis), 2 for a usage error or an unreadable or invalid file.')
    .argument('<files...>', 'capture files (JSON or NDJSON, as Export or capture write them) or scenario files')
    .option('--url <url>', 'replay against this server instead of the recorded one (same path and namespace unless the URL has its own)')
    .addOption(new Option('--reporter <reporter>', 'default (a line per step on stdout), junit or json').choices(['default', 'junit', 'json']).default('default'))
    .option('--out <file>', 'write the junit or json report to this file (the default report then goes to stdout)')
    .option('--bail', 'stop at the first failing step')
    .option('--fast', 'ignore the recorded spacing of emits (send each as soon as the previous step is done)')
    .addHelpText('after', `
Examples:
  socketio-inspector test rooms.ndjson
  socketio-inspector test scenarios/*.json --url http://staging.local:3000 --reporter junit --out report.xml`)
    .action(async (files: string[], o: Record<string, unknown>) => {
      const flags: TestFlags = {
        url: o.url as string | undefined,
        reporter: o.reporter as TestFlags['reporter'],
        out: o.out as string | undefined,
        bail: o.bail === true,
        fast: o.fast === true,
      }
      const { runTest } = await import('./test')
      exitCode = await runTest(files, flags, io, signal)
    })

  try {
    await program.parseAsync(argv)
  }
  catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end the parse this way too.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help')
        return EXIT.ok
      return EXIT.usage
    }
    throw error
  }
  return exitCode
}

/** Resolves once everything written so far has been handed to the OS (before process.exit). */
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise(resolve => stream.write('', () => resolve()))
}

const controller = new AbortController()
// Once each: a second Ctrl+C ends the process at once (the default action) if stopping hangs.
process.once('SIGINT', () => controller.abort())
process.once('SIGTERM', () => controller.abort())
// A closed pipe (`capture | head`) is the reader's choice, not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE')
    controller.abort()
})

runCli(process.argv, { stdout: process.stdout, stderr: process.stderr }, controller.signal)
  .catch((error: unknown) => {
    process.stderr.write(`socketio-inspector: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return EXIT.connection
  })
  .then(async (code) => {
    process.exitCode = code
    await Promise.all([drained(process.stdout), drained(process.stderr)])
    // Sockets a command closed may hold the loop a moment longer; the command is over.
    process.exit(code)
  })
