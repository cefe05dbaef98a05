/**
 * Reading `--tls-cert` and `--tls-key`, and checking that each holds what its flag says before
 * a runtime's TLS library fails with `PEM routines::no start line` and no file name.
 * @module
 */
import { readFileSync } from 'node:fs'
import type { TlsFiles } from './args.ts'

/** A TLS file that cannot be used; the message names the flag and the file. */
export class TlsFileError extends Error {
  override name = 'TlsFileError'
}

const CERTIFICATE = /-----BEGIN CERTIFICATE-----/
const PRIVATE_KEY = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/

/** The PEM texts, or a `TlsFileError` for a missing, swapped or non-PEM file. */
export function readTlsFiles(files: TlsFiles): { cert: string; key: string } {
  const cert = read(files.certPath, '--tls-cert')
  const key = read(files.keyPath, '--tls-key')
  if (!CERTIFICATE.test(cert)) {
    const swapped = PRIVATE_KEY.test(cert) ? ' (it holds a private key: are --tls-cert and --tls-key swapped?)' : ''
    throw new TlsFileError(`--tls-cert ${files.certPath} is not a PEM certificate${swapped}`)
  }
  if (!PRIVATE_KEY.test(key)) {
    const swapped = CERTIFICATE.test(key) ? ' (it holds a certificate: are --tls-cert and --tls-key swapped?)' : ''
    throw new TlsFileError(`--tls-key ${files.keyPath} is not a PEM private key${swapped}`)
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(key)) {
    throw new TlsFileError(`--tls-key ${files.keyPath} is encrypted; Portico needs the key without a passphrase`)
  }
  return { cert, key }
}

function read(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message
    throw new TlsFileError(`${flag}: cannot read ${path}: ${why}`)
  }
}
