/**
 * The types a layer registry is made of. A registry maps a layer type name to a factory that
 * rebuilds the layer from its config; `loadModel` takes one explicitly (nothing registers
 * itself on import). Model packages export their own registry to merge with `coreLayers`.
 */
import type { ConfigReader, JsonValue } from './json.js';
import type { Module } from './module.js';

/** What a factory gets besides its config: a way to build children and a size check. */
export interface BuildContext {
  /** Builds a child from its `{type, config}` description with the same registry. */
  build(description: JsonValue): Module<any, any>;
  /**
   * Checks, before anything is allocated, that a parameter of `shape` fits the budget (the
   * weights file's size); throws `FormatError` on an overflowing or oversized shape.
   */
  reserve(shape: readonly number[]): void;
}

/** Rebuilds one layer type from its config. */
export type LayerFactory = (config: ConfigReader, context: BuildContext) => Module<any, any>;

/** Layer type name → factory. Merge registries with object spread. */
export type LayerRegistry = Readonly<Record<string, LayerFactory>>;
