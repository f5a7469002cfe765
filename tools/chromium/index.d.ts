import type { BrowserContext } from 'playwright-core';

export type { BrowserContext, Page } from 'playwright-core';

/** The Chromium binary: LEC_CHROMIUM, else Debian's. */
export declare const CHROMIUM: string;
/** The flags every headless run uses. */
export declare const CHROMIUM_FLAGS: readonly string[];
/** WebGL on SwiftShader and WebGPU (`launchChromium({ gpu: true })`). */
export declare const GPU_FLAGS: readonly string[];
/** Why Chromium cannot run here, or null. */
export declare function chromiumUnavailable(): string | null;

export interface LaunchOptions {
  /** Add GPU_FLAGS (WebGL on SwiftShader, WebGPU). */
  gpu?: boolean;
  /** More flags. */
  args?: readonly string[];
  /** The pages' size. */
  viewport?: { width: number; height: number };
}

/** Headless Chromium in a fresh profile; `close()` closes it and deletes the profile. */
export declare function launchChromium(options?: LaunchOptions): Promise<{ context: BrowserContext; close(): Promise<void> }>;
