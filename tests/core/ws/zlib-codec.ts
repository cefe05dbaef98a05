// The runtimes' permessage-deflate codec (node:zlib), used by the engine tests on both sides.
export { zlibCodec } from '../../../runtimes/zlib-deflate.ts'
