/**
 * Frame opcodes (RFC 6455 §5.2, §11.8). 3-7 are reserved for further data frames and
 * 0xB-0xF for further control frames; receiving one fails the connection.
 * @module
 */

/** The opcodes RFC 6455 defines. */
export const Opcode = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const

/** One of the defined opcodes. */
export type OpcodeValue = (typeof Opcode)[keyof typeof Opcode]

/** RFC 6455 §5.5: control frames have the high bit of the opcode set. */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0
}

/** Whether RFC 6455 defines `opcode` (§5.2: any other value fails the connection). */
export function isKnownOpcode(opcode: number): opcode is OpcodeValue {
  return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xa)
}
