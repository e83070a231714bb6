/**
 * Turns `influenceLens.*` configuration values into the shared, validated `Settings`.
 * Pure (no `vscode`): `config.ts` supplies a getter. A bad value never stops a scan: it
 * falls back to its default and is reported once.
 */
import { DEFAULT_SETTINGS, resolveSettings, SettingsError, type Settings } from '../core/settings';

export const CONFIG_SECTION = 'influenceLens';
export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];

export interface ResolvedConfig {
  settings: Settings;
  /** One message per value that could not be used ("influenceLens.epochs: expected …"). */
  problems: string[];
}

/** Build settings from a getter of configuration values (undefined = not set). */
export function settingsFromConfiguration(get: (key: keyof Settings) => unknown): ResolvedConfig {
  const input: Partial<Record<keyof Settings, unknown>> = {};
  for (const k of SETTING_KEYS) {
    const v = get(k);
    if (v !== undefined) input[k] = v;
  }
  const problems: string[] = [];
  // Drop offending keys one at a time so each bad value is named and the rest still apply.
  for (let attempt = 0; attempt <= SETTING_KEYS.length; attempt++) {
    try {
      return { settings: resolveSettings(input), problems };
    } catch (e) {
      if (!(e instanceof SettingsError) || !(e.key in input)) throw e;
      problems.push(`${CONFIG_SECTION}.${e.message}`);
      delete input[e.key as keyof Settings];
    }
  }
  return { settings: DEFAULT_SETTINGS, problems };
}
