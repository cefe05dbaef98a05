/**
 * The shared trick of the light fetch objects: a class whose prototype chain runs through the
 * runtime's own class, and whose every member it does not define itself builds the real
 * object (once) and asks it. What the light class caches is fast; everything else is exactly
 * what the runtime's object does.
 * @module
 */

/**
 * Links `light.prototype` to `real.prototype`, and defines on `light.prototype` a delegating
 * getter or method for each member of `real.prototype` that `light.prototype` lacks.
 */
export function delegateToReal(
  light: { prototype: object },
  real: { prototype: object },
  materialize: (self: never) => object,
): void {
  Object.setPrototypeOf(light.prototype, real.prototype)
  for (const name of Object.getOwnPropertyNames(real.prototype)) {
    if (name === 'constructor' || Object.prototype.hasOwnProperty.call(light.prototype, name)) continue
    const descriptor = Object.getOwnPropertyDescriptor(real.prototype, name)!
    if (descriptor.get !== undefined) {
      Object.defineProperty(light.prototype, name, {
        configurable: true,
        get(this: never) {
          return Reflect.get(real.prototype, name, materialize(this))
        },
      })
    } else if (typeof descriptor.value === 'function') {
      Object.defineProperty(light.prototype, name, {
        configurable: true,
        writable: true,
        value(this: never, ...args: unknown[]) {
          const target = materialize(this) as Record<string, (...a: unknown[]) => unknown>
          return target[name]!(...args)
        },
      })
    }
  }
}
