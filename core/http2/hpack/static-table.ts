/**
 * The static table (RFC 7541 §2.3.1, Appendix A): 61 fixed entries, indices 1..61, ahead
 * of the dynamic table in the index address space (§2.3.3). The encoder's lookups are
 * built from it once: exact name + value, and name alone (the lowest index, as the RFC's
 * own examples use: `:status` → 8, `:path` → 4).
 * @module
 */

/** RFC 7541 Appendix A, in index order (index = position + 1). */
export const STATIC_TABLE: readonly (readonly [name: string, value: string])[] = [
  [':authority', ''], //                   1
  [':method', 'GET'], //                   2
  [':method', 'POST'], //                  3
  [':path', '/'], //                       4
  [':path', '/index.html'], //             5
  [':scheme', 'http'], //                  6
  [':scheme', 'https'], //                 7
  [':status', '200'], //                   8
  [':status', '204'], //                   9
  [':status', '206'], //                  10
  [':status', '304'], //                  11
  [':status', '400'], //                  12
  [':status', '404'], //                  13
  [':status', '500'], //                  14
  ['accept-charset', ''], //              15
  ['accept-encoding', 'gzip, deflate'], // 16
  ['accept-language', ''], //             17
  ['accept-ranges', ''], //               18
  ['accept', ''], //                      19
  ['access-control-allow-origin', ''], // 20
  ['age', ''], //                         21
  ['allow', ''], //                       22
  ['authorization', ''], //               23
  ['cache-control', ''], //               24
  ['content-disposition', ''], //         25
  ['content-encoding', ''], //            26
  ['content-language', ''], //            27
  ['content-length', ''], //              28
  ['content-location', ''], //            29
  ['content-range', ''], //               30
  ['content-type', ''], //                31
  ['cookie', ''], //                      32
  ['date', ''], //                        33
  ['etag', ''], //                        34
  ['expect', ''], //                      35
  ['expires', ''], //                     36
  ['from', ''], //                        37
  ['host', ''], //                        38
  ['if-match', ''], //                    39
  ['if-modified-since', ''], //           40
  ['if-none-match', ''], //               41
  ['if-range', ''], //                    42
  ['if-unmodified-since', ''], //         43
  ['last-modified', ''], //               44
  ['link', ''], //                        45
  ['location', ''], //                    46
  ['max-forwards', ''], //                47
  ['proxy-authenticate', ''], //          48
  ['proxy-authorization', ''], //         49
  ['range', ''], //                       50
  ['referer', ''], //                     51
  ['refresh', ''], //                     52
  ['retry-after', ''], //                 53
  ['server', ''], //                      54
  ['set-cookie', ''], //                  55
  ['strict-transport-security', ''], //   56
  ['transfer-encoding', ''], //           57
  ['user-agent', ''], //                  58
  ['vary', ''], //                        59
  ['via', ''], //                         60
  ['www-authenticate', ''], //            61
]

/** Entries in the static table; dynamic index 1 is address 62. */
export const STATIC_TABLE_LENGTH = 61

/** Static names (index - 1 → name), for the decoder: no tuple to unpack per field. */
export const STATIC_NAMES: readonly string[] = STATIC_TABLE.map(([name]) => name)
/** Static values (index - 1 → value). */
export const STATIC_VALUES: readonly string[] = STATIC_TABLE.map(([, value]) => value)

/** What the static table holds for one name: its lowest index and the index of each value. */
export interface StaticName {
  readonly index: number
  readonly values: ReadonlyMap<string, number>
}

/** name → its entries. Two-level, so a lookup builds no `name + value` key string. */
export const STATIC_BY_NAME: ReadonlyMap<string, StaticName> = (() => {
  const byName = new Map<string, { index: number; values: Map<string, number> }>()
  STATIC_TABLE.forEach(([name, value], i) => {
    let entry = byName.get(name)
    if (entry === undefined) byName.set(name, (entry = { index: i + 1, values: new Map() }))
    if (!entry.values.has(value)) entry.values.set(value, i + 1)
  })
  return byName
})()
