// The buffer WebSocket sessions build large frames in: reused until released, never for small
// or huge frames.
import { describe, expect, it } from 'vitest'
import { allocateSharedFrame, isSharedFrame, releaseFrameBuffer, SHARED_FRAME_MIN } from '../../../core/server/shared-frame-buffer.ts'

describe('shared frame buffer', () => {
  it('hands out the same memory again until released, then new memory', () => {
    releaseFrameBuffer()
    const first = allocateSharedFrame(SHARED_FRAME_MIN + 10)
    first.fill(1)
    const second = allocateSharedFrame(SHARED_FRAME_MIN)
    expect(second.buffer).toBe(first.buffer)
    expect(isSharedFrame(second)).toBe(true)
    expect(isSharedFrame(first)).toBe(false) // only the frame last built counts
    expect(allocateSharedFrame(3 * SHARED_FRAME_MIN).buffer).not.toBe(first.buffer) // grown
    releaseFrameBuffer()
    const third = allocateSharedFrame(SHARED_FRAME_MIN)
    expect(third.buffer).not.toBe(first.buffer)
    expect(first[0]).toBe(1) // the released buffer's holder keeps its bytes
  })

  it('gives small and very large frames arrays of their own', () => {
    const small = allocateSharedFrame(SHARED_FRAME_MIN - 1)
    const huge = allocateSharedFrame(2 * 1024 * 1024)
    expect(isSharedFrame(small)).toBe(false)
    expect(isSharedFrame(huge)).toBe(false)
    expect(small.length).toBe(SHARED_FRAME_MIN - 1)
    expect(huge.length).toBe(2 * 1024 * 1024)
  })
})
