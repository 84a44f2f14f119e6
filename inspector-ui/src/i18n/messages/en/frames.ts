/** The frames view (FramesView): Engine.IO packets, their filters, the raw text and the decoded packet. */
import type { MessageTree } from '../..'

export default {
  frames: {
    intro: 'Engine.IO frames of this session, as they crossed the wire',
    typesLabel: 'Packet types',
    types: {
      all: 'All types',
      noHeartbeat: 'Hide ping/pong',
      message: 'Messages (4)',
      engine: 'Engine.IO only',
      upgrade: 'Upgrade (probe, 5, 6)',
    },
    directionLabel: 'Direction',
    inAndOut: 'in and out',
    filter: 'Filter frames (2probe, 42[…)',
    filterLabel: 'Filter frames by their text',
    label: 'Frames',
    noMatch: 'No frame matches the filter.',
    empty: 'No frames yet.',
    select: 'Select a frame to see its raw text and the decoded packet.',
    raw: 'Raw ({type}, {size}, protocol {protocol})',
    decoded: 'Decoded',
    chars: '({n} chars)',
    noData: '(no data)',
    binary: 'binary, {size}',
    binaryLabel: 'binary',
    summary: {
      namespace: 'namespace {nsp}',
      event: 'event "{name}"',
      args: '{n} arg | {n} args',
      ackId: 'ack id {id}',
      attachments: '{n} binary attachment follows | {n} binary attachments follow',
      recoveryOffset: 'recovery offset {offset} (not an argument)',
      recoverySession: 'recovery session {pid}',
      attachment: 'Binary attachment of the preceding packet, {size}',
      error: 'Could not decode: {message}',
    },
  },
} satisfies MessageTree
