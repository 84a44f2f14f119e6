/**
 * Capture files and the tagged value encoding, one module per role (this file keeps the public surface that
 * `src/core/index.ts` and older imports use):
 * - encoding.ts: the `$t` tags for what JSON cannot hold, and one entry → JSON text (shared with the relay's
 *   wire, relay/wire.ts);
 * - envelope.ts: the format's name, version, header and reader types;
 * - writer.ts: `exportLog` (a JSON document) and `exportNdjson`, and the header the CLI streams;
 * - validate.ts: every field of a header, a session and an entry, each problem naming its field;
 * - reader.ts: one reader for both layouts, at once (`importCapture`) or in slices (`openCapture`).
 */
export { cutDeep, decodeTagged, describeTruncation, encodeEntry, encodeTagged, isDeepPlaceholder, MAX_ENCODE_DEPTH, reviveTagged, taggedReplacer, truncatedEntry } from './encoding'
export type { DeepPlaceholder, EncodeEntryOptions } from './encoding'
export { CAPTURE_FORMAT, CAPTURE_PARSERS, CAPTURE_VERSION } from './envelope'
export type { CaptureHeader, CaptureReader, ImportResult } from './envelope'
export { importCapture, openCapture } from './reader'
export { encodeCaptureHeader, exportLog, exportNdjson } from './writer'
export type { CaptureHeaderFields } from './writer'
