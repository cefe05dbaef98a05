/**
 * Publish/subscribe between the WebSockets of one server (the topics of the `serve({ fetch, websocket })` API): a message is framed
 * once and the same bytes are written to every subscriber.
 * @module
 */
import type { MessageOpcode } from '../ws/events.ts'
import { encodeMessage } from '../ws/frame-serializer.ts'
import { Opcode } from '../ws/opcode.ts'

/** What a topic needs of a socket: to take pre-framed bytes. */
export interface Subscriber {
  /** Writes an already framed message; the bytes sent, -1 if queued, 0 if dropped. */
  sendFrame(frame: Uint8Array): number
}

/** The topics of one server. */
export class Topics {
  private readonly topics = new Map<string, Set<Subscriber>>()

  subscribe(topic: string, socket: Subscriber): void {
    let set = this.topics.get(topic)
    if (set === undefined) this.topics.set(topic, (set = new Set()))
    set.add(socket)
  }

  unsubscribe(topic: string, socket: Subscriber): void {
    const set = this.topics.get(topic)
    if (set === undefined) return
    set.delete(socket)
    if (set.size === 0) this.topics.delete(topic)
  }

  isSubscribed(topic: string, socket: Subscriber): boolean {
    return this.topics.get(topic)?.has(socket) === true
  }

  count(topic: string): number {
    return this.topics.get(topic)?.size ?? 0
  }

  /** The topics `socket` is subscribed to. */
  of(socket: Subscriber): string[] {
    const out: string[] = []
    for (const [topic, set] of this.topics) if (set.has(socket)) out.push(topic)
    return out
  }

  /**
   * Sends a message to every subscriber of `topic` but `except`, framed once (uncompressed);
   * the bytes written, summed (0 if none).
   */
  publish(topic: string, opcode: MessageOpcode, payload: Uint8Array, except: Subscriber | null): number {
    const set = this.topics.get(topic)
    if (set === undefined) return 0
    const frame = encodeMessage(opcode === 'text' ? Opcode.text : Opcode.binary, payload)
    let sent = 0
    for (const socket of set) {
      if (socket === except) continue
      const n = socket.sendFrame(frame)
      if (n > 0) sent += n
    }
    return sent
  }

  /** Removes `socket` from every topic (it closed). */
  leaveAll(socket: Subscriber): void {
    for (const [topic, set] of this.topics) {
      if (set.delete(socket) && set.size === 0) this.topics.delete(topic)
    }
  }
}
