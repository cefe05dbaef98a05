// SocketQueue: push → pull for callback sockets. Chunks pushed before or after read(), end,
// error, and the backpressure hooks: pause at the high-water mark, resume below it.
import { describe, expect, it } from 'vitest'
import { SocketQueue, type FlowControl } from '../../../core/server/socket-queue.ts'

/** Flow hooks that record their calls in order. */
function recorder(): FlowControl & { calls: string[] } {
  const calls: string[] = []
  return { calls, pause: () => void calls.push('pause'), resume: () => void calls.push('resume') }
}

const bytes = (n: number, fill = 0x61): Uint8Array => new Uint8Array(n).fill(fill)

/** Whether `promise` has settled after pending microtasks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  promise.then(() => (done = true), () => (done = true))
  await new Promise((resolve) => setTimeout(resolve, 0))
  return done
}

describe('push and read', () => {
  it('a chunk pushed before read() is returned by it, as the same array', async () => {
    const q = new SocketQueue(recorder())
    const chunk = bytes(3)
    q.push(chunk)
    expect(await q.read()).toBe(chunk)
  })

  it('a pending read() gets the next chunk pushed', async () => {
    const q = new SocketQueue(recorder())
    const pending = q.read()
    expect(await settled(pending)).toBe(false)
    const chunk = bytes(2)
    q.push(chunk)
    expect(await pending).toBe(chunk)
  })

  it('returns chunks in the order they were pushed', async () => {
    const q = new SocketQueue(recorder())
    const chunks = [bytes(1, 1), bytes(2, 2), bytes(3, 3)]
    for (const c of chunks) q.push(c)
    for (const c of chunks) expect(await q.read()).toBe(c)
    q.push(chunks[0]!)
    expect(await q.read()).toBe(chunks[0])
  })

  it('waits again once the queue is drained', async () => {
    const q = new SocketQueue(recorder())
    q.push(bytes(1))
    await q.read()
    const next = q.read()
    expect(await settled(next)).toBe(false)
    q.push(bytes(1, 0x62))
    expect(await next).toEqual(bytes(1, 0x62))
  })
})

describe('end', () => {
  it('resolves a pending read with null', async () => {
    const q = new SocketQueue(recorder())
    const pending = q.read()
    q.end()
    expect(await pending).toBeNull()
  })

  it('queued chunks are read first, then null, and null again after that', async () => {
    const q = new SocketQueue(recorder())
    q.push(bytes(1, 1))
    q.push(bytes(1, 2))
    q.end()
    expect(await q.read()).toEqual(bytes(1, 1))
    expect(await q.read()).toEqual(bytes(1, 2))
    expect(await q.read()).toBeNull()
    expect(await q.read()).toBeNull()
  })
})

describe('error', () => {
  it('rejects a pending read with the error', async () => {
    const q = new SocketQueue(recorder())
    const pending = q.read()
    const failure = new Error('ECONNRESET')
    q.error(failure)
    await expect(pending).rejects.toBe(failure)
  })

  it('rejects every later read once the queue is empty, even after end', async () => {
    const q = new SocketQueue(recorder())
    const failure = new Error('reset')
    q.error(failure)
    q.end()
    await expect(q.read()).rejects.toBe(failure)
    await expect(q.read()).rejects.toBe(failure)
  })

  it('hands out the chunks received before the error first', async () => {
    const q = new SocketQueue(recorder())
    const failure = new Error('reset')
    q.push(bytes(1))
    q.error(failure)
    expect(await q.read()).toEqual(bytes(1))
    await expect(q.read()).rejects.toBe(failure)
  })

  it('an error without a value still rejects, with an Error', async () => {
    const q = new SocketQueue(recorder())
    q.error(undefined)
    await expect(q.read()).rejects.toBeInstanceOf(Error)
  })
})

describe('backpressure', () => {
  it('pauses when the queued bytes reach the high-water mark, not one byte before', async () => {
    const flow = recorder()
    const q = new SocketQueue(flow, 10)
    q.push(bytes(9))
    expect(flow.calls).toEqual([])
    q.push(bytes(1))
    expect(flow.calls).toEqual(['pause'])
  })

  it('pauses once however much more arrives while paused', () => {
    const flow = recorder()
    const q = new SocketQueue(flow, 10)
    for (let i = 0; i < 5; i++) q.push(bytes(10))
    expect(flow.calls).toEqual(['pause'])
  })

  it('resumes when a read brings the queue below the mark, not when it reaches it', async () => {
    const flow = recorder()
    const q = new SocketQueue(flow, 10)
    q.push(bytes(1))
    q.push(bytes(10))
    q.push(bytes(9))
    expect(flow.calls).toEqual(['pause'])
    await q.read() // 19 left
    await q.read() // 9 left: below 10
    expect(flow.calls).toEqual(['pause', 'resume'])
    await q.read()
    expect(flow.calls).toEqual(['pause', 'resume'])
  })

  it('stays paused while exactly the mark is queued', async () => {
    const flow = recorder()
    const q = new SocketQueue(flow, 10)
    q.push(bytes(1))
    q.push(bytes(10))
    await q.read() // 10 left
    expect(flow.calls).toEqual(['pause'])
    await q.read()
    expect(flow.calls).toEqual(['pause', 'resume'])
  })

  it('pauses again after a resume when the queue fills up again', async () => {
    const flow = recorder()
    const q = new SocketQueue(flow, 4)
    q.push(bytes(4))
    await q.read()
    q.push(bytes(4))
    await q.read()
    expect(flow.calls).toEqual(['pause', 'resume', 'pause', 'resume'])
  })

  it('a chunk handed straight to a pending read is not queued, so it never pauses', async () => {
    const flow = recorder()
    const q = new SocketQueue(flow, 4)
    const pending = q.read()
    q.push(bytes(100))
    expect(await pending).toHaveLength(100)
    expect(flow.calls).toEqual([])
    q.push(bytes(3))
    expect(flow.calls).toEqual([])
  })

  it('one chunk as large as the mark pauses by itself', () => {
    const flow = recorder()
    new SocketQueue(flow, 8).push(bytes(8))
    expect(flow.calls).toEqual(['pause'])
  })

  it('defaults the high-water mark to 64 KiB', () => {
    const flow = recorder()
    const q = new SocketQueue(flow)
    q.push(bytes(64 * 1024 - 1))
    expect(flow.calls).toEqual([])
    q.push(bytes(1))
    expect(flow.calls).toEqual(['pause'])
  })
})

describe('one pending reader', () => {
  it('the pending read takes the chunk; the next read waits for the next one', async () => {
    const q = new SocketQueue(recorder())
    const first = q.read()
    q.push(bytes(1, 1))
    expect(await first).toEqual(bytes(1, 1))
    const second = q.read()
    expect(await settled(second)).toBe(false)
    q.push(bytes(1, 2))
    expect(await second).toEqual(bytes(1, 2))
  })

  it('end and error settle the pending read once; later reads see the state', async () => {
    const q = new SocketQueue(recorder())
    const pending = q.read()
    q.end()
    q.error(new Error('after end'))
    expect(await pending).toBeNull()
    await expect(q.read()).rejects.toThrow()
  })
})
