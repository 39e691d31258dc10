/**
 * The inventory: named clusters, each a list of hosts and optional SSH options, stored with `conf`
 * (~/.config/pcmk-console/config.json, or $PCMK_CONFIG_DIR). Never a password or a private key:
 * only host names, an ssh_config path and known_hosts paths.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Conf from 'conf';

export interface ClusterEntry {
  hosts: string[];
  sshConfig?: string;
  knownHosts?: string[];
}

interface Schema {
  clusters: Record<string, ClusterEntry>;
  current?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const HOST = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,253}$/;

export class InventoryError extends Error {
  override name = 'InventoryError';
}

export function validateClusterName(name: string): void {
  if (!NAME.test(name)) throw new InventoryError(`invalid cluster name ${JSON.stringify(name)} (letters, digits, . _ - only)`);
}

export function validateHost(host: string): void {
  if (!HOST.test(host)) throw new InventoryError(`invalid host ${JSON.stringify(host)}`);
}

/**
 * Opens the inventory. `conf` (and the JSON schema validator it brings) loads here, on first use,
 * so commands that never read the inventory (--local, --cib, --host, help) do not load it.
 */
export async function openInventory(dir: string | undefined = process.env.PCMK_CONFIG_DIR): Promise<Inventory> {
  const { default: ConfStore } = await import('conf');
  return new Inventory(new ConfStore<Schema>({ projectName: 'pcmk-console', projectSuffix: '', cwd: dir, defaults: { clusters: {} } }));
}

/**
 * The file openInventory() keeps the inventory in, without loading `conf`: $PCMK_CONFIG_DIR, else
 * $XDG_CONFIG_HOME/pcmk-console, else ~/.config/pcmk-console, then config.json (conf's own rule on
 * Linux; a unit test holds the two together).
 */
export function inventoryFile(env: NodeJS.ProcessEnv, home: string): string {
  const dir = env.PCMK_CONFIG_DIR || path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'pcmk-console');
  return path.join(dir, 'config.json');
}

/** The inventory's current cluster read straight from its file: null when there is none or no file; undefined when it cannot be read. */
export function currentClusterFromFile(file: string): string | null | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? null : undefined;
  }
  try {
    const current = (JSON.parse(text) as Partial<Schema>).current;
    return typeof current === 'string' ? current : null;
  } catch {
    return undefined;
  }
}

export class Inventory {
  constructor(private readonly store: Conf<Schema>) {}

  get path(): string {
    return this.store.path;
  }

  list(): Array<{ name: string; current: boolean } & ClusterEntry> {
    const current = this.store.get('current');
    return Object.entries(this.store.get('clusters')).map(([name, e]) => ({ name, current: name === current, ...e }));
  }

  get(name: string): ClusterEntry | null {
    return this.store.get('clusters')[name] ?? null;
  }

  current(): string | null {
    return this.store.get('current') ?? null;
  }

  add(name: string, entry: ClusterEntry): void {
    validateClusterName(name);
    if (!entry.hosts.length) throw new InventoryError('a cluster needs at least one host');
    entry.hosts.forEach(validateHost);
    const clusters = { ...this.store.get('clusters'), [name]: { ...entry, hosts: [...new Set(entry.hosts)] } };
    this.store.set('clusters', clusters);
    if (!this.store.get('current')) this.store.set('current', name);
  }

  remove(name: string): boolean {
    const clusters = { ...this.store.get('clusters') };
    if (!clusters[name]) return false;
    delete clusters[name];
    this.store.set('clusters', clusters);
    if (this.store.get('current') === name) this.store.delete('current');
    return true;
  }

  use(name: string): void {
    if (!this.get(name)) throw new InventoryError(`no cluster named ${name} in ${this.path}`);
    this.store.set('current', name);
  }
}
