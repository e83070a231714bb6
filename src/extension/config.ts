/**
 * The one place the client reads `influenceLens.*` configuration. Settings are resolved per
 * document (multi-root: each folder may differ) and validated by the shared resolver; a bad
 * value falls back to its default with one warning per distinct problem.
 */
import * as vscode from 'vscode';
import type { Settings } from '../core/settings';
import { CONFIG_SECTION, settingsFromConfiguration } from './configMapping';

/** Settings a workspace may not set while untrusted (they name files to read or native code to load). */
export const RESTRICTED_KEYS: ReadonlySet<keyof Settings> = new Set<keyof Settings>(['validationFile']);

export class ConfigReader implements vscode.Disposable {
  private readonly reported = new Set<string>();
  private readonly changed = new vscode.EventEmitter<vscode.ConfigurationChangeEvent>();
  /** Fires when any `influenceLens.*` value changes. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(CONFIG_SECTION)) {
        this.reported.clear();
        this.changed.fire(e);
      }
    });
  }

  /** Validated settings for a document (or the window when no URI is given). */
  settingsFor(uri?: vscode.Uri): Settings {
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION, uri);
    const { settings, problems } = settingsFromConfiguration((key) => {
      const inspected = config.inspect(key);
      // Only values the user set: defaults come from the shared DEFAULT_SETTINGS, not the manifest.
      if (!vscode.workspace.isTrusted && RESTRICTED_KEYS.has(key)) return inspected?.globalValue;
      return inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
    });
    for (const p of problems) {
      if (this.reported.has(p)) continue;
      this.reported.add(p);
      void vscode.window.showWarningMessage(`Influence Lens: ${p}. Using the default instead.`, 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', CONFIG_SECTION);
      });
    }
    return settings;
  }

  async setLabelColumn(uri: vscode.Uri, column: string | null): Promise<void> {
    const target = vscode.workspace.getWorkspaceFolder(uri) ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration(CONFIG_SECTION, uri).update('labelColumn', column, target);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
