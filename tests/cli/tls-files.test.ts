/** --tls-cert / --tls-key checked before the runtime's TLS library sees them, naming the file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readTlsFiles } from '../../cli/tls-files.ts'

const dir = mkdtempSync(join(tmpdir(), 'portico-tls-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string): string => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}
const cert = file('cert.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
const key = file('key.pem', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n')

describe('readTlsFiles', () => {
  it('returns both PEM texts', () => {
    expect(readTlsFiles({ certPath: cert, keyPath: key }).key).toContain('PRIVATE KEY')
    const rsa = file('rsa.pem', '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n')
    expect(readTlsFiles({ certPath: cert, keyPath: rsa }).cert).toContain('CERTIFICATE')
  })

  it('names the flag and the file when they are swapped', () => {
    expect(() => readTlsFiles({ certPath: key, keyPath: cert })).toThrow(`--tls-cert ${key} is not a PEM certificate (it holds a private key: are --tls-cert and --tls-key swapped?)`)
    expect(() => readTlsFiles({ certPath: cert, keyPath: cert })).toThrow(`--tls-key ${cert} is not a PEM private key (it holds a certificate: are --tls-cert and --tls-key swapped?)`)
  })

  it('names a missing file, a non-PEM file and an encrypted key', () => {
    expect(() => readTlsFiles({ certPath: join(dir, 'nope.pem'), keyPath: key })).toThrow(`--tls-cert: cannot read ${join(dir, 'nope.pem')}: no such file`)
    const text = file('text.pem', 'hello')
    expect(() => readTlsFiles({ certPath: cert, keyPath: text })).toThrow(`--tls-key ${text} is not a PEM private key`)
    const encrypted = file('enc.pem', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIE\n-----END ENCRYPTED PRIVATE KEY-----\n')
    expect(() => readTlsFiles({ certPath: cert, keyPath: encrypted })).toThrow(/is encrypted/)
  })
})
